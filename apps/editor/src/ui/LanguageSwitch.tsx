/** The left rail's language switch: English, Italiano, Русский (i18n/i18n.ts keeps the choice per user). */
import { useCallback, useRef, useState } from 'react';
import { chooseLocale } from '../auth/useMe';
import { LOCALES, t, useLocale, type Locale, type MessageId } from '../i18n/i18n';
import { useDismiss } from './use-dismiss';
import { Icon } from './icons';

/** Each language named in its own words (the same in every catalog). */
const NAME: Record<Locale, MessageId> = { en: 'shell.language.en', it: 'shell.language.it', ru: 'shell.language.ru' };

export function LanguageSwitch() {
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, close, box);
  return (
    <div className="theme-switch" ref={box}>
      <button
        type="button"
        className="rail-link"
        aria-haspopup="true"
        aria-expanded={open}
        title={t('shell.language.current', { name: t(NAME[locale]) })}
        onClick={() => setOpen(!open)}
        data-testid="language-button"
      >
        <Icon name="globe" size={20} />
        <span>{locale.toUpperCase()}</span>
      </button>
      {open && (
        <div
          className="popover theme-menu"
          role="radiogroup"
          aria-label={t('shell.language')}
          data-testid="language-menu"
        >
          {LOCALES.map((l) => (
            <button
              key={l}
              type="button"
              role="radio"
              lang={l}
              aria-checked={locale === l}
              className={locale === l ? 'on' : ''}
              onClick={() => {
                void chooseLocale(l);
                setOpen(false);
              }}
              data-testid={`language-${l}`}
            >
              <span className="grow">{t(NAME[l])}</span>
              {locale === l && <Icon name="check" size={14} />}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
