import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireApiKey } from '../access/access.decorator';
import { CurrentPrincipal, type ApiKeyPrincipal } from '../access/principal';
import { IvrAnswerDto } from './dto/trigger-answers.dto';
import { IvrRequestDto } from './dto/ivr-request.dto';
import { IvrService, IVR_INPUT_PARTS } from './ivr.service';
import { TriggerInput, TriggerInputPipe } from './trigger-input.pipe';

@ApiTags('triggers')
@ApiSecurity('apiKey')
@ApiSecurity('bearer')
@Controller('ivr')
export class IvrController {
  constructor(private readonly ivr: IvrService) {}

  @Post(':flowKey')
  @HttpCode(200)
  @RequireApiKey('triggers.invoke')
  @ApiOperation({
    summary:
      "Ask a published IVR flow mid-call: answers with the respond node's body within the trigger's deadline, else its fallback",
  })
  @ApiBody({ type: IvrRequestDto, required: false })
  @ApiOkResponse({ type: IvrAnswerDto })
  invoke(
    @CurrentPrincipal() principal: ApiKeyPrincipal,
    @Param('flowKey') flowKey: string,
    @Body(new TriggerInputPipe(IVR_INPUT_PARTS)) input: TriggerInput,
  ): Promise<IvrAnswerDto> {
    return this.ivr.invoke(principal, flowKey, input);
  }
}
