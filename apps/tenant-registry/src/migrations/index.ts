import type { MigrationClass } from '@auraison/persistence';
import { InitTenantRegistrySchema1796400000000 } from './1796400000000-init-tenant-registry-schema.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [InitTenantRegistrySchema1796400000000];
