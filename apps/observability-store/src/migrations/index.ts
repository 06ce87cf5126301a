import type { MigrationClass } from '@auraison/persistence';
import { InitObservabilityStoreSchema1796400000000 } from './1796400000000-init-observability-store-schema.js';
import { ObservabilityHistory1796400700000 } from './1796400700000-observability-history.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [
  InitObservabilityStoreSchema1796400000000,
  ObservabilityHistory1796400700000,
];
