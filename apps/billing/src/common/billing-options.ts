// The tunables of billing's features, from the validated config; provided once, app-wide.
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { UsageLimits } from '../ledger/domain/usage-line.js';

export const BILLING_OPTIONS = Symbol('BILLING_OPTIONS');

export interface BillingOptions {
  limits: UsageLimits;
  /** How often each replica checks the price book for changes that can price unpriced usage. */
  pricingIntervalMs: number;
  /** How often the alert relay looks for unpublished budget alerts when nothing nudged it. */
  alertPollMs: number;
}

@Global()
@Module({})
export class BillingOptionsModule {
  static forRoot(options: BillingOptions): DynamicModule {
    return {
      module: BillingOptionsModule,
      providers: [{ provide: BILLING_OPTIONS, useValue: options }],
      exports: [BILLING_OPTIONS],
    };
  }
}
