import { Module } from '@nestjs/common';
import { TransactionRunner } from '@auraison/api-kit';
import { OutboxRelay } from './application/outbox-relay.service.js';
import { TenantChangeNotifier } from './application/tenant-change.notifier.js';
import { TenantEventRecorder } from './application/tenant-event.recorder.js';
import { JetStreamOutboxPublisher, OUTBOX_PUBLISHER } from './persistence/jetstream-outbox.publisher.js';
import { OutboxRepository } from './persistence/outbox.repository.js';

/** TenantEvents: written to the transactional outbox with each change, relayed to mp.tenant.events. */
@Module({
  providers: [
    TransactionRunner,
    OutboxRepository,
    TenantChangeNotifier,
    TenantEventRecorder,
    { provide: OUTBOX_PUBLISHER, useClass: JetStreamOutboxPublisher },
    OutboxRelay,
  ],
  exports: [TenantEventRecorder, TenantChangeNotifier, OutboxRelay],
})
export class EventsModule {}
