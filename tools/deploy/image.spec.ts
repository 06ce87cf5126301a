// The Dockerfile's build, run outside Docker (no engine here): tools/deploy/dockerfile.ts gives each
// stage a directory and runs its COPY and RUN lines as Docker would (npm ci from the lockfile, the Nx
// build, the assembly, npm ci --omit=dev), then each app's runtime filesystem is checked and started
// the way the manifests start it: the migration Job's command, the init container's wait, the image's
// CMD, the probes' paths, SIGTERM. Needs PostgreSQL and NATS, like every service test.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createTestDatabase,
  deleteNamespace,
  natsUrl,
  uniqueNamespace,
  type TestDatabase,
} from '@auraison/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { LineSplitter } from '../local/line-splitter.js';
import { waitForExit } from '../local/processes.js';
import { readDockerfile, runStage, startStage, type EmulatorOptions, type StageState } from './dockerfile.js';
import { kustomizeBuild, type K8sObject } from './kustomize.js';
import { APP_UID } from './manifests.js';
import { appsOnDisk, find, podTemplate, type ContainerView } from './workloads.js';

const ROOT = resolve(import.meta.dirname, '../..');
const APPS = appsOnDisk(ROOT);
const LISTENING = /listening on http:\/\/[^:]+:(\d+)/;

let work: string;
let options: EmulatorOptions;
let buildPrefix: StageState;
let db: TestDatabase;
const namespace = uniqueNamespace();
let manifests: K8sObject[];
const log: string[] = [];

beforeAll(async () => {
  for (const dir of ['/node_modules', join(tmpdir(), 'node_modules')])
    if (existsSync(dir)) throw new Error(`${dir} exists: Node would resolve the image's imports from it`);
  work = mkdtempSync(join(tmpdir(), 'mp-image-'));
  options = {
    dockerfile: readDockerfile(join(ROOT, 'Dockerfile')),
    context: ROOT,
    workDir: work,
    buildArgs: {},
    // What the RUN lines need from this machine: tools on PATH and npm's cache (the cache mount).
    runEnv: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
    },
    log: (line) => log.push(line),
    stages: new Map(),
  };
  const { stages } = options;
  stages.set('manifests', await runStage(options, await startStage(options, 'manifests')));
  // Everything of the build stage that does not depend on APP (Docker caches it the same way), and the
  // production dependencies, side by side.
  const build = await startStage(options, 'build');
  const prodDeps = await startStage(options, 'prod-deps');
  await Promise.all([
    runStage(options, build, (ins) => ins.keyword === 'ARG' && ins.args.trim() === 'APP'),
    runStage(options, prodDeps),
  ]);
  buildPrefix = { ...build, args: { ...build.args }, env: { ...build.env } };
  stages.set('prod-deps', prodDeps);
  stages.set('runtime-base', await runStage(options, await startStage(options, 'runtime-base')));
  db = await createTestDatabase('mp_image');
  manifests = kustomizeBuild(ROOT, 'deploy/k8s/overlays/dev');
}, 300_000);

afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  await db?.drop();
  const nc = await connect({ servers: natsUrl() });
  await deleteNamespace(await jetstreamManager(nc), namespace);
  await nc.close();
  // Removing two npm installs' worth of files takes a while on a busy machine.
}, 300_000);

/** Builds one app's runtime stage. */
async function buildImage(app: string): Promise<StageState> {
  const appOptions = { ...options, buildArgs: { APP: app } };
  const build = await runStage(appOptions, {
    ...buildPrefix,
    args: { ...buildPrefix.args },
    env: { ...buildPrefix.env },
  });
  options.stages.set('build', build);
  return runStage(appOptions, await startStage(appOptions, 'runtime', `runtime-${app}`));
}

/** Packages the lockfile marks as needed only for development, or optional. */
function devDependencies(): Set<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
  };
  return new Set(
    Object.entries(lock.packages)
      .filter(
        ([path, p]) =>
          (p.dev || p.devOptional || p.optional) && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path),
      )
      .map(([path]) => path.slice('node_modules/'.length)),
  );
}

function topLevelPackages(nodeModules: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@'))
      for (const sub of readdirSync(join(nodeModules, entry))) out.push(`${entry}/${sub}`);
    else out.push(entry);
  }
  return out;
}

function filesUnder(dir: string, skip: (rel: string) => boolean, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...filesUnder(dir, skip, path));
    else out.push(path);
  }
  return out;
}

/** The environment the Deployment gives the container, pointed at this machine's servers. */
function podEnv(container: ContainerView, image: StageState): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...image.env };
  for (const from of container.envFrom ?? []) {
    const cm = find(manifests, 'ConfigMap', from.configMapRef!.name);
    Object.assign(env, cm?.data as Record<string, string>);
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return {
    ...env,
    DATABASE_URL: db.url,
    NATS_URL: natsUrl(),
    MP_NATS_NAMESPACE: namespace,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    // tenant-registry's JWKS on this machine rather than at its cluster address (fetched on first use).
    ...(env.MP_JWKS_URL ? { MP_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json' } : {}),
  };
}

async function startService(
  command: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; output: string[] }> {
  const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const port = await new Promise<number>((resolvePort, reject) => {
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
          resolvePort(Number(m[1]));
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

async function getUntil(url: string, status: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await fetch(url).catch(() => undefined))?.status ?? 0;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

describe('the Dockerfile, built outside Docker', () => {
  it('should skip only the base image clean-up (npm and friends) and run every other RUN line', () => {
    const base = options.stages.get('runtime-base')!;
    expect(base.skipped).toHaveLength(1);
    expect(base.skipped[0]).toMatch(/rm -rf \/usr\/local\/lib\/node_modules .*\/usr\/local\/bin\/npm /);
    for (const stage of ['manifests', 'prod-deps']) expect(options.stages.get(stage)!.skipped).toEqual([]);
    expect(log.some((l) => l.includes('npm ci --ignore-scripts'))).toBe(true);
  });

  it('should keep only package manifests in the stage that feeds npm ci', () => {
    const root = join(options.stages.get('manifests')!.root, 'workspace');
    const files = filesUnder(root, () => false);
    expect(files.length).toBeGreaterThan(5);
    expect(files.filter((f) => !/(^|\/)package(-lock)?\.json$/.test(f))).toEqual([]);
  });

  it('should install no development dependency in the production node_modules', () => {
    const nodeModules = join(options.stages.get('prod-deps')!.root, 'workspace', 'node_modules');
    const dev = devDependencies();
    const installed = topLevelPackages(nodeModules);
    expect(installed.filter((p) => dev.has(p))).toEqual([]);
    for (const tool of ['jest', 'nx', 'typescript', '@swc/core', 'prettier', 'eslint'])
      expect(installed).not.toContain(tool);
    expect(installed).toContain('@nestjs/core');
  });

  it.each(APPS.map((a) => [a.name, a.migrates] as const))(
    'should build %s into an image that migrates, waits for its migrations, starts, answers its probes and stops on SIGTERM',
    async (app, migrates) => {
      const image = await buildImage(app);
      const root = join(image.root, image.workdir!.slice(1));
      expect(image.workdir).toBe('/app');
      expect(image.user).toBe(`${APP_UID}:${APP_UID}`);
      expect(image.env).toMatchObject({ NODE_ENV: 'production', AURAISON_APP: app });

      // Only built JavaScript of this app and the libraries it imports, no sources, no other app.
      expect(readdirSync(join(root, 'apps'))).toEqual([app]);
      expect(existsSync(join(root, 'apps', app, 'dist', 'main.js'))).toBe(true);
      const ours = filesUnder(root, (p) => p === 'node_modules');
      expect(ours.filter((f) => /\.ts$/.test(f) || /\/src\//.test(f))).toEqual([]);
      expect(readdirSync(join(root, 'libs'))).not.toContain('testing');
      expect(readdirSync(join(root, 'libs'))).not.toContain('app-testing');
      for (const link of readdirSync(join(root, 'node_modules', '@auraison'))) {
        const path = join(root, 'node_modules', '@auraison', link);
        expect({ link, resolves: lstatSync(path).isSymbolicLink() && existsSync(path) }).toEqual({
          link,
          resolves: true,
        });
      }

      const deployment = find(manifests, 'Deployment', app)!;
      const pod = podTemplate(deployment).spec;
      const main = pod.containers.find((c) => c.name === app)!;
      const env = podEnv(main, image);

      if (migrates) {
        const job = podTemplate(find(manifests, 'Job', `${app}-migrate`)!).spec.containers[0]!;
        const wait = pod.initContainers!.find((c) => c.name === 'wait-for-migrations')!;
        const check = spawnSync(job.command![0]!, [...job.command!.slice(1), '--check'], {
          cwd: root,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect({ status: check.status, stderr: check.stderr }).toEqual({
          status: 1,
          stderr: expect.stringContaining('pending migrations'),
        });
        const migrate = spawnSync(job.command![0]!, job.command!.slice(1), {
          cwd: root,
          env,
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect({ status: migrate.status, stderr: migrate.stderr }).toEqual({ status: 0, stderr: '' });
        const waited = spawnSync(wait.command![0]!, wait.command!.slice(1), {
          cwd: root,
          env,
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect({ status: waited.status, stdout: waited.stdout }).toEqual({
          status: 0,
          stdout: expect.stringContaining('no pending migrations'),
        });
      }

      // The image's own CMD, as `docker run` would start it.
      const service = await startService(image.cmd!, root, env);
      try {
        const base = `http://127.0.0.1:${service.port}`;
        expect(await getUntil(`${base}${main.livenessProbe!.httpGet!.path}`, 200, 10_000)).toBe(200);
        expect(await getUntil(`${base}${main.readinessProbe!.httpGet!.path}`, 200, 20_000)).toBe(200);
        const metrics = await fetch(
          `${base}${podTemplate(deployment).metadata!.annotations!['prometheus.io/path']}`,
        );
        expect(await metrics.text()).toContain(`service="${app}"`);
      } finally {
        service.child.kill('SIGTERM');
        const exited = await waitForExit(service.child, 30_000);
        if (!exited) service.child.kill('SIGKILL');
        expect(exited).toBe(true);
      }
      expect({ code: service.child.exitCode, output: service.output.slice(-5) }).toMatchObject({ code: 0 });
    },
    180_000,
  );
});
