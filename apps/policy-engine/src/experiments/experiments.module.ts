import { Module } from '@nestjs/common';
import { ExperimentsController } from './api/experiments.controller.js';
import { Experiments } from './application/experiments.service.js';

/** A/B experiments on roles' models. */
@Module({ controllers: [ExperimentsController], providers: [Experiments] })
export class ExperimentsModule {}
