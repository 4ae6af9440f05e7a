import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The request body as parsed, which the validation pipe passes on untouched (a custom parameter: no
 * walk for U+0000, no DTO). Only for a route whose service checks every part of the body as the
 * pipe would (POST /events: parseEventBatch checks each event, U+0000 included), so that a body of
 * 1000 events is not walked twice on the way in.
 */
export const SelfCheckedBody = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): unknown => ctx.switchToHttp().getRequest<{ body?: unknown }>().body,
);
