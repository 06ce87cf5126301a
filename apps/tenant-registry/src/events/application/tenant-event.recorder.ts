// Writes the TenantEvent of a change into the outbox inside the change's own transaction, and wakes
// the relay (and the Kubernetes reconciler) once that transaction has committed.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SUBJECTS, TenantEventMessage } from '@auraison/contracts';
import { childContext, formatTraceparent, TRACEPARENT_HEADER } from '@auraison/observability';
import type { Tx } from '@auraison/api-kit';
import { tenantEvent, type TenantChange } from '../domain/tenant-event.js';
import { OutboxRepository } from '../persistence/outbox.repository.js';
import { TenantChangeNotifier } from './tenant-change.notifier.js';

@Injectable()
export class TenantEventRecorder {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly notifier: TenantChangeNotifier,
  ) {}

  async record(tx: Tx, change: TenantChange): Promise<void> {
    const event = tenantEvent(change, randomUUID(), new Date());
    await this.outbox.append(tx, {
      eventId: event.eventId,
      subject: SUBJECTS.tenantEvents,
      messageType: TenantEventMessage.typeName,
      payload: TenantEventMessage.encode(event),
      // The trace starts with the change, so a republished event keeps its trace.
      headers: { [TRACEPARENT_HEADER]: formatTraceparent(childContext()) },
    });
    tx.afterCommit(() => this.notifier.changed(change.tenant.id));
  }

  /** For changes that publish no event but concern the tenant's Kubernetes objects (service accounts). */
  afterCommit(tx: Tx, tenantId: string): void {
    tx.afterCommit(() => this.notifier.changed(tenantId));
  }
}
