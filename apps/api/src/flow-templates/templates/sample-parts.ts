import type { RunInput } from '@callflow/flow';

// What the templates' sample inputs share (the shapes of STANDARD_TOKENS in libs/flow/src/tokens.ts):
// a call answered by an agent, its contact and campaign. Each template's `sampleInput` fills every
// input token it reads (apps/api/src/flow-templates/sample-inputs.spec.ts checks it).

export const sampleCall = {
  id: 'call-1001',
  callerId: '+33612345678',
  calledNumber: '+33140000000',
  direction: 'in',
  status: 'answered',
  startedAt: '2026-01-15T09:30:00Z',
  answeredAt: '2026-01-15T09:30:08Z',
  queue: 'support',
  agent: { id: 'a-7', name: 'Alice Martin', extension: '207' },
};

/** The same call once it ended. */
export const sampleEndedCall = {
  ...sampleCall,
  status: 'ended',
  disposition: 'answered',
  endedAt: '2026-01-15T09:34:41Z',
  durationSec: 273,
  recordingUrl: 'https://pbx.example.com/rec/call-1001.mp3',
};

export const sampleContact = {
  id: 'c-42',
  phone: '+33612345678',
  firstName: 'Jeanne',
  lastName: 'Dupont',
  email: 'jeanne.dupont@example.com',
};

export const sampleCampaign = { id: 'spring-renewals', name: 'Spring renewals' };

/** An event as POST /events hands it to a run. */
export const sampleEvent = (type: string, id: string, at: string) => ({ type, id, at });

/** A webhook run's input: the request as the trigger hands it over. */
export function sampleRequest(
  method: 'GET' | 'POST',
  parts: { body?: unknown; query?: Record<string, string> },
): RunInput {
  return {
    request: {
      method,
      query: parts.query ?? {},
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: parts.body ?? null,
    },
  };
}
