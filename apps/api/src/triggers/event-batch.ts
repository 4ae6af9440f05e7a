import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { isPlainObject } from '../platform/json/json-fields';
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
  items.forEach((item, i) => {
    const where = single ? 'event' : `events[${i}]`;
    if (!isPlainObject(item)) {
      problems.push(`${where}: must be an event object`);
      return;
    }
    const plain = typeof item.id === 'number' && Number.isFinite(item.id) ? { ...item, id: String(item.id) } : item;
    const r = checkBody(EventDto, plain, where);
    if (r.ok) events.push(r.value);
    else problems.push(...r.problems);
  });
  if (problems.length) {
    const details = problems.slice(0, MAX_REPORTED);
    if (problems.length > MAX_REPORTED) details.push(`… and ${problems.length - MAX_REPORTED} more problems`);
    throw problemsException(details);
  }
  return events;
}
