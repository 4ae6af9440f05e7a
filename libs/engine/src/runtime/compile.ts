import { fromCallback, sendTo, setup, type AnyStateMachine } from 'xstate';
import type { ParsedFlow, ParsedNode } from '@callflow/flow';
import { EngineError } from '../errors';
import type { NodeExecutor, NodeResult, PreparedNode } from './executor';
import type { RunState } from './run-state';

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
}

interface MachineContext {
  run: RunState;
}

type RunnerEvent = { type: 'node.exec'; nodeId: string };
type MachineEvent = { type: 'node.done'; output: NodeResult } | { type: 'node.failed'; error: unknown };

const COMPLETED = 'completed';
const FAILED = 'failed';
const stateKey = (nodeId: string) => `node_${nodeId}`;

/**
 * One runner actor per run executes the node a state asks for and reports back. (Invoking a
 * promise actor per node state costs a child actor per step — about 3x the machine overhead.)
 */
const nodeRunner = fromCallback<RunnerEvent, { run: RunState }, MachineEvent>(({ input, receive, sendBack }) => {
  receive((event) => {
    input.run.execute(event.nodeId).then(
      (output) => sendBack({ type: 'node.done', output }),
      (error: unknown) => sendBack({ type: 'node.failed', error }),
    );
  });
});

/**
 * Builds the XState machine of a validated flow: one state per node whose entry asks the
 * `nodeRunner` actor to execute it; the `leftBy` guard picks the transition by the handle the
 * node returned; `node.failed` (limits, unhandled errors) ends in `failed`.
 */
export function compileFlow(flow: ParsedFlow, executors: ReadonlyMap<string, NodeExecutor>, machineId = 'flow'): CompiledFlow {
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
    for (const [handle, target] of parsed.next) onDone.push({ guard: { type: 'leftBy', params: { handle } }, target: stateKey(target) });
    // An unhandled `error` fails the run; any other unconnected handle ends it.
    if (parsed.handles.includes('error') && !parsed.next.has('error')) onDone.push({ guard: { type: 'leftBy', params: { handle: 'error' } }, target: FAILED });
    onDone.push({ target: COMPLETED });
    states[stateKey(nodeId)] = {
      entry: { type: 'execute', params: { nodeId } },
      on: { 'node.done': onDone, 'node.failed': { target: FAILED } },
    };
  }

  const machine = setup({
    types: { context: {} as MachineContext, input: {} as MachineContext, events: {} as MachineEvent },
    actors: { nodeRunner },
    actions: {
      execute: sendTo('runner', (_args, params: { nodeId: string }) => ({ type: 'node.exec' as const, nodeId: params.nodeId })),
    },
    guards: {
      leftBy: ({ event }, params: { handle: string }) => event.type === 'node.done' && event.output.handle === params.handle,
    },
  }).createMachine({
    id: machineId,
    context: ({ input }) => input,
    invoke: { id: 'runner', src: 'nodeRunner', input: ({ context }) => ({ run: context.run }) },
    initial: stateKey(flow.trigger.node.id),
    states: states as never,
  });

  // The states are built at run time, so XState's static state-value types cannot apply here.
  return { flow, machine: machine as unknown as AnyStateMachine, nodes };
}

export const FINAL_STATES = { COMPLETED, FAILED } as const;
