// The durable consumer of mp.execution.events shared by every eval-loop replica: a thin adapter from
// decoded batches to CountExecutions.
import { Injectable } from '@nestjs/common';
import { CONSUMERS, type ExecutionEvent } from '@auraison/contracts';
import { ConsumeBatch, type BatchResult, type ConsumedMessage } from '@auraison/messaging';
import { isEvalTransient } from '../../common/tenant-projection-status.js';
import { CountExecutions } from '../application/count-executions.usecase.js';

@Injectable()
export class ExecutionEventsConsumer {
  constructor(private readonly count: CountExecutions) {}

  @ConsumeBatch(CONSUMERS.evalExecutionEvents, { batchSize: 500, isTransientError: isEvalTransient })
  async executions(batch: ConsumedMessage<ExecutionEvent>[]): Promise<BatchResult> {
    return this.count.execute(batch);
  }
}
