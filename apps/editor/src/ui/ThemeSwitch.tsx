/** The left rail's theme switch: System, Light or Dark (ui/theme.ts keeps the choice). */
import { useCallback, useRef, useState } from 'react';
import { t, type MessageId } from '../i18n/i18n';
import { useDismiss } from './use-dismiss';
import { Icon, type IconName } from './icons';
import { setTheme, THEME_CHOICES, useTheme, type ThemeChoice } from './theme';

const LABEL: Record<ThemeChoice, MessageId> = {
  system: 'shell.theme.system',
  light: 'shell.theme.light',
  dark: 'shell.theme.dark',
};
const ICON: Record<ThemeChoice, IconName> = { system: 'monitor', light: 'sun', dark: 'moon' };

export function ThemeSwitch() {
  const { choice, theme } = useTheme();
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
        title={
          choice === 'system'
            ? t('shell.theme.currentSystem', { theme })
            : t('shell.theme.current', { name: t(LABEL[choice]) })
        }
        onClick={() => setOpen(!open)}
        data-testid="theme-button"
      >
        <Icon name={theme === 'dark' ? 'moon' : 'sun'} size={20} />
        <span>{t('shell.theme')}</span>
      </button>
      {open && (
        <div className="popover theme-menu" role="radiogroup" aria-label={t('shell.theme')} data-testid="theme-menu">
          {THEME_CHOICES.map((c) => (
            <button
              key={c}
              type="button"
              role="radio"
              aria-checked={choice === c}
              className={choice === c ? 'on' : ''}
              onClick={() => {
                setTheme(c);
                setOpen(false);
              }}
              data-testid={`theme-${c}`}
            >
              <Icon name={ICON[c]} size={16} />
              <span className="grow">{t(LABEL[c])}</span>
              {choice === c && <Icon name="check" size={14} />}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
