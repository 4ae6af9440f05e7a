import { Module } from '@nestjs/common';
import { FlowTemplatesController } from './flow-templates.controller';
import { FlowTemplatesService } from './flow-templates.service';

/** Built-in flow templates for the five documented systems (docs/templates.md). */
@Module({
  controllers: [FlowTemplatesController],
  providers: [FlowTemplatesService],
  exports: [FlowTemplatesService],
})
export class FlowTemplatesModule {}
