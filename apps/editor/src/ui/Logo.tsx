import { t } from '../i18n/i18n';

export function Logo({ compact }: { compact?: boolean }) {
  return (
    <span className="logo">
      <svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">
        <rect width="28" height="28" rx="7" fill="var(--accent)" />
        <circle cx="8.5" cy="9" r="2.6" fill="var(--on-solid)" />
        <circle cx="19.5" cy="19" r="2.6" fill="var(--on-solid)" />
        <path
          d="M11 9h3.5a3 3 0 0 1 3 3v4.5"
          stroke="var(--on-solid)"
          strokeWidth="2"
          fill="none"
          strokeLinecap="round"
        />
      </svg>
      {!compact && <b>{t('shell.product')}</b>}
    </span>
  );
}
