/** What an operator does to a campaign: pause or resume its deliveries, retry its failed runs. */
import { useState } from 'react';
import { campaignsApi } from '../../api/campaigns';
import { errorText } from '../../api/client';
import { Button, Dialog, toast } from '../../ui/components';
import { t } from '../../i18n/i18n';

/** A request id per action (retry-all is idempotent per id); works on plain-HTTP origins too. */
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function PauseButton({ campaignId, paused }: { campaignId: string; paused: boolean }) {
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    try {
      if (paused) await campaignsApi.resume(campaignId);
      else await campaignsApi.pause(campaignId);
      toast(paused ? t('campaigns.resumed') : t('campaigns.pausedToast'), 'success');
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      icon={paused ? 'play' : 'pause'}
      busy={busy}
      onClick={() => void toggle()}
      data-testid={paused ? 'campaign-resume' : 'campaign-pause'}
      title={paused ? t('campaigns.resume.title') : t('campaigns.pause.title')}
    >
      {paused ? t('campaigns.resume') : t('campaigns.pause')}
    </Button>
  );
}

export interface RetryScope {
  /** How many failed runs it covers (all of the campaign's, or those failed with `code`). */
  count: number;
  flowId?: string;
  code?: string;
}

/** A button that asks, then queues a retry of the failed runs in `scope` (once per dialog: one request id). */
export function RetryFailedButton({
  campaignId,
  scope,
  testId,
  children,
}: {
  campaignId: string;
  scope: RetryScope;
  testId: string;
  children: string;
}) {
  const [requestId, setRequestId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const retry = async (id: string) => {
    setBusy(true);
    try {
      const r = await campaignsApi.retry(campaignId, { requestId: id, flowId: scope.flowId, code: scope.code });
      setRequestId(null);
      const counts = { queued: r.queued, skipped: r.skipped ?? 0 };
      toast(
        r.queued ? t('campaigns.retry.queued', counts) : t('campaigns.retry.nothing', counts),
        r.queued ? 'success' : 'info',
      );
    } catch (err) {
      // The same id if it is tried again: the server never queues one request twice.
      toast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        size={scope.code ? 'sm' : undefined}
        icon="refresh"
        disabled={scope.count === 0}
        onClick={(e) => {
          e.stopPropagation();
          setRequestId(newRequestId());
        }}
        data-testid={testId}
      >
        {children}
      </Button>
      {requestId && (
        <Dialog
          title={t('campaigns.retry.title')}
          onClose={() => setRequestId(null)}
          testId="retry-dialog"
          footer={
            <>
              <Button variant="ghost" onClick={() => setRequestId(null)}>
                {t('common.cancel')}
              </Button>
              <Button variant="primary" busy={busy} onClick={() => void retry(requestId)} data-testid="retry-confirm">
                {t('campaigns.retry.confirm', { count: scope.count })}
              </Button>
            </>
          }
        >
          <p>
            {scope.code
              ? t('campaigns.retry.bodyCode', { count: scope.count, code: scope.code })
              : t('campaigns.retry.bodyAll', { count: scope.count })}
          </p>
        </Dialog>
      )}
    </>
  );
}
