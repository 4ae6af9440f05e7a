import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../access/access.decorator';
import { FlowTemplatesService } from './flow-templates.service';

/** "New flow from template": the built-in templates; POST /flows {templateId, name, connections} creates one. */
@ApiTags('flow-templates')
@ApiBearerAuth()
@Controller('flow-templates')
export class FlowTemplatesController {
  constructor(private readonly templates: FlowTemplatesService) {}

  @Get()
  @RequirePermission('flows.read')
  @ApiOperation({
    summary:
      'Flow templates: {items:[{id, name, system, description, triggerType, ' +
      'requires:{connections:[{purpose, type, description, fields}]}}]}',
  })
  list() {
    return this.templates.list();
  }

  @Get(':id')
  @RequirePermission('flows.read')
  @ApiOperation({
    summary: 'One template with its definition (connectionId placeholders "choose-connection:<purpose>")',
  })
  get(@Param('id') id: string) {
    return this.templates.get(id);
  }
}
