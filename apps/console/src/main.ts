import 'reflect-metadata';
import { runService } from '@auraison/runtime';
import { consoleService } from './service.js';

await runService(consoleService);
