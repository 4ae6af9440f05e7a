import { initialTransition, setup, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { ParsedFlow, ParsedNode } from '@callflow/flow';
import { EngineError } from '../errors';
import type { NodeExecutor, PreparedNode } from './executor';

/** A node ready to run: its parsed definition and its prepared executor. */
export interface CompiledNode {
  parsed: ParsedNode;
  prepared: PreparedNode;
  /** True when the node has an `error` handle (failures route there instead of failing the run). */
  hasErrorHandle: boolean;
}

/** A flow version compiled once: the XState machine plus every node prepared. */
export interface CompiledFlow {
  readonly flow: ParsedFlow;
  readonly machine: AnyStateMachine;
  readonly nodes: ReadonlyMap<string, CompiledNode>;
  /** The machine's initial transition. */
  start(): FlowStep;
  /** The machine's transition from `state` when its node left by `outcome` (a handle, or NODE_FAILED). */
  next(state: string, outcome: string): FlowStep;
}

/**
 * Where a run stands after a transition: the state, the node its entry executes (none in a final state), and whether
 * the run ended.
 */
export interface FlowStep {
  readonly state: string;
  readonly execute: string | null;
  readonly done: boolean;
}

type MachineEvent = { type: 'node.done'; output: { handle: string } } | { type: 'node.failed' };

const COMPLETED = 'completed';
const FAILED = 'failed';
/**
 * The outcome that fails the run (a node threw: limits, unhandled errors). Handles are node-defined names, never this.
 */
export const NODE_FAILED = '!failed';
/** The machine state of a node (a batch chunk starts from its batch node's state, leaving by `each`). */
export const stateKey = (nodeId: string) => `node_${nodeId}`;

/**
 * Builds the XState machine of a validated flow: one state per node whose entry action executes
 * it; the `leftBy` guard picks the transition by the handle the node returned; `node.failed`
 * (limits, unhandled errors) ends in `failed`.
 *
 * Runs do not start an actor each. The machine's context is empty and its guard reads only the
 * handle, so a transition depends on (state, outcome) alone: XState's pure `transition()` computes
 * each one the first time a run needs it, and every later run of the version reuses it. An actor
 * per run spent ~70% of a run's CPU (and most of its garbage) re-deriving the same answers.
 */
export function compileFlow(
  flow: ParsedFlow,
  executors: ReadonlyMap<string, NodeExecutor>,
  machineId = 'flow',
): CompiledFlow {
  const nodes = new Map<string, CompiledNode>();
  for (const parsed of flow.nodes.values()) {
    const executor = executors.get(parsed.node.type);
    if (!executor) throw new EngineError('FLOW_INVALID', `no executor for node type "${parsed.node.type}"`);
    const prepared = executor.prepare({ ...parsed.node, config: parsed.config });
    nodes.set(parsed.node.id, { parsed, prepared, hasErrorHandle: parsed.handles.includes('error') });
  }

  const states: Record<string, unknown> = { [COMPLETED]: { type: 'final' }, [FAILED]: { type: 'final' } };
  for (const { parsed } of nodes.values()) {
    const nodeId = parsed.node.id;
    const onDone: unknown[] = [];
    for (const [handle, target] of parsed.next)
      onDone.push({ guard: { type: 'leftBy', params: { handle } }, target: stateKey(target) });
    // An unhandled `error` fails the run; any other unconnected handle ends it.
    if (parsed.handles.includes('error') && !parsed.next.has('error'))
      onDone.push({ guard: { type: 'leftBy', params: { handle: 'error' } }, target: FAILED });
    onDone.push({ target: COMPLETED });
    states[stateKey(nodeId)] = {
      entry: { type: 'execute', params: { nodeId } },
      on: { 'node.done': onDone, 'node.failed': { target: FAILED } },
    };
  }

  const machine = setup({
    types: { events: {} as MachineEvent },
    actions: {
      // The run loop executes the node the entry names (see runFlow); the action itself does nothing.
      execute: (_args, _params: { nodeId: string }) => undefined,
    },
    guards: {
      leftBy: ({ event }, params: { handle: string }) =>
        event.type === 'node.done' && event.output.handle === params.handle,
    },
  }).createMachine({
    id: machineId,
    initial: stateKey(flow.trigger.node.id),
    states: states as never,
  }) as unknown as AnyStateMachine; // states are built at run time: XState's static state-value types cannot apply

  // state → outcome → step: looked up on every step of every run, so no key is built per lookup.
  const transitions = new Map<string, Map<string, FlowStep>>();
  let initial: FlowStep | undefined;
  return {
    flow,
    machine,
    nodes,
    start: () => (initial ??= stepOf(...initialTransition(machine))),
    next(state, outcome) {
      let fromState = transitions.get(state);
      if (!fromState) transitions.set(state, (fromState = new Map()));
      let step = fromState.get(outcome);
      if (!step) {
        const from = machine.resolveState({ value: state, context: {} });
        const event: MachineEvent =
          outcome === NODE_FAILED ? { type: 'node.failed' } : { type: 'node.done', output: { handle: outcome } };
        step = stepOf(...transition(machine, from, event));
        fromState.set(outcome, step);
      }
      return step;
    },
  };
}

function stepOf(snapshot: AnyMachineSnapshot, actions: readonly { type: string; params?: unknown }[]): FlowStep {
  const entry = actions.find((a) => a.type === 'execute');
  return Object.freeze({
    state: String(snapshot.value),
    execute: entry ? (entry.params as { nodeId: string }).nodeId : null,
    done: snapshot.status === 'done',
  });
}

export const FINAL_STATES = { COMPLETED, FAILED } as const;
