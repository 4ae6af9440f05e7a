/** Shared UI pieces: buttons, dialog, toasts, badges, empty and error states. */
import { Component, useEffect, useRef, type ButtonHTMLAttributes, type ErrorInfo, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { create } from 'zustand';
import { formatDate, formatNumber, formatRelative, t, type MessageId } from '../i18n/i18n';
import { Icon, type IconName } from './icons';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

export function Button({
  variant = 'secondary',
  icon,
  size,
  busy,
  children,
  className,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; icon?: IconName; size?: 'sm'; busy?: boolean }) {
  return (
    <button
      type="button"
      className={
        `btn btn-${variant}${size ? ` btn-${size}` : ''}` +
        `${children ? '' : ' btn-icon'}${className ? ` ${className}` : ''}`
      }
      {...rest}
      // After the rest: a screen's own `disabled` adds to busy, never lifts it (a second click while
      // the first is at work would do it twice).
      disabled={rest.disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy ? (
        <span className="spinner" aria-hidden="true" />
      ) : icon ? (
        <Icon name={icon} size={size === 'sm' ? 14 : 16} />
      ) : null}
      {children}
    </button>
  );
}

export function Dialog({
  title,
  onClose,
  children,
  footer,
  width = 480,
  testId,
}: {
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  width?: number;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>(
      '[autofocus], input, textarea, select, button:not(.dialog-close)',
    );
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      prev?.focus?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={typeof title === 'string' ? title : undefined}
        style={{ width }}
        ref={ref}
        data-testid={testId}
      >
        <header className="dialog-head">
          <h2>{title}</h2>
          <button
            type="button"
            className="dialog-close btn btn-ghost btn-icon"
            onClick={onClose}
            aria-label={t('common.close')}
          >
            <Icon name="x" />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-foot">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}

interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
}

const useToasts = create<{ toasts: Toast[] }>(() => ({ toasts: [] }));
let toastSeq = 0;

/** Shows a short message at the bottom right (errors stay longer). */
export function toast(text: string, kind: Toast['kind'] = 'info'): void {
  const id = ++toastSeq;
  useToasts.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, kind, text }] }));
  setTimeout(
    () => useToasts.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    kind === 'error' ? 8000 : 3500,
  );
}

export function Toaster() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div className="toaster" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`}>
          <Icon name={toast.kind === 'error' ? 'alert' : toast.kind === 'success' ? 'check' : 'info'} />
          <span>{toast.text}</span>
          <button
            type="button"
            className="btn btn-ghost btn-icon btn-sm"
            aria-label={t('shell.toast.dismiss')}
            onClick={() => useToasts.setState((s) => ({ toasts: s.toasts.filter((x) => x.id !== toast.id) }))}
          >
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

export type Tone = 'neutral' | 'success' | 'danger' | 'warning' | 'accent' | 'info';

export function Badge({
  tone = 'neutral',
  children,
  title,
  testId,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
  testId?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

const STATUS_TONE: Record<string, Tone> = {
  succeeded: 'success',
  failed: 'danger',
  timeout: 'warning',
  running: 'info',
  queued: 'neutral',
};

/** A run status as people read it (an unknown one as the server names it). */
const STATUS_TEXT: Record<string, MessageId> = {
  succeeded: 'shell.status.succeeded',
  failed: 'shell.status.failed',
  timeout: 'shell.status.timeout',
  running: 'shell.status.running',
  queued: 'shell.status.queued',
  cancelled: 'shell.status.cancelled',
};

/** A run status in the language in force (an unknown one as the server names it). */
export function statusText(status: string): string {
  const id = STATUS_TEXT[status];
  return id ? t(id) : status;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="muted">—</span>;
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{statusText(status)}</Badge>;
}

export function ErrorBanner({ error, onRetry }: { error: string; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <Icon name="alert" />
      <span>{error}</span>
      {onRetry && (
        <Button size="sm" variant="ghost" icon="refresh" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </div>
  );
}

export function Empty({ icon = 'flow', title, children }: { icon?: IconName; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">
        <Icon name={icon} size={28} />
      </div>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <div className="loading">
      <span className="spinner" aria-hidden="true" />
      {label && <span>{label}</span>}
    </div>
  );
}

/** Keeps a render error in one part of the screen from blanking the app. */
export class ErrorBoundary extends Component<{ children: ReactNode; label?: string }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <Icon name="alert" size={24} />
        <h3>{this.props.label ?? t('shell.crash.part')}</h3>
        <p className="muted">{this.state.error.message}</p>
        <Button onClick={() => this.setState({ error: null })}>{t('shell.crash.tryAgain')}</Button>
      </div>
    );
  }
}

/** "3 min ago" in the language in force, or the date for anything older than a week. */
export function timeAgo(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 45) return formatRelative(0, 'second');
  if (s < 3600) return formatRelative(-Math.round(s / 60), 'minute');
  if (s < 86400) return formatRelative(-Math.round(s / 3600), 'hour');
  if (s < 7 * 86400) return formatRelative(-Math.round(s / 86400), 'day');
  return formatDate(t, 'date');
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? formatDate(iso) : '—';
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return t('shell.duration.ms', { n: formatNumber(Math.round(ms)) });
  const digits = ms < 10_000 ? 2 : 1;
  const n = formatNumber(ms / 1000, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });
  return t('shell.duration.s', { n });
}

/** Pretty JSON for display; strings that hold JSON are parsed first. */
export function pretty(value: unknown): string {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return value;
      }
    }
    return value;
  }
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** Saves a value as a downloaded .json file. */
export function downloadJson(filename: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
