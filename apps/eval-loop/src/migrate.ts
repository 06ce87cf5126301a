import 'reflect-metadata';
import { runServiceMigrations } from '@auraison/runtime';
import { evalLoopService } from './service.js';

await runServiceMigrations(evalLoopService);
