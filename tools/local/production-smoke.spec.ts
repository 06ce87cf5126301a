// Runs every app's production bundle with plain Node, the way `npm start` and the images do: catches
// what Jest cannot (ESM/CommonJS interop, missing runtime dependencies, a shutdown that hangs). Needs
// the bundles: `npm test` builds them before the test step.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  createTestDatabase,
  natsUrl,
  uniqueNamespace,
  deleteNamespace,
  type TestDatabase,
} from '@auraison/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { APPS, appPaths } from './apps.js';
import { REPO_ROOT } from './infra.js';
import { LineSplitter } from './line-splitter.js';
import { waitForExit } from './processes.js';

const LISTENING = /listening on http:\/\/[^:]+:(\d+)/;

interface Running {
  child: ChildProcess;
  port: number;
  output: string[];
}

async function startApp(main: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line within 30 s:\n${output.join('\n')}`)),
      30_000,
    );
    const onChunk = (splitter: LineSplitter) => (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        output.push(line);
        const m = LISTENING.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    };
    child.stdout?.on('data', onChunk(new LineSplitter()));
    child.stderr?.on('data', onChunk(new LineSplitter()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });
  return { child, port, output };
}

async function waitReady(port: number): Promise<unknown> {
  const deadline = Date.now() + 20_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res) {
      last = await res.json();
      if (res.status === 200) return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready after 20 s: ${JSON.stringify(last)}`);
}

describe('production bundles (plain Node, real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  const namespace = uniqueNamespace();

  beforeAll(async () => {
    db = await createTestDatabase('mp_smoke');
  });

  afterAll(async () => {
    await db?.drop();
    const nc = await connect({ servers: natsUrl() });
    await deleteNamespace(await jetstreamManager(nc), namespace);
    await nc.close();
  });

  it.each(APPS.map((a) => [a.name, a] as const))(
    'should migrate, become ready and stop cleanly on SIGTERM: %s',
    async (_name, app) => {
      const paths = appPaths(REPO_ROOT, app);
      if (!existsSync(paths.main)) throw new Error(`${paths.main} is missing: run \`npm run build\` first`);
      const env = {
        ...process.env,
        DATABASE_URL: db.url,
        NATS_URL: natsUrl(),
        MP_NATS_NAMESPACE: namespace,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        // Any free port, so a running `npm start` (which holds 50051) does not get in the way.
        GRPC_PORT: '0',
        LOG_LEVEL: 'info',
      };
      if (app.migrates !== false) {
        const migrate = spawnSync(process.execPath, [paths.migrate], {
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect({ status: migrate.status, stderr: migrate.stderr }).toEqual({ status: 0, stderr: '' });
      }

      const running = await startApp(paths.main, env);
      try {
        const report = (await waitReady(running.port)) as { ready: boolean };
        expect(report.ready).toBe(true);
        const metrics = await fetch(`http://127.0.0.1:${running.port}/metrics`);
        expect(await metrics.text()).toContain(`service="${app.name}"`);
      } finally {
        running.child.kill('SIGTERM');
        const exited = await waitForExit(running.child, 15_000);
        if (!exited) running.child.kill('SIGKILL');
        expect(exited).toBe(true);
      }
      expect(running.child.exitCode).toBe(0);
    },
    90_000,
  );
});
