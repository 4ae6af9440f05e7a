/**
 * What the editor knows of each node's output besides its pinned sample (which the definition
 * carries, so libs/flow reads it itself): the last test run's steps (or a past run's) and a SOAP
 * node's described output. Completion lists their paths; live validation warns about token paths
 * they lack (validateFlow's `outputShapes`).
 */
import {
  combineShapes,
  getNodeSpec,
  outputShape,
  pinnedOutputShape,
  soapNode,
  stepOutput,
  type KnownShape,
} from '@callflow/flow';
import type { StepRecord } from '../api/types';
import type { EditorNode } from './convert';
import { soapOutputShape, type SoapPick } from './soap-descriptions';

// eslint-disable-next-line house/no-ui-literal -- kept English: libs/flow words it into its English messages
const LAST_RUN = 'the last test run';

/** Step shapes by steps list (a run's steps never change once shown). */
const byRun = new WeakMap<readonly StepRecord[], Map<string, KnownShape>>();

/** The output shapes a run's steps show, by node id (a node run several times: their union). */
export function runShapes(steps: readonly StepRecord[]): Map<string, KnownShape> {
  const hit = byRun.get(steps);
  if (hit) return hit;
  const out = new Map<string, KnownShape>();
  for (const step of steps) {
    // The shape of success: a failed call's body (an error text) would make every field look missing.
    if (step.status !== 'succeeded') continue;
    const output = stepOutput(getNodeSpec(step.type), step);
    if (output === undefined) continue;
    const known = { shape: outputShape(output), source: LAST_RUN };
    out.set(step.nodeId, combineShapes([out.get(step.nodeId), known])!);
  }
  byRun.set(steps, out);
  return out;
}

/** Shapes beyond the pinned samples, by node id: the run's steps, SOAP operations' outputs. */
export function extraShapes(
  nodes: readonly EditorNode[],
  steps: readonly StepRecord[] | undefined,
): Map<string, KnownShape> {
  const fromRun = steps ? runShapes(steps) : undefined;
  const out = new Map(fromRun);
  for (const n of nodes) {
    if (n.type !== soapNode.type) continue;
    const soap = soapOutputShape(n.data.config as SoapPick);
    if (soap) out.set(n.id, combineShapes([out.get(n.id), soap])!);
  }
  return out;
}

/** Every shape known of each node's output, the pinned sample included (for completion). */
export function allShapes(
  nodes: readonly EditorNode[],
  steps: readonly StepRecord[] | undefined,
): Map<string, KnownShape> {
  const extra = extraShapes(nodes, steps);
  const out = new Map<string, KnownShape>();
  for (const n of nodes) {
    const known = combineShapes([pinnedOutputShape(getNodeSpec(n.type ?? ''), n.data.config), extra.get(n.id)]);
    if (known) out.set(n.id, known);
  }
  return out;
}
