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

export function CampaignPage() {
  const { campaignId = '' } = useParams();
  const can = useCan();
  const { doc, live, error, status } = useLiveDocument<CampaignDetail>(campaignsApi.detailPath(campaignId), 'progress');
  const head = (
    <Link to="/campaigns" className="muted small">
      <Icon name="chevronLeft" size={12} /> Campaigns
    </Link>
  );
  if (!doc) {
    return (
      <div className="page" data-testid="campaign-page">
        {head}
        {status === 404 ? (
          <Empty icon="megaphone" title="No such campaign">
            <p className="muted">No run of this campaign was recorded (or its records are past their retention).</p>
          </Empty>
        ) : error ? (
          <ErrorBanner error={error} />
        ) : (
          <Spinner label="Loading the campaign…" />
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
          <p className="muted">
            Started {new Date(doc.startedAt).toLocaleString()}; {doc.flows.length} flow
            {doc.flows.length === 1 ? '' : 's'}.
          </p>
        </div>
        <div className="grow" />
        <LiveIndicator live={live} />
        {can('flows.run') && <PauseButton campaignId={doc.campaignId} paused={doc.paused} />}
        {can('flows.run') && (
          <RetryFailedButton
            campaignId={doc.campaignId}
            scope={{ label: `all ${doc.failed.toLocaleString()} failed runs`, count: doc.failed }}
            testId="campaign-retry-all"
          >
            {`Retry all failed (${doc.failed.toLocaleString()})`}
          </RetryFailedButton>
        )}
      </header>
      <section className="campaign-summary" data-testid="campaign-summary">
        <ProgressBar c={doc} testId="campaign-progress" />
        <CountsLine c={doc} prefix="campaign" />
        <PaceLine p={doc} c={doc} paused={doc.paused} testId="campaign-pace" />
      </section>

      <h2 className="section-title">By flow</h2>
      <div className="table-wrap">
        <table className="table" data-testid="campaign-flows">
          <tbody>
            {doc.flows.map((f) => (
              <tr key={f.flowId} data-testid={`campaign-flow-${f.flowKey ?? f.flowId}`}>
                <td>{f.flowName ? <Link to={`/flows/${f.flowId}`}>{f.flowName}</Link> : flowLabel(f)}</td>
                <td className="campaign-cell">
                  <ProgressBar c={f} />
                  <CountsLine c={f} prefix={`flow-${f.flowKey ?? f.flowId}`} />
                </td>
                <td>
                  <PaceLine p={f} c={f} paused={doc.paused} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 className="section-title">Failures by error code</h2>
      {doc.failures.length === 0 ? (
        <p className="muted" data-testid="no-failures">
          No failed run waiting for a retry.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="campaign-failures">
            <thead>
              <tr>
                <th>Error</th>
                <th>Flow</th>
                <th className="num">Runs</th>
                <th>Example</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {doc.failures.map((g) => (
                <tr key={`${g.flowId}|${g.code}`} data-testid={`failure-${g.code}`}>
                  <td className="mono">{g.code}</td>
                  <td>{g.flowName ?? flowName(g.flowId)}</td>
                  <td className="num" data-testid={`failure-${g.code}-count`}>
                    {g.count.toLocaleString()}
                  </td>
                  <td className="small">
                    {g.example ? (
                      <Link to={`/executions/${g.example.executionId}`} data-testid={`failure-${g.code}-example`}>
                        {g.example.message ?? 'Open the run'}
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
                          label: `the ${g.count.toLocaleString()} runs that failed with ${g.code}`,
                          count: g.count,
                          flowId: g.flowId,
                          code: g.code,
                        }}
                        testId={`failure-${g.code}-retry`}
                      >
                        Retry these
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
