import 'reflect-metadata';
import { runService } from '@auraison/runtime';
import { billingService } from './service.js';

await runService(billingService);
