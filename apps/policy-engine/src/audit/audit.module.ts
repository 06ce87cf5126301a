import { Module } from '@nestjs/common';
import { AuditController } from './api/audit.controller.js';

/** Reading the audit log and the reservations. */
@Module({ controllers: [AuditController] })
export class AuditModule {}
