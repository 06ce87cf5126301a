import 'reflect-metadata';
import { runService } from '@auraison/runtime';
import { policyEngineService } from './service.js';

await runService(policyEngineService);
