import 'reflect-metadata';
import { runServiceMigrations } from '@auraison/runtime';
import { billingService } from './service.js';

await runServiceMigrations(billingService);
