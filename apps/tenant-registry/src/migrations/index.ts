import type { MigrationClass } from '@auraison/persistence';
import { InitTenantRegistrySchema1796400000000 } from './1796400000000-init-tenant-registry-schema.js';
import { TenantRegistryDomain1796400100000 } from './1796400100000-tenant-registry-domain.js';
import { TenantRegistryListIndexes1796400500000 } from './1796400500000-tenant-registry-list-indexes.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [
  InitTenantRegistrySchema1796400000000,
  TenantRegistryDomain1796400100000,
  TenantRegistryListIndexes1796400500000,
];
