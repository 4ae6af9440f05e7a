/**
 * Every string of the run statistics views (the stats page, the canvas's "Colour by"), in one place:
 * the editor's i18n (issue 19 §4) takes them over as its `stats` area when it lands. `{name}`
 * placeholders are filled by `st`.
 */
const EN = {
  'stats.title': 'Run statistics',
  'stats.subtitle': 'Counted as runs of the published flow finish (test runs are not); durations within 9 %.',
  'stats.back': 'Back to the flow',
  'stats.range': 'Time range',
  'stats.range.hour': 'Last hour',
  'stats.range.day': 'Last day',
  'stats.range.week': 'Last week',
  'stats.loading': 'Loading statistics…',
  'stats.notFound': 'This flow does not exist (or belongs to another tenant).',
  'stats.updated': 'Updated {time}',
  'stats.refresh': 'Refresh',
  'stats.runs': 'Runs',
  'stats.perMinute': '{value} per minute',
  'stats.errorRate': 'Error rate',
  'stats.failed': '{count} failed or timed out',
  'stats.durationQ': '{q} duration',
  'stats.fallbacks': 'Answered by the fallback',
  'stats.fallbackShare': '{count} of {runs} calls',
  'stats.misses': 'Deadline misses',
  'stats.missesHint': 'answered after the trigger deadline',
  'stats.chart.runs': 'Runs per minute',
  'stats.chart.errors': 'Error rate',
  'stats.chart.duration': 'Duration',
  'stats.chart.ivr': 'IVR: fallback answers and deadline misses',
  'stats.chart.label': '{title}, {from} to {to}; the values are in the summary and the table.',
  'stats.series.runs': 'runs/min',
  'stats.series.errors': 'errors/min',
  'stats.series.errorRate': 'error rate',
  'stats.series.fallbackShare': 'fallback share',
  'stats.series.misses': 'deadline misses',
  'stats.nodes': 'Nodes, slowest first (p95)',
  'stats.node': 'Node',
  'stats.errors': 'Errors',
  'stats.notInDraft': 'not in the draft',
  'stats.noRuns': 'No runs in this window',
  'stats.noRunsHint': 'Calls to the published flow are counted here as they finish; test runs are not.',
  'stats.open': 'Statistics',
  'stats.openTitle': 'Run statistics of this flow',
  'stats.openFlow': 'Statistics of {name}',
  'stats.tint': 'Colour by',
  'stats.tint.none': 'None',
  'stats.tint.p95': 'p95',
  'stats.tint.errorRate': 'Error rate',
  'stats.tint.over': 'Over',
  'stats.tint.legendP95': 'p95 duration, {range}',
  'stats.tint.legendErrors': 'Error rate, {range}',
  'stats.tint.node.p95': 'p95 {value}',
  'stats.tint.node.errors': '{value} errors',
  'stats.tint.node.none': 'no runs',
  'stats.tint.node.title': '{runs} runs, {errors} errors, p50 {p50}, p95 {p95}, p99 {p99}',
  'stats.tint.failed': 'Statistics unavailable: {error}',
} as const;

export type StatsMessage = keyof typeof EN;

/** The message `id` with its `{name}` placeholders filled. */
export function st(id: StatsMessage, values: Record<string, string | number> = {}): string {
  return EN[id].replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}
