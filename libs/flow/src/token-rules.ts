import type { InputRoot, NodeSpec } from './node-spec';
import { getNodeSpec, NODE_SPECS } from './registry';
import type { TemplateReference } from './template/analyze';

/**
 * Which run-input roots each trigger fills (what the trigger endpoints accept), from each trigger
 * spec's `trigger.inputRoots`. A template reading another root renders nothing, every time.
 */
export const TRIGGER_INPUT_ROOTS: Readonly<Record<string, readonly InputRoot[]>> = Object.fromEntries(
  NODE_SPECS.flatMap((s: NodeSpec) => (s.trigger ? [[s.type, s.trigger.inputRoots]] : [])),
);

/** The roots a template can read whatever the trigger (run input roots are per trigger, above). */
const INPUT_ROOTS: ReadonlySet<string> = new Set(['call', 'contact', 'campaign', 'ivr', 'event', 'request']);

/** Helpers that may read a connection secret: the secret goes in, only its digest comes out. */
export const HASH_HELPERS: readonly string[] = ['md5', 'sha1', 'sha256', 'hmacSha256'];

/**
 * Why `ref` can never be filled in a flow started by `triggerType`, or undefined when it can (or
 * when the root is not run input). Unknown trigger types are not judged.
 */
export function unavailableInputProblem(ref: TemplateReference, triggerType: string | undefined): string | undefined {
  if (!INPUT_ROOTS.has(ref.root) || triggerType === undefined) return undefined;
  const roots: readonly string[] | undefined = TRIGGER_INPUT_ROOTS[triggerType];
  if (!roots || roots.includes(ref.root)) return undefined;
  const hint = getNodeSpec(triggerType)?.trigger?.inputHint ?? `it has ${roots.join(', ')}`;
  return `{{${ref.original}}} is never set in a flow started by ${triggerType} (${hint}), so it would always be empty`;
}

/**
 * Why a `secrets.*` reference is refused, or undefined when it is fine: a secret is readable only
 * as `secrets.<name>`, only in a node with a connection, and only inside a hash helper, directly
 * or through `concat` (`{{md5 (concat connection.callcenterId secrets.apiKey)}}`): so it can
 * never be sent, recorded or answered as itself. `hasConnection` undefined: not judged (the
 * editor's live hints do not know the node).
 */
export function secretReferenceProblem(ref: TemplateReference, hasConnection?: boolean): string | undefined {
  if (ref.root !== 'secrets') return undefined;
  const token = `{{${ref.original}}}`;
  const hashed = '{{md5 (concat … secrets.<name>)}}';
  if (ref.path.length !== 1) return `${token}: a secret is read as secrets.<name>, inside a hash helper: ${hashed}`;
  if (hasConnection === false) return `${token}: secrets are the node's connection's; it has none (set connectionId)`;
  const within = ref.within ?? [];
  let i = within.length - 1;
  while (i >= 0 && within[i] === 'concat') i--;
  if (i < 0 || !HASH_HELPERS.includes(within[i]!)) {
    const how = `{{md5 (concat … ${ref.original})}} (${HASH_HELPERS.join(', ')})`;
    return `${token} would send the secret itself; a secret can only be hashed: ${how}`;
  }
  return undefined;
}
