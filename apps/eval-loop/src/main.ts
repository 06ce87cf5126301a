import 'reflect-metadata';
import { runService } from '@auraison/runtime';
import { evalLoopService } from './service.js';

await runService(evalLoopService);
