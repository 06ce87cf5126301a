import 'reflect-metadata';
import { runService } from '@auraison/runtime';
import { tenantRegistryService } from './service.js';

await runService(tenantRegistryService);
