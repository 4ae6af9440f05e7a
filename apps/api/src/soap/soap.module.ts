import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { EngineModule } from '../engine/engine.module';
import { SoapController } from './soap.controller';
import { WsdlDescribeService } from './wsdl-describe.service';

@Module({ imports: [ConnectionsModule, EngineModule], controllers: [SoapController], providers: [WsdlDescribeService] })
export class SoapModule {}
