import { EVENT_TYPES, campaignIdOf, matchesTrigger, type TriggerEvent } from './trigger-match';

const ended = (call: Record<string, unknown> = {}, campaign?: Record<string, unknown>): TriggerEvent => ({
  type: 'call.ended',
  call,
  ...(campaign ? { campaign } : {}),
});

describe('matchesTrigger: trigger.end_of_call', () => {
  it('matches every call.ended without filters, and no other event type', () => {
    expect(matchesTrigger('trigger.end_of_call', {}, ended())).toBe(true);
    for (const type of EVENT_TYPES.filter((t) => t !== 'call.ended'))
      expect(matchesTrigger('trigger.end_of_call', {}, { type, call: {} })).toBe(false);
  });

  it('treats empty filter lists as no filter', () => {
    expect(
      matchesTrigger('trigger.end_of_call', { campaignIds: [], queues: [], directions: [], dispositions: [] }, ended()),
    ).toBe(true);
  });

  it('filters by campaign: campaign.id first, else call.campaignId', () => {
    const cfg = { campaignIds: ['c1', '7'] };
    expect(matchesTrigger('trigger.end_of_call', cfg, ended({}, { id: 'c1' }))).toBe(true);
    expect(matchesTrigger('trigger.end_of_call', cfg, ended({ campaignId: 'c1' }))).toBe(true);
    expect(matchesTrigger('trigger.end_of_call', cfg, ended({ campaignId: 7 }))).toBe(true);
    expect(matchesTrigger('trigger.end_of_call', cfg, ended({ campaignId: 'c1' }, { id: 'c2' }))).toBe(false);
    expect(matchesTrigger('trigger.end_of_call', cfg, ended({}))).toBe(false);
  });

  it('filters by queue, direction and disposition; all filters must pass', () => {
    const cfg = { queues: ['sales'], directions: ['in'], dispositions: ['answered', 'busy'] };
    expect(
      matchesTrigger('trigger.end_of_call', cfg, ended({ queue: 'sales', direction: 'in', disposition: 'answered' })),
    ).toBe(true);
    expect(
      matchesTrigger('trigger.end_of_call', cfg, ended({ queue: 'sales', direction: 'inbound', disposition: 'BUSY' })),
    ).toBe(true);
    expect(
      matchesTrigger('trigger.end_of_call', cfg, ended({ queue: 'support', direction: 'in', disposition: 'answered' })),
    ).toBe(false);
    expect(
      matchesTrigger('trigger.end_of_call', cfg, ended({ queue: 'sales', direction: 'out', disposition: 'answered' })),
    ).toBe(false);
    expect(
      matchesTrigger('trigger.end_of_call', cfg, ended({ queue: 'sales', direction: 'in', disposition: 'no_answer' })),
    ).toBe(false);
    expect(matchesTrigger('trigger.end_of_call', cfg, ended({ queue: 'sales', direction: 'in' }))).toBe(false);
  });

  it('ignores non-scalar event values instead of stringifying them', () => {
    expect(matchesTrigger('trigger.end_of_call', { queues: ['[object Object]'] }, ended({ queue: {} }))).toBe(false);
  });
});

describe('matchesTrigger: trigger.campaign', () => {
  it('matches campaign.contact by default only', () => {
    expect(matchesTrigger('trigger.campaign', {}, { type: 'campaign.contact', campaign: { id: 'c1' } })).toBe(true);
    expect(matchesTrigger('trigger.campaign', {}, { type: 'sms.sent' })).toBe(false);
    expect(matchesTrigger('trigger.campaign', { events: [] }, { type: 'campaign.contact' })).toBe(true);
  });

  it('matches the event types listed in `events`, instead of the default', () => {
    const cfg = { events: ['sms.sent', 'call.answered'] };
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'sms.sent' })).toBe(true);
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'call.answered' })).toBe(true);
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'campaign.contact' })).toBe(false);
  });

  it('filters by campaignIds', () => {
    const cfg = { campaignIds: ['c1'] };
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'campaign.contact', campaign: { id: 'c1' } })).toBe(true);
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'campaign.contact', call: { campaignId: 'c1' } })).toBe(
      true,
    );
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'campaign.contact', campaign: { id: 'c2' } })).toBe(false);
    expect(matchesTrigger('trigger.campaign', cfg, { type: 'campaign.contact' })).toBe(false);
  });
});

describe('matchesTrigger: other triggers', () => {
  it('never starts synchronous triggers or unknown types from events', () => {
    for (const type of EVENT_TYPES) {
      expect(matchesTrigger('trigger.ivr', {}, { type })).toBe(false);
      expect(matchesTrigger('trigger.webhook', {}, { type })).toBe(false);
      expect(matchesTrigger('http', {}, { type })).toBe(false);
    }
  });

  it('tolerates a missing or malformed config', () => {
    expect(matchesTrigger('trigger.end_of_call', null, ended())).toBe(true);
    expect(matchesTrigger('trigger.campaign', 'x', { type: 'campaign.contact' })).toBe(true);
    expect(matchesTrigger('trigger.end_of_call', { queues: 'sales' }, ended({ queue: 'other' }))).toBe(true);
  });
});

describe('campaignIdOf', () => {
  it('prefers campaign.id over call.campaignId', () => {
    expect(campaignIdOf({ type: 'x', campaign: { id: 'a' }, call: { campaignId: 'b' } })).toBe('a');
    expect(campaignIdOf({ type: 'x', call: { campaignId: 'b' } })).toBe('b');
    expect(campaignIdOf({ type: 'x' })).toBeUndefined();
  });
});
