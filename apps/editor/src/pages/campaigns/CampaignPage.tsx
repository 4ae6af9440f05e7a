/**
 * One campaign, live: its runs by state over its flows and per flow, the rate and the estimated
 * end, its failures grouped by error code (an example run each), and the operator's actions:
 * pause or resume its deliveries, retry all its failed runs or those of one group.
 */
import { Link, useParams } from 'react-router';
import { campaignsApi, type CampaignDetail } from '../../api/campaigns';
import { useCan } from '../../api/session';
import { Empty, ErrorBanner, Spinner } from '../../ui/components';
import { Icon } from '../../ui/icons';
import { PauseButton, RetryFailedButton } from './CampaignActions';
import { useLiveDocument } from './live-document';
import { CountsLine, flowLabel, LiveIndicator, PaceLine, PausedBadge, ProgressBar } from './progress-parts';
import './campaigns.css';
import { formatDate, formatNumber, t } from '../../i18n/i18n';

export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const can = useCan();
  const { doc, live, error, status } = useLiveDocument<CampaignDetail>(campaignsApi.detailPath(campaignId), 'progress');
  const head = (
    <Link to="/campaigns" className="muted small">
      <Icon name="chevronLeft" size={12} /> {t('campaigns.title')}
    </Link>
  );
  if (!doc) {
    return (
      <div className="page" data-testid="campaign-page">
        {head}
        {status === 404 ? (
          <Empty icon="megaphone" title={t('campaigns.notFound')}>
            <p className="muted">{t('campaigns.notFound.body')}</p>
          </Empty>
        ) : error ? (
          <ErrorBanner error={error} />
        ) : (
          <Spinner label={t('campaigns.loadingOne')} />
        )}
      </div>
    );
  }
  const flowName = (id: string) => {
    const f = doc.flows.find((x) => x.flowId === id);
    return f ? flowLabel(f) : `${id.slice(0, 8)}…`;
  };
  return (
    <div className="page" data-testid="campaign-page">
      {head}
      <header className="page-head">
        <div>
          <h1 data-testid="campaign-title">
            {doc.campaignId} <PausedBadge paused={doc.paused} />
          </h1>
          <p className="muted">{t('campaigns.started', { at: formatDate(doc.startedAt), count: doc.flows.length })}</p>
        </div>
        <div className="grow" />
        <LiveIndicator live={live} />
        {can('flows.run') && <PauseButton campaignId={doc.campaignId} paused={doc.paused} />}
        {can('flows.run') && (
          <RetryFailedButton campaignId={doc.campaignId} scope={{ count: doc.failed }} testId="campaign-retry-all">
            {t('campaigns.retryAll', { count: doc.failed })}
          </RetryFailedButton>
        )}
      </header>
      <section className="campaign-summary" data-testid="campaign-summary">
        <ProgressBar c={doc} testId="campaign-progress" />
        <CountsLine c={doc} testId="campaign" />
        <PaceLine p={doc} c={doc} paused={doc.paused} testId="campaign-pace" />
      </section>

      <h2 className="section-title">{t('campaigns.byFlow')}</h2>
      <div className="table-wrap">
        <table className="table" data-testid="campaign-flows">
          <tbody>
            {doc.flows.map((f) => (
              <tr key={f.flowId} data-testid={`campaign-flow-${f.flowKey ?? f.flowId}`}>
                <td>{f.flowName ? <Link to={`/flows/${f.flowId}`}>{f.flowName}</Link> : flowLabel(f)}</td>
                <td className="campaign-cell">
                  <ProgressBar c={f} />
                  <CountsLine c={f} testId={`flow-${f.flowKey ?? f.flowId}`} />
                </td>
                <td>
                  <PaceLine p={f} c={f} paused={doc.paused} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="section-title">{t('campaigns.failures')}</h2>
      {doc.failures.length === 0 ? (
        <p className="muted" data-testid="no-failures">
          {t('campaigns.failures.none')}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="campaign-failures">
            <thead>
              <tr>
                <th>{t('campaigns.col.error')}</th>
                <th>{t('campaigns.col.flow')}</th>
                <th className="num">{t('campaigns.col.runs')}</th>
                <th>{t('campaigns.col.example')}</th>
                <th aria-label={t('campaigns.col.actions')} />
              </tr>
            </thead>
            <tbody>
              {doc.failures.map((g) => (
                <tr key={`${g.flowId}|${g.code}`} data-testid={`failure-${g.code}`}>
                  <td className="mono">{g.code}</td>
                  <td>{g.flowName ?? flowName(g.flowId)}</td>
                  <td className="num" data-testid={`failure-${g.code}-count`}>
                    {formatNumber(g.count)}
                  </td>
                  <td className="small">
                    {g.example ? (
                      <Link to={`/executions/${g.example.executionId}`} data-testid={`failure-${g.code}-example`}>
                        {g.example.message ?? t('campaigns.openRun')}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="row-actions">
                    {can('flows.run') && (
                      <RetryFailedButton
                        campaignId={doc.campaignId}
                        scope={{
                          count: g.count,
                          flowId: g.flowId,
                          code: g.code,
                        }}
                        testId={`failure-${g.code}-retry`}
                      >
                        {t('campaigns.retryThese')}
                      </RetryFailedButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
