// Every benchmark suite, in run order. A new benchmark is one file in this folder plus one line here;
// suites that compare with a raw baseline set `baselineId` on their results.
import type { BenchSuite } from '../context.js';
import { authSuite } from './auth.js';
import { grpcSuite } from './grpc.js';
import { jetstreamSuite } from './jetstream.js';
import { postgresSuite } from './postgres.js';

export const SUITES: readonly BenchSuite[] = [jetstreamSuite, postgresSuite, grpcSuite, authSuite];
