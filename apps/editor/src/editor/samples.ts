/** Ready sample inputs per trigger type for the test run (shapes: STANDARD_TOKENS in libs/flow/src/tokens.ts). */
import { campaignTrigger, endOfCallTrigger, ivrTrigger, webhookTrigger, type TriggerType } from '@callflow/flow';
import type { RunInput } from '../api/types';
import type { MessageId } from '../i18n/i18n';

const call = {
  id: 'call-1001',
  callerId: '+33612345678',
  calledNumber: '+33140000000',
  direction: 'in',
  status: 'ringing',
  startedAt: '2026-01-15T09:30:00Z',
  queue: 'support',
  // eslint-disable-next-line house/no-ui-literal -- sample data (a person's name), not UI wording
  agent: { id: 'a-7', name: 'Alice Martin', extension: '207' },
  custom: {},
};
const contact = {
  id: 'c-42',
  phone: '+33612345678',
  firstName: 'Jeanne',
  lastName: 'Dupont',
  email: 'jeanne.dupont@example.com',
  custom: { tier: 'gold' },
};
// eslint-disable-next-line house/no-ui-literal -- sample data (a campaign's name), not UI wording
const campaign = { id: 'spring-renewals', name: 'Spring renewals' };

/** `label`: the sample's name in the test drawer's menu (a message id). */
type Sample = { label: MessageId; input: RunInput };

/** Keyed by TriggerType: a new trigger type needs its samples. */
const BY_TRIGGER: Readonly<Record<TriggerType, Sample[]>> = {
  [ivrTrigger.type]: [
    {
      label: 'editor.samples.ivrPressed1',
      input: { call, contact, campaign, ivr: { digits: '1', node: 'main-menu' } },
    },
    {
      label: 'editor.samples.ivrUnknown',
      input: { call: { ...call, callerId: '+15550000000' }, contact: {}, ivr: { digits: '', node: 'welcome' } },
    },
  ],
  [endOfCallTrigger.type]: [
    {
      label: 'editor.samples.endAnswered',
      input: {
        call: {
          ...call,
          status: 'ended',
          disposition: 'answered',
          answeredAt: '2026-01-15T09:30:08Z',
          endedAt: '2026-01-15T09:34:41Z',
          durationSec: 273,
          recordingUrl: 'https://pbx.example.com/rec/call-1001.mp3',
        },
        contact,
        campaign,
        event: { type: 'call.ended', id: 'evt-9001', at: '2026-01-15T09:34:41Z' },
      },
    },
    {
      label: 'editor.samples.endMissed',
      input: {
        call: { ...call, status: 'ended', disposition: 'no_answer', durationSec: 0 },
        contact,
        event: { type: 'call.ended', id: 'evt-9002', at: '2026-01-15T09:31:00Z' },
      },
    },
  ],
  [campaignTrigger.type]: [
    {
      label: 'editor.samples.campaignReached',
      input: {
        contact,
        campaign,
        call: { ...call, direction: 'out', disposition: 'answered', durationSec: 95 },
        event: { type: 'campaign.contact', id: 'evt-7001', at: '2026-01-15T10:00:00Z' },
      },
    },
  ],
  [webhookTrigger.type]: [
    {
      label: 'editor.samples.webhookPost',
      input: {
        request: {
          method: 'POST',
          query: { source: 'pbx' },
          headers: { 'content-type': 'application/json' },
          body: { event: 'ringing', caller: '+33612345678', callid: 'call-1001' },
        },
        call,
        contact,
      },
    },
    {
      label: 'editor.samples.webhookGet',
      input: {
        request: { method: 'GET', query: { caller: '+33612345678', callid: 'call-1001' }, headers: {}, body: null },
      },
    },
  ],
};

export const SAMPLES: Readonly<Record<string, Sample[]>> = BY_TRIGGER;

/** Which input parts a trigger provides (the tabs of the input editor). */
export function inputSections(triggerType: string | undefined): (keyof RunInput)[] {
  switch (triggerType) {
    case ivrTrigger.type:
      return ['call', 'contact', 'campaign', 'ivr'];
    case endOfCallTrigger.type:
    case campaignTrigger.type:
      return ['call', 'contact', 'campaign', 'event'];
    case webhookTrigger.type:
      return ['request', 'call', 'contact'];
    default:
      return ['call', 'contact', 'campaign'];
  }
}

const INPUT_KEY = (flowId: string | undefined) => `callflow.testinput.${flowId ?? 'new'}`;

/** JSON with object keys sorted: the stored definition is jsonb, which does not keep key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** What this browser keeps per flow: the input last typed, and the pinned input it started from. */
interface Kept {
  input: RunInput;
  basedOn?: string;
}

function readKept(flowId: string | undefined): Kept | undefined {
  try {
    const raw = localStorage.getItem(INPUT_KEY(flowId));
    if (!raw) return undefined;
    const v = JSON.parse(raw) as Kept | RunInput;
    // Before pinning existed the input itself was kept.
    return 'input' in v && v.input && typeof v.input === 'object' ? (v as Kept) : { input: v as RunInput };
  } catch {
    return undefined;
  }
}

/**
 * The test drawer's input for a flow: what was typed in this browser on top of the flow's pinned
 * input (while that pinned input is unchanged), else the pinned input (saved with the flow, so
 * every admin's browser starts from it), else this browser's last input, else the trigger's first sample.
 */
export function loadTestInput(
  flowId: string | undefined,
  triggerType: string | undefined,
  pinned?: RunInput,
): RunInput {
  const kept = readKept(flowId);
  if (kept && (pinned === undefined || kept.basedOn === stableJson(pinned))) return kept.input;
  if (pinned) return structuredClone(pinned);
  return structuredClone(BY_TRIGGER[triggerType as TriggerType]?.[0]?.input ?? BY_TRIGGER[ivrTrigger.type][0]!.input);
}

/** Keeps the drawer's input in this browser, noting the pinned input it was typed on top of. */
export function saveTestInput(flowId: string | undefined, input: RunInput, pinned?: RunInput): void {
  try {
    const kept: Kept = { input, ...(pinned ? { basedOn: stableJson(pinned) } : {}) };
    localStorage.setItem(INPUT_KEY(flowId), JSON.stringify(kept));
  } catch {
    // not persisted; fine
  }
}
