/**
 * Checks only the server can make, because it holds the connections: a node's URL outside its
 * connection's allowed origins, a `secrets.<name>` the connection lacks, a token placed in a body the
 * node does not send (POST /flows/validate, codes `connection_*`). They join the browser's own
 * validation as errors at the node's field, so "Valid" and Publish agree with what the server will
 * accept. Each issue is kept only while its node's config is the one the server judged.
 */
import { getNodeSpec, type FlowDefinition, type ValidationIssue, type ValidationResult } from '@callflow/flow';
import { api } from '../api/client';
import type { EditorNode } from './convert';

const PREFIX = 'connection_';
const DELAY_MS = 500;

interface Draft {
  nodes: readonly EditorNode[];
  definition: FlowDefinition;
}

const isServerIssue = (i: ValidationIssue) => i.code.startsWith(PREFIX);

/** The server's last answer: its issues and the configs (as JSON) of the nodes they are about. */
let last: { issues: ValidationIssue[]; configs: Map<string, string> } = { issues: [], configs: new Map() };

function usesConnection(n: EditorNode): boolean {
  const ref = (n.data.config as { connectionId?: unknown }).connectionId;
  return getNodeSpec(n.type ?? '')?.category === 'request' && typeof ref === 'string' && ref !== '';
}

/** `result` with the server's issues still true of `nodes` in place of any older ones. */
export function withServerIssues(result: ValidationResult, nodes: readonly EditorNode[]): ValidationResult {
  const own = result.errors.filter((i) => !isServerIssue(i));
  if (!last.issues.length) {
    return own.length === result.errors.length ? result : { ...result, errors: own, valid: own.length === 0 };
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const current = last.issues.filter((i) => {
    const n = i.nodeId ? byId.get(i.nodeId) : undefined;
    return !!n && last.configs.get(n.id) === JSON.stringify(n.data.config);
  });
  const errors = [...own, ...current];
  return { ...result, errors, valid: errors.length === 0 };
}

/**
 * Asks the server a moment after `definition` changed (nothing is asked while no node uses a
 * connection); `apply` gets called when its answer arrives. Returns a cancel function.
 */
export function scheduleServerCheck(draft: () => Draft, apply: () => void): () => void {
  if (!draft().nodes.some(usesConnection)) {
    if (last.issues.length) {
      last = { issues: [], configs: new Map() };
      apply();
    }
    return () => undefined;
  }
  let cancelled = false;
  const timer = setTimeout(() => {
    const { nodes, definition } = draft();
    const configs = new Map(nodes.filter(usesConnection).map((n) => [n.id, JSON.stringify(n.data.config)]));
    api.flows.validate(definition).then(
      (r) => {
        if (cancelled) return;
        last = { issues: (r.errors ?? []).filter(isServerIssue), configs };
        apply();
      },
      // Offline or refused: the browser's own validation stands; publishing still asks the server.
      () => undefined,
    );
  }, DELAY_MS);
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}

/** Forgets the last answer (another flow is opened). */
export function resetServerChecks(): void {
  last = { issues: [], configs: new Map() };
}
