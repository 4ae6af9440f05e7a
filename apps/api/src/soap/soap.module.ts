import { Module } from '@nestjs/common';
import { SoapController } from './soap.controller';
import { SoapDescribeService } from './soap.service';

@Module({ controllers: [SoapController], providers: [SoapDescribeService] })
export class SoapModule {}
