import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { isPlainObject, reservedKey, setOpaqueAside } from '../platform/json/json-fields';
import { EventDto } from './dto/event.dto';

/** Most events one `POST /events` may carry. */
export const MAX_EVENTS_PER_REQUEST = 1000;
const MAX_REPORTED = 50;

/**
 * Validates a `POST /events` body: one event object or an array of 1..1000. Every item is checked
 * and each problem names its item (`events[3].type: …`; a single event reads `event.type: …`).
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
    const reserved = reservedKey(plain);
    if (reserved) {
      problems.push(`${where}.property ${reserved} should not exist`);
      return;
    }
    const { shallow, restore } = setOpaqueAside(EventDto, plain);
    const dto = plainToInstance(EventDto, shallow);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) problems.push(...messages(errors).map((m) => `${where}.${m}`));
    else events.push(restore(dto));
  });
  if (problems.length) {
    const details = problems.slice(0, MAX_REPORTED);
    if (problems.length > MAX_REPORTED) details.push(`… and ${problems.length - MAX_REPORTED} more problems`);
    throw new BadRequestException({ message: problems[0], details });
  }
  return events;
}

/** `type: type must be one of …` style lines; an unknown field reads `foo: property foo should not exist`. */
function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
}
