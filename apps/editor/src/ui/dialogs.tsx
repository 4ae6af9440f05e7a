/**
 * The two dialogs every screen uses: a confirmation of a destructive action (Cancel + a danger
 * button) and a form dialog (Cancel + a primary submit button). Built on components' Dialog.
 */
import { useState, type ReactNode } from 'react';
import { t } from '../i18n/i18n';
import { Button, Dialog } from './components';
import type { IconName } from './icons';

interface DialogFrame {
  title: ReactNode;
  /** Cancel, Escape, the close button and a click outside. */
  onClose(): void;
  children: ReactNode;
  width?: number;
  testId?: string;
}

/** Asks before a destructive action; `children` says what happens. */
export function ConfirmDialog(
  props: DialogFrame & {
    /** The danger button's label ("Delete connection"). */
    action: ReactNode;
    actionIcon?: IconName;
    actionTestId?: string;
    /** May return a promise: the button is busy (and cannot be pressed again) until it settles. */
    onConfirm(): void | Promise<unknown>;
  },
) {
  const [busy, setBusy] = useState(false);
  const confirm = () => {
    const pending = props.onConfirm();
    if (pending) {
      setBusy(true);
      void pending.finally(() => setBusy(false));
    }
  };
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      width={props.width}
      testId={props.testId}
      footer={
        <>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button
            variant="danger"
            icon={props.actionIcon}
            busy={busy}
            onClick={confirm}
            data-testid={props.actionTestId}
          >
            {props.action}
          </Button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}

/** A dialog that creates or edits something: Cancel and one primary submit button. */
export function FormDialog(
  props: DialogFrame & {
    submit: ReactNode;
    submitIcon?: IconName;
    submitTestId?: string;
    onSubmit(): void;
    busy?: boolean;
    /** Disables the submit button (it is disabled while busy too). */
    disabled?: boolean;
    /** Why it is disabled, shown beside it (a greyed button alone does not say what is missing). */
    disabledReason?: string | null;
  },
) {
  const reason = props.disabled && !props.busy ? props.disabledReason : null;
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      width={props.width}
      testId={props.testId}
      footer={
        <>
          {reason && (
            <span className="dialog-foot-reason muted small" data-testid="submit-reason">
              {reason}
            </span>
          )}
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            icon={props.submitIcon}
            busy={props.busy}
            {...(props.disabled !== undefined ? { disabled: props.disabled } : {})}
            title={reason ?? undefined}
            onClick={props.onSubmit}
            data-testid={props.submitTestId}
          >
            {props.submit}
          </Button>
        </>
      }
    >
      {props.children}
    </Dialog>
  );
}
