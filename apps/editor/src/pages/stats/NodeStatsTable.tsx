/** The stats page's nodes, slowest first: runs, errors, error rate, p50/p95/p99, with a bar for p95. */
import type { NodeStats } from '../../api/stats';
import { formatDuration, formatRate, heatLevel } from '../../stats/format';
import { t } from '../../i18n/i18n';
import { nodeLabel } from '../../i18n/node-text';

export function NodeStatsTable({ nodes }: { nodes: readonly NodeStats[] }) {
  if (nodes.length === 0) return null;
  const slowest = Math.max(...nodes.map((n) => n.p95 ?? 0)) || 1;
  return (
    <section className="stats-nodes">
      <h2>{t('stats.nodes')}</h2>
      <div className="table-wrap">
        <table className="table" data-testid="stats-nodes">
          <thead>
            <tr>
              <th>{t('stats.node')}</th>
              <th className="num">{t('stats.runs')}</th>
              <th className="num">{t('stats.errors')}</th>
              <th className="num">{t('stats.errorRate')}</th>
              <th className="num">p50</th>
              <th className="num">p95</th>
              <th className="num">p99</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => {
              const slow = heatLevel('p95', n);
              const failing = heatLevel('errorRate', n);
              return (
                <tr key={n.nodeId} data-testid={`stats-node-${n.name ?? n.nodeId}`}>
                  <td>
                    <div className="row-title">{n.name ?? n.nodeId}</div>
                    <div className="muted small">
                      {n.type ? nodeLabel(n.type) : ''}
                      {n.name === null && <i> ({t('stats.notInDraft')})</i>}
                    </div>
                  </td>
                  <td className="num">{n.runs}</td>
                  <td className="num">{n.errors}</td>
                  <td className="num">
                    <span className={`heat-pill heat-${failing ?? 'none'}`}>{formatRate(n.errorRate)}</span>
                  </td>
                  <td className="num">{formatDuration(n.p50)}</td>
                  <td className="num">
                    <div className="stats-p95">
                      <span className="stats-bar" aria-hidden="true">
                        <span
                          className={`heat-${slow ?? 'none'}`}
                          style={{ width: `${((n.p95 ?? 0) / slowest) * 100}%` }}
                        />
                      </span>
                      <span className={`heat-pill heat-${slow ?? 'none'}`}>{formatDuration(n.p95)}</span>
                    </div>
                  </td>
                  <td className="num">{formatDuration(n.p99)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
