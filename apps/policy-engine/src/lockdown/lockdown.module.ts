import { Module } from '@nestjs/common';
import { LockdownController } from './api/lockdown.controller.js';
import { Lockdowns } from './application/lockdowns.service.js';

/** Emergency lockdown, global and per tenant. */
@Module({ controllers: [LockdownController], providers: [Lockdowns] })
export class LockdownModule {}
