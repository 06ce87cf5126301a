import type { MigrationClass } from '@auraison/persistence';
import { InitBillingSchema1796400000000 } from './1796400000000-init-billing-schema.js';
import { BillingLedger1796500000000 } from './1796500000000-billing-ledger.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [InitBillingSchema1796400000000, BillingLedger1796500000000];
