import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunResult } from '@callflow/engine';

/** Prometheus metrics of this process (served at /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly runs = new Counter({ name: 'callflow_runs_total', help: 'Finished runs by flow, trigger and status', labelNames: ['flow', 'trigger', 'status'], registers: [this.registry] });
  private readonly runDuration = new Histogram({
    name: 'callflow_run_duration_seconds',
    help: 'Run duration by trigger',
    labelNames: ['trigger'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly nodeDuration = new Histogram({
    name: 'callflow_node_duration_seconds',
    help: 'Node duration by node type and status',
    labelNames: ['type', 'status'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** Set by whoever knows the queue (collected on scrape). */
  readonly queueDepth = new Gauge({ name: 'callflow_queue_depth', help: 'Jobs waiting in the event queue', registers: [this.registry] });
  readonly ivrTimeouts = new Counter({ name: 'callflow_ivr_timeouts_total', help: 'IVR calls answered with the fallback at the deadline', labelNames: ['flow'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // Labelled children, looked up once per label set (prom-client hashes the labels on every call).
  private readonly runChildren = new Map<string, { runs: { inc(): void }; duration: { observe(v: number): void } }>();
  private readonly nodeChildren = new Map<string, { observe(v: number): void }>();

  /** Records a finished run and its steps. */
  observeRun(flow: string, trigger: string, result: RunResult): void {
    const key = `${flow}\u0000${trigger}\u0000${result.status}`;
    let run = this.runChildren.get(key);
    if (!run) {
      run = { runs: this.runs.labels(flow, trigger, result.status), duration: this.runDuration.labels(trigger) };
      this.runChildren.set(key, run);
    }
    run.runs.inc();
    run.duration.observe(result.durationMs / 1000);
    for (const s of result.steps) {
      const nodeKey = `${s.type}\u0000${s.status}`;
      let node = this.nodeChildren.get(nodeKey);
      if (!node) {
        node = this.nodeDuration.labels(s.type, s.status);
        this.nodeChildren.set(nodeKey, node);
      }
      node.observe(s.durationMs / 1000);
    }
  }
}
