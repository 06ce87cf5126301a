import type { MigrationClass } from '@auraison/persistence';
import { InitPolicyEngineSchema1796400000000 } from './1796400000000-init-policy-engine-schema.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [InitPolicyEngineSchema1796400000000];
