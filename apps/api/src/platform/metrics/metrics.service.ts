import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunResult } from '@callflow/engine';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics';

/** Prometheus metrics of this process (served at /metrics). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  // Observed on every run (five observations per IVR call): the lean LabelledCounter/Histogram.
  private readonly runs = new LabelledCounter(
    'callflow_runs_total',
    'Finished runs by flow, trigger and status',
    ['flow', 'trigger', 'status'],
    this.registry,
  );
  private readonly runDuration = new LabelledHistogram(
    'callflow_run_duration_seconds',
    'Run duration by trigger',
    ['trigger'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    this.registry,
  );
  private readonly nodeDuration = new LabelledHistogram(
    'callflow_node_duration_seconds',
    'Node duration by node type and status',
    ['type', 'status'],
    [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    this.registry,
  );
  /** Set by whoever knows the queue (collected on scrape). */
  readonly queueDepth = new Gauge({
    name: 'callflow_queue_depth',
    help: 'Jobs waiting in the event queue',
    registers: [this.registry],
  });
  readonly ivrTimeouts = new Counter({
    name: 'callflow_ivr_timeouts_total',
    help: 'IVR calls answered with the fallback at the deadline',
    labelNames: ['flow'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // Series handles, looked up once per label set: by flow, then by a short trigger+status key
  // (by node type, then status, for the steps).
  private readonly runHandles = new Map<
    string,
    Map<string, { runs: { inc(): void }; duration: { observe(v: number): void } }>
  >();
  private readonly nodeHandles = new Map<string, Map<string, { observe(v: number): void }>>();

  /** Records a finished run and its steps. */
  observeRun(flow: string, trigger: string, result: RunResult): void {
    let byStatus = this.runHandles.get(flow);
    if (byStatus === undefined) this.runHandles.set(flow, (byStatus = new Map()));
    const statusKey = `${trigger} ${result.status}`;
    let run = byStatus.get(statusKey);
    if (run === undefined) {
      run = { runs: this.runs.labels(flow, trigger, result.status), duration: this.runDuration.labels(trigger) };
      byStatus.set(statusKey, run);
    }
    run.runs.inc();
    run.duration.observe(result.durationMs / 1000);
    for (const s of result.steps) {
      let byNodeStatus = this.nodeHandles.get(s.type);
      if (byNodeStatus === undefined) this.nodeHandles.set(s.type, (byNodeStatus = new Map()));
      let node = byNodeStatus.get(s.status);
      if (node === undefined) {
        node = this.nodeDuration.labels(s.type, s.status);
        byNodeStatus.set(s.status, node);
      }
      node.observe(s.durationMs / 1000);
    }
  }
}
