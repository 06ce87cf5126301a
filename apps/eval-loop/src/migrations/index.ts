import type { MigrationClass } from '@auraison/persistence';
import { InitEvalLoopSchema1796400000000 } from './1796400000000-init-eval-loop-schema.js';
import { EvalLoopDomain1796400600000 } from './1796400600000-eval-loop-domain.js';

/** Every migration of the service, oldest first (classes, not globs). */
export const MIGRATIONS: MigrationClass[] = [InitEvalLoopSchema1796400000000, EvalLoopDomain1796400600000];
