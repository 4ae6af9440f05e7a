/**
 * Campaigns: every campaign of the tenant with its runs by state, rate and estimated end, and every
 * event-triggered flow over all its campaigns; kept current by the server (server-sent events), no
 * list polling. `?flowId=` keeps the campaigns that ran that flow (opened from a flow's editor).
 */
import { Link, useNavigate, useSearchParams } from 'react-router';
import { campaignsApi, type CampaignList } from '../../api/campaigns';
import { Button, Empty, ErrorBanner, Spinner, timeAgo } from '../../ui/components';
import { useLiveDocument } from './live-document';
import { CountsLine, flowLabel, LiveIndicator, PaceLine, PausedBadge, ProgressBar } from './progress-parts';
import './campaigns.css';
import { t, tRich } from '../../i18n/i18n';

export function CampaignsPage() {
  const [params, setParams] = useSearchParams();
  const flowId = params.get('flowId');
  const navigate = useNavigate();
  const { doc, live, error } = useLiveDocument<CampaignList>(campaignsApi.listPath, 'campaigns');
  const items = (doc?.items ?? []).filter((c) => !flowId || c.flows.some((f) => f.flowId === flowId));
  const flows = (doc?.flows ?? []).filter((f) => !flowId || f.flowId === flowId);
  const filteredFlow = flowId ? doc?.flows.find((f) => f.flowId === flowId) : undefined;

  return (
    <div className="page" data-testid="campaigns-page">
      <header className="page-head">
        <div>
          <h1>{t('campaigns.title')}</h1>
          <p className="muted">{t('campaigns.intro')}</p>
        </div>
        <div className="grow" />
        <LiveIndicator live={live} />
      </header>
      {flowId && (
        <div className="filters">
          <span>
            {filteredFlow
              ? tRich('campaigns.filter.flow', { b: (s) => <b>{s}</b> }, { name: flowLabel(filteredFlow) })
              : tRich('campaigns.filter.flowNoRuns', { b: (s) => <b>{s}</b> })}
          </span>
          <Button size="sm" variant="ghost" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            {t('campaigns.allFlows')}
          </Button>
        </div>
      )}
      <div className="page-body">
        {error && !doc && <ErrorBanner error={error} />}
        {!doc && !error && <Spinner label={t('campaigns.loading')} />}
        {doc && items.length === 0 && (
          <Empty icon="megaphone" title={t('campaigns.empty')}>
            <p className="muted">{tRich('campaigns.empty.body', { code: (s) => <code>{s}</code> })}</p>
          </Empty>
        )}
        {items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="campaigns-table">
              <thead>
                <tr>
                  <th>{t('campaigns.col.campaign')}</th>
                  <th>{t('campaigns.col.progress')}</th>
                  <th>{t('campaigns.col.pace')}</th>
                  <th>{t('campaigns.col.lastRun')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr
                    key={c.campaignId}
                    className="clickable"
                    onClick={() => navigate(`/campaigns/${encodeURIComponent(c.campaignId)}`)}
                    data-testid={`campaign-row-${c.campaignId}`}
                  >
                    <td>
                      <Link
                        to={`/campaigns/${encodeURIComponent(c.campaignId)}`}
                        className="row-title"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {c.campaignId}
                      </Link>{' '}
                      <PausedBadge paused={c.paused} />
                      <div className="muted small">{c.flows.map(flowLabel).join(', ')}</div>
                    </td>
                    <td className="campaign-cell">
                      <ProgressBar c={c} />
                      <CountsLine c={c} testId={`campaign-${c.campaignId}`} />
                    </td>
                    <td>
                      <PaceLine p={c} c={c} paused={c.paused} />
                    </td>
                    <td className="muted small">{timeAgo(c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {flows.length > 0 && (
          <>
            <h2 className="section-title">{t('campaigns.eventFlows')}</h2>
            <div className="table-wrap">
              <table className="table" data-testid="campaign-flows-table">
                <thead>
                  <tr>
                    <th>{t('campaigns.col.flow')}</th>
                    <th>{t('campaigns.col.progressAll')}</th>
                    <th>{t('campaigns.col.pace')}</th>
                  </tr>
                </thead>
                <tbody>
                  {flows.map((f) => (
                    <tr key={f.flowId} data-testid={`campaign-flow-${f.flowId}`}>
                      <td>{f.flowName ? <Link to={`/flows/${f.flowId}`}>{f.flowName}</Link> : flowLabel(f)}</td>
                      <td className="campaign-cell">
                        <ProgressBar c={f} />
                        <CountsLine c={f} testId={`flow-${f.flowId}`} />
                      </td>
                      <td>
                        <PaceLine p={f} c={f} paused={false} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
