import type { MigrationClass } from '@auraison/persistence';
import { InitPolicyEngineSchema1796400000000 } from './1796400000000-init-policy-engine-schema.js';
import { PolicyEngineDomain1796400600000 } from './1796400600000-policy-engine-domain.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [
  InitPolicyEngineSchema1796400000000,
  PolicyEngineDomain1796400600000,
];
