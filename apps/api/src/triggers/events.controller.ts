import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiExtraModels,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { RequireApiKey } from '../access/access.decorator';
import { CurrentPrincipal, type ApiKeyPrincipal } from '../access/principal';
import { EventDto } from './dto/event.dto';
import { EventsAcceptedDto } from './dto/trigger-answers.dto';
import { EventsService } from './events.service';
import { SelfCheckedBody } from '../platform/validation/self-checked-body';

@ApiTags('triggers')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@ApiExtraModels(EventDto)
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @RequireApiKey('triggers.invoke')
  @ApiOperation({
    summary:
      'Push one event or an array of up to 1000; each matching published flow runs once per event id (queued ' +
      'durably before the 202); a key limited to flowKeys starts only those (403 when none is event-triggered)',
  })
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(EventDto) },
        { type: 'array', maxItems: 1000, items: { $ref: getSchemaPath(EventDto) } },
      ],
    },
  })
  @ApiAcceptedResponse({ type: EventsAcceptedDto })
  accept(
    @CurrentPrincipal() principal: ApiKeyPrincipal,
    // parseEventBatch checks each event as the pipe would (U+0000 included): one walk, not two.
    @SelfCheckedBody() body: unknown,
  ): Promise<EventsAcceptedDto> {
    return this.events.accept(principal, body);
  }
}
