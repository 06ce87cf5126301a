import 'reflect-metadata';
import { runServiceMigrations } from '@auraison/runtime';
import { tenantRegistryService } from './service.js';

await runServiceMigrations(tenantRegistryService);
