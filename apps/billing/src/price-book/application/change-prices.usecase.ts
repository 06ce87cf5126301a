import { Injectable } from '@nestjs/common';
import { notFound, TransactionRunner } from '@auraison/api-kit';
import { PlatformScope, type Principal } from '@auraison/auth';
import type { ModelRates, PriceVersion, RateKind } from '../domain/price-book.js';
import { PriceBook } from '../domain/price-book.js';
import { PriceBookRepository } from '../persistence/price-book.repository.js';
import { PriceBookChanges } from './price-book-changes.js';

export interface SetRateCommand {
  kind: RateKind;
  key: string;
  /** Default: now. */
  effectiveFrom?: Date;
  model?: ModelRates;
  gpuHour?: bigint;
  reason: string;
}

export interface WithdrawRateCommand {
  kind: RateKind;
  key: string;
  effectiveFrom: Date;
  reason: string;
}

/**
 * Price-book changes (platform admins, prices:write). Each one is a new version row with its author
 * and reason. A change never alters a usage line already priced: lines written after it commits use
 * it, unpriced lines it covers are priced by the unpriced-usage job, and a backdated change reaches
 * lines already priced only through an explicit re-pricing (adjustment lines).
 */
@Injectable()
export class ChangePrices {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly prices: PriceBookRepository,
    private readonly changes: PriceBookChanges,
  ) {}

  async setRate(principal: Principal, command: SetRateCommand): Promise<PriceVersion> {
    PlatformScope.of(principal);
    return this.transactions.run(async (tx) => {
      await this.prices.lockForChange(tx);
      const version = await this.prices.insert(tx, {
        kind: command.kind,
        key: command.key,
        effectiveFrom: command.effectiveFrom ?? new Date(),
        ...(command.model ? { model: command.model } : {}),
        ...(command.gpuHour !== undefined ? { gpuHour: command.gpuHour } : {}),
        withdrawn: false,
        createdBy: principal.subject,
        reason: command.reason,
      });
      tx.afterCommit(() => this.changes.notify());
      return version;
    });
  }

  /** Removes the schedule entry at exactly `effectiveFrom` (404 when there is none). */
  async withdraw(principal: Principal, command: WithdrawRateCommand): Promise<PriceVersion> {
    PlatformScope.of(principal);
    return this.transactions.run(async (tx) => {
      await this.prices.lockForChange(tx);
      const book = new PriceBook(await this.prices.all(tx));
      const at = command.effectiveFrom.getTime();
      if (!book.schedule(command.kind, command.key).some((v) => v.effectiveFrom.getTime() === at))
        throw notFound(
          `rate of ${command.kind} ${command.key} effective from ${command.effectiveFrom.toISOString()}`,
        );
      const version = await this.prices.insert(tx, {
        kind: command.kind,
        key: command.key,
        effectiveFrom: command.effectiveFrom,
        withdrawn: true,
        createdBy: principal.subject,
        reason: command.reason,
      });
      tx.afterCommit(() => this.changes.notify());
      return version;
    });
  }
}
