/**
 * Which published flows an inbound event (`POST /events`) starts. Pure and browser-safe, so the
 * editor can explain a trigger with the same rules the API applies.
 *
 * What each trigger type matches:
 * - `trigger.end_of_call` — only `call.ended` events. Optional filters, each ignored when absent or
 *   empty, all of which must pass:
 *   - `campaignIds`: `event.campaign.id`, else `event.call.campaignId`, is one of them;
 *   - `queues`: `event.call.queue` is one of them;
 *   - `directions` (`in`/`out`): `event.call.direction` (`inbound`/`outbound` are read as `in`/`out`);
 *   - `dispositions`: `event.call.disposition` is one of them (case-insensitive).
 *   An event that lacks a filtered field does not match that filter.
 * - `trigger.campaign` — events whose type is listed in `events` (default `['campaign.contact']`),
 *   so a dialer flow may also run on `sms.sent`, `call.ringing`, `call.answered` or `call.ended`
 *   by listing them; optional `campaignIds` filter as above.
 * - `trigger.ivr` and `trigger.webhook` are synchronous: they are invoked directly, never by events.
 *
 * Hence `call.ringing`, `call.answered` and `sms.sent` start only campaign flows that list them.
 */

import { campaignTrigger, endOfCallTrigger } from './nodes/triggers';

/** Event types `POST /events` accepts. */
export const EVENT_TYPES = ['call.ringing', 'call.answered', 'call.ended', 'campaign.contact', 'sms.sent'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Trigger types started by events (the others are invoked synchronously). */
export const EVENT_TRIGGER_TYPES = [endOfCallTrigger.type, campaignTrigger.type] as const;

/** The parts of an inbound event that matching reads. */
export interface TriggerEvent {
  type: string;
  call?: Record<string, unknown>;
  contact?: Record<string, unknown>;
  campaign?: Record<string, unknown>;
}

const DEFAULT_CAMPAIGN_EVENTS: readonly string[] = ['campaign.contact'];

/** True when a published version whose trigger is `triggerType` with `triggerConfig` should run for `event`. */
export function matchesTrigger(triggerType: string, triggerConfig: unknown, event: TriggerEvent): boolean {
  const config = isRecord(triggerConfig) ? triggerConfig : {};
  switch (triggerType) {
    case endOfCallTrigger.type:
      return (
        event.type === 'call.ended' &&
        passes(list(config.campaignIds), campaignIdOf(event)) &&
        passes(list(config.queues), scalar(event.call?.queue)) &&
        passes(list(config.directions), direction(event.call?.direction)) &&
        passes(lowered(list(config.dispositions)), scalar(event.call?.disposition)?.toLowerCase())
      );
    case campaignTrigger.type: {
      const events = list(config.events);
      return (
        (events?.length ? events : DEFAULT_CAMPAIGN_EVENTS).includes(event.type) &&
        passes(list(config.campaignIds), campaignIdOf(event))
      );
    }
    default:
      return false;
  }
}

/** The campaign an event belongs to: `campaign.id`, else `call.campaignId`. */
export function campaignIdOf(event: TriggerEvent): string | undefined {
  return scalar(event.campaign?.id) ?? scalar(event.call?.campaignId);
}

/** Longest campaign id, in characters: a campaign is viewed, paused and retried by it (`:campaignId`). */
export const MAX_CAMPAIGN_ID_LENGTH = 200;

/** Whether `id` has more than MAX_CAMPAIGN_ID_LENGTH characters (code points, as an event id's limit counts). */
export function campaignIdTooLong(id: string): boolean {
  if (id.length <= MAX_CAMPAIGN_ID_LENGTH) return false;
  let n = 0;
  for (const _ of id) if (++n > MAX_CAMPAIGN_ID_LENGTH) return true;
  return false;
}

/** Where an event's campaign id comes from (for messages): `campaign.id`, else `call.campaignId`. */
export function campaignIdField(event: TriggerEvent): 'campaign.id' | 'call.campaignId' {
  return scalar(event.campaign?.id) !== undefined ? 'campaign.id' : 'call.campaignId';
}

/** An absent or empty filter passes everything; otherwise the value must be present and listed. */
function passes(filter: string[] | undefined, value: string | undefined): boolean {
  if (!filter || filter.length === 0) return true;
  return value !== undefined && filter.includes(value);
}

function list(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map((v) => String(v)) : undefined;
}

function lowered(values: string[] | undefined): string[] | undefined {
  return values?.map((v) => v.toLowerCase());
}

/** Strings and numbers compare as strings (a PBX may send `queue: 5`); anything else is absent. */
function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function direction(value: unknown): string | undefined {
  const v = scalar(value)?.toLowerCase();
  if (v === 'inbound') return 'in';
  if (v === 'outbound') return 'out';
  return v;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
