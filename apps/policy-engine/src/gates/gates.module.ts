import { Module } from '@nestjs/common';
import { GatesController } from './api/gates.controller.js';
import { Gates } from './application/gates.service.js';

/** Actuation gates. */
@Module({ controllers: [GatesController], providers: [Gates], exports: [Gates] })
export class GatesModule {}
