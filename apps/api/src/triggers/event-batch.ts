import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { campaignIdField, campaignIdOf, campaignIdTooLong, EVENT_TYPES, MAX_CAMPAIGN_ID_LENGTH } from '@callflow/flow';
import { isISO8601 } from 'class-validator';
import { findLoneSurrogate, holdsUnstorable, isPlainObject } from '../platform/json/json-fields';
import { checkBody } from '../platform/validation/validate-body';
import { problemsException } from '../platform/validation/validation';
import { EventDto } from './dto/event.dto';

/** Most events one `POST /events` may carry. */
export const MAX_EVENTS_PER_REQUEST = 1000;
const MAX_REPORTED = 50;

/**
 * Validates a `POST /events` body: one event object or an array of 1..1000. Every item is checked
 * as an EventDto with the global pipe's checks (checkBody) and each problem names its item
 * (`events[3].type: …`; a single event reads `event.type: …`); the first 50 are reported.
 */
export function parseEventBatch(body: unknown): EventDto[] {
  const single = !Array.isArray(body);
  if (single && !isPlainObject(body))
    throw new BadRequestException('send one event object or an array of events (JSON)');
  const items: unknown[] = single ? [body] : (body as unknown[]);
  if (items.length === 0) throw new BadRequestException('the array holds no events');
  if (items.length > MAX_EVENTS_PER_REQUEST)
    throw new PayloadTooLargeException(
      `at most ${MAX_EVENTS_PER_REQUEST} events per request (got ${items.length}); split the batch`,
    );
  const events: EventDto[] = [];
  const problems: string[] = [];
  const accept = (event: EventDto, where: string) => {
    // Its campaign could not be opened, paused or retried (a route's :campaignId).
    const campaignId = campaignIdOf(event);
    if (campaignId !== undefined && campaignIdTooLong(campaignId))
      problems.push(`${where}.${campaignIdField(event)}: at most ${MAX_CAMPAIGN_ID_LENGTH} characters`);
    else events.push(event);
  };
  items.forEach((item, i) => {
    const where = single ? 'event' : `events[${i}]`;
    if (!isPlainObject(item)) {
      problems.push(`${where}: must be an event object`);
      return;
    }
    if (typeof item.id === 'number' && Math.abs(item.id) > Number.MAX_SAFE_INTEGER) {
      // JSON.parse rounded it: two ids would collapse into one, and one event would not run.
      problems.push(`${where}.id: a number id must be at most 2^53 - 1 (send a longer id as a string)`);
      return;
    }
    const plain = typeof item.id === 'number' && Number.isFinite(item.id) ? { ...item, id: String(item.id) } : item;
    const quick = plainEvent(plain);
    if (quick) {
      accept(quick, where);
      return;
    }
    const lone = findLoneSurrogate(item);
    if (lone !== undefined) {
      // jsonb (the queue and the run's input) cannot store it: one such event would fail its batch.
      problems.push(`${where}.${lone}: text must be valid Unicode (it holds a lone UTF-16 surrogate)`);
      return;
    }
    const r = checkBody(EventDto, plain, where);
    if (r.ok) accept(r.value, where);
    else problems.push(...r.problems);
  });
  if (problems.length) {
    const details = problems.slice(0, MAX_REPORTED);
    if (problems.length > MAX_REPORTED) details.push(`… and ${problems.length - MAX_REPORTED} more problems`);
    throw problemsException(details);
  }
  return events;
}

const EVENT_FIELDS = new Set(['id', 'type', 'call', 'contact', 'campaign', 'at']);
const TYPES = new Set<string>(EVENT_TYPES);
const SURROGATE = /[\uD800-\uDFFF]/;
// IsOptional: null counts as absent.
const absent = (v: unknown) => v === undefined || v === null;
const optionalObject = (v: unknown) => absent(v) || isPlainObject(v);

/**
 * `item` itself when it is plainly a valid event, which checkBody would accept with the same fields,
 * else undefined (checkBody then decides and words the problems). About 20x cheaper than
 * class-transformer + class-validator, which took ~20 ms of CPU per 1000 events. Anything unusual
 * (a surrogate in the id, a field no event has, a wrong type) takes checkBody's way.
 */
export function plainEvent(item: Record<string, unknown>): EventDto | undefined {
  for (const key in item) if (!EVENT_FIELDS.has(key)) return undefined;
  const { id, type, at } = item;
  // Length(1, 200) counts code points: without surrogates, that is the string's length.
  if (typeof id !== 'string' || id.length < 1 || id.length > 200 || SURROGATE.test(id)) return undefined;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  if (!optionalObject(item.call) || !optionalObject(item.contact) || !optionalObject(item.campaign)) return undefined;
  if (!absent(at) && !isISO8601(at)) return undefined;
  // One walk: text jsonb cannot store takes checkBody's way (or the lone-surrogate refusal).
  if (holdsUnstorable(item)) return undefined;
  return item as unknown as EventDto;
}
