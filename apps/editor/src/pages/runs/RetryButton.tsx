/** Retry of a failed or timed-out run: a new run, same input, on the flow's published version. */
import { useState } from 'react';
import { api, errorText } from '../../api/client';
import type { ExecutionSummary } from '../../api/types';
import { useCan } from '../../api/session';
import { Button, toast } from '../../ui/components';
import { t } from '../../i18n/i18n';

/** Whether `run` can be retried by this user (the server checks again). */
export function useRetryable(): (run: Pick<ExecutionSummary, 'status' | 'flowId'>) => boolean {
  const can = useCan();
  return (run) => can('flows.run') && !!run.flowId && (run.status === 'failed' || run.status === 'timeout');
}

export function RetryButton({
  run,
  onQueued,
  size,
}: {
  run: Pick<ExecutionSummary, 'id' | 'status' | 'flowId'>;
  onQueued(executionId: string): void;
  size?: 'sm';
}) {
  const [busy, setBusy] = useState(false);
  const retryable = useRetryable();
  if (!retryable(run)) return null;
  const retry = async () => {
    setBusy(true);
    try {
      const { executionId } = await api.executions.retry(run.id);
      toast(t('runs.retry.queued'), 'success');
      onQueued(executionId);
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size={size}
      icon="refresh"
      busy={busy}
      onClick={(e) => {
        e.stopPropagation();
        void retry();
      }}
      data-testid={`retry-${run.id}`}
      title={t('runs.retry.title')}
    >
      {t('common.retry')}
    </Button>
  );
}
