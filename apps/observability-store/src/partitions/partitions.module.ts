import { Module } from '@nestjs/common';
import { PartitionMaintenance } from './application/partition-maintenance.service.js';
import { PartitionRepository } from './persistence/partition.repository.js';

/** Monthly partitions of the history, created ahead of time. */
@Module({ providers: [PartitionMaintenance, PartitionRepository], exports: [PartitionMaintenance] })
export class PartitionsModule {}
