import 'reflect-metadata';
import { runServiceMigrations } from '@auraison/runtime';
import { observabilityStoreService } from './service.js';

await runServiceMigrations(observabilityStoreService);
