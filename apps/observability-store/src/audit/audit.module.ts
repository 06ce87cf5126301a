import { Module, type DynamicModule } from '@nestjs/common';
import { AuditController } from './api/audit.controller.js';
import { AuditMetrics } from './application/audit-metrics.js';
import { CHECKPOINT_INTERVAL_MS, CheckpointPublisher } from './application/checkpoint-publisher.service.js';
import { ReadChainHead } from './application/read-chain-head.usecase.js';
import { VerificationSlots } from './application/verification-slots.js';
import { VerifyChain } from './application/verify-chain.usecase.js';
import { ChainRepository } from './persistence/chain.repository.js';

/** Chain verification and the checkpoints published on mp.audit.checkpoints. */
@Module({})
export class AuditModule {
  static forRoot(options: { checkpointSeconds: number }): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [
        { provide: CHECKPOINT_INTERVAL_MS, useValue: options.checkpointSeconds * 1000 },
        AuditMetrics,
        ChainRepository,
        CheckpointPublisher,
        ReadChainHead,
        VerificationSlots,
        VerifyChain,
      ],
      exports: [CheckpointPublisher],
    };
  }
}
