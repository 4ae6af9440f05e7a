/** The pieces TemplateField draws: highlighted text and the completion list's rows. */
import type { ReactNode } from 'react';
import { t } from '../i18n/i18n';
import type { TokenItem } from './tokens';

export function Highlight({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  const re = /\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = re.exec(text))) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(
      <span key={k++} className="tok">
        {m[0]}
      </span>,
    );
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last) + '\n');
  return <>{parts}</>;
}

export function TokenRow({
  item,
  active,
  onPick,
  showGroup,
}: {
  item: TokenItem;
  active: boolean;
  onPick(): void;
  showGroup?: boolean;
}) {
  return (
    <li
      role="option"
      aria-selected={active}
      className={active ? 'active' : ''}
      onClick={onPick}
      data-token={item.token}
    >
      <code>{item.helper ? `${item.token} …` : item.token}</code>
      {item.type && <span className="tf-pop-type">{item.type}</span>}
      {item.example !== undefined ? (
        <span className="tf-pop-detail tf-pop-example" title={item.detail}>
          {item.example}
        </span>
      ) : (
        item.detail && <span className="tf-pop-detail">{item.detail}</span>
      )}
      {showGroup && <span className="tf-pop-kind">{item.helper ? t('editor.tokens.helper') : item.group}</span>}
    </li>
  );
}

export function groupItems(items: TokenItem[]): [string, { item: TokenItem; index: number }[]][] {
  const map = new Map<string, { item: TokenItem; index: number }[]>();
  items.forEach((item, index) => {
    const list = map.get(item.group);
    if (list) list.push({ item, index });
    else map.set(item.group, [{ item, index }]);
  });
  return [...map.entries()];
}
