import { Module } from '@nestjs/common';
import { GatesModule } from '../gates/gates.module.js';
import { ExpirySweeper } from './application/expiry-sweeper.js';
import { UsageIngest } from './application/usage-ingest.js';

/** Settling reservations from the event streams, and expiring what nothing settled. */
@Module({ imports: [GatesModule], providers: [UsageIngest, ExpirySweeper] })
export class QuotaModule {}
