import 'reflect-metadata';
import { runServiceMigrations } from '@auraison/runtime';
import { policyEngineService } from './service.js';

await runServiceMigrations(policyEngineService);
