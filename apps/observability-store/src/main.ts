import 'reflect-metadata';
import { runService } from '@auraison/runtime';
import { observabilityStoreService } from './service.js';

await runService(observabilityStoreService);
