/** The last test run (or a past execution's steps) shown on the canvas, per node. */
import type { EditorSlice, RunState, TestRunSlice } from './types';

export const EMPTY_RUN: RunState = { status: 'idle', byNode: new Map() };

export const createTestRunSlice: EditorSlice<TestRunSlice> = (set, get) => ({
  run: EMPTY_RUN,

  setRun(run) {
    set({ run: { ...get().run, ...run } });
  },

  showSteps(steps, result) {
    set({ run: { status: 'done', result, byNode: new Map(steps.map((st) => [st.nodeId, st])) } });
  },

  runProgress(current, steps) {
    const run = get().run;
    if (run.status !== 'running') return;
    const byNode = steps.length ? new Map(run.byNode) : run.byNode;
    for (const st of steps) byNode.set(st.nodeId, st);
    set({ run: { ...run, current, byNode, steps: steps.length ? [...(run.steps ?? []), ...steps] : run.steps } });
  },

  pickStep(seq) {
    const run = get().run;
    if (run.picked !== (seq ?? undefined)) set({ run: { ...run, picked: seq ?? undefined } });
  },

  clearRun() {
    set({ run: EMPTY_RUN });
  },
});
