// What authentication costs (issue 3): verifying an access token in one process, uncached and from the
// verified-token cache, against a raw Ed25519 signature check; and the throughput of the tenant
// registry's POST /api/v1/auth/token against its own /healthz, with the production bundle.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign as rawSign, verify as rawVerify } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { TokenVerifier, type KeySource } from '@auraison/auth';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import type { BenchContext, BenchSuite } from '../context.js';
import type { BenchResult } from '../report.js';

const ROOT = join(import.meta.dirname, '../../..');
const ISSUER = 'bench';

function perSecondFor(durationMs: number, step: () => void): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 100; i++) step();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

async function asyncPerSecond(count: number, step: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await step(i);
  return count / ((performance.now() - start) / 1000);
}

async function verificationFigures(ctx: BenchContext): Promise<BenchResult[]> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  const keys: KeySource = { getKey: async (k) => Promise.resolve(k === kid ? publicKey : undefined) };
  const tokenCount = ctx.size(4000, 800);
  ctx.log(`auth: signing ${tokenCount} distinct tokens`);
  const now = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(
    Array.from({ length: tokenCount }, async () =>
      new SignJWT({ tenant_id: randomUUID(), roles: ['service'], typ: 'service_account' })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(randomUUID())
        .setIssuer(ISSUER)
        .setAudience('auraison-mp')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .setJti(randomUUID())
        .sign(privateKey),
    ),
  );
  const message = Buffer.from(tokens[0]!.split('.').slice(0, 2).join('.'));
  const signature = rawSign(null, message, privateKey);
  const durationMs = ctx.size(2000, 500);
  const runs = ctx.runs(5);

  const raw = await ctx.repeat('raw Ed25519 verify', runs, async () =>
    Promise.resolve(perSecondFor(durationMs, () => void rawVerify(null, message, publicKey, signature))),
  );
  const uncached = await ctx.repeat('TokenVerifier, every token new', runs, async () => {
    const verifier = new TokenVerifier(keys, { issuer: ISSUER, cacheSize: tokenCount * 2 });
    return asyncPerSecond(tokens.length, async (i) => verifier.verify(tokens[i]!));
  });
  const cached = await ctx.repeat('TokenVerifier, cached token', runs, async () => {
    const verifier = new TokenVerifier(keys, { issuer: ISSUER });
    await verifier.verify(tokens[0]!);
    return asyncPerSecond(ctx.size(200_000, 50_000), async () => verifier.verify(tokens[0]!));
  });
  return [
    {
      id: 'auth-raw-ed25519',
      title: 'raw Ed25519 signature verify (node:crypto)',
      unit: 'verify/s',
      samples: raw,
      conditions: `one process, the signing input of an access token (${message.length} B)`,
    },
    {
      id: 'auth-verify-uncached',
      title: 'access token verification, first sight (TokenVerifier)',
      unit: 'tokens/s',
      samples: uncached,
      conditions: `${tokenCount} distinct EdDSA JWTs, header + signature + claims checks, key from memory`,
      baselineId: 'auth-raw-ed25519',
    },
    {
      id: 'auth-verify-cached',
      title: 'access token verification, cached (what every later request pays)',
      unit: 'tokens/s',
      samples: cached,
      conditions: 'the same token again: SHA-256 of the token and a map lookup',
      baselineId: 'auth-raw-ed25519',
    },
  ];
}

async function httpLoad(url: string, durationS: number, body?: string) {
  const result = await autocannon({
    url,
    connections: 32,
    duration: durationS,
    ...(body ? { method: 'POST' as const, body, headers: { 'content-type': 'application/json' } } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function tokenEndpointFigures(ctx: BenchContext): Promise<BenchResult[]> {
  ctx.log('auth: building tenant-registry (production bundle)');
  const build = spawnSync('npx', ['nx', 'run', '@auraison/tenant-registry:build', '--output-style=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`building tenant-registry failed:\n${build.stdout}${build.stderr}`);
  const app = join(ROOT, 'apps/tenant-registry/dist');
  const adminKey = `mpk_benchbenchbe_${Buffer.alloc(32, 7).toString('base64url')}`;
  const env = {
    ...process.env,
    DATABASE_URL: ctx.databaseUrl,
    NATS_URL: ctx.natsUrl,
    MP_NATS_NAMESPACE: `b${ctx.runId}`.replace(/[^a-z0-9]/g, ''),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    MP_BOOTSTRAP_ADMIN_KEY: adminKey,
  };
  const migrate = spawnSync(process.execPath, [join(app, 'migrate.js')], { env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`tenant-registry migration failed: ${migrate.stderr}`);
  const child = spawn(process.execPath, [join(app, 'main.js')], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  ctx.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('tenant-registry did not start within 30 s')), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const body = JSON.stringify({ api_key: adminKey });
  const first = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  if (first.status !== 200) throw new Error(`token exchange answered ${first.status}: ${await first.text()}`);
  const durationS = ctx.size(5, 2);
  const runs = ctx.runs(3);
  await httpLoad(`${base}/healthz`, 1);
  const health = await ctx.repeat(
    'tenant-registry GET /healthz',
    runs,
    async () => httpLoad(`${base}/healthz`, durationS),
    (r) => `${Math.round(r.rps)} req/s`,
  );
  const token = await ctx.repeat(
    'tenant-registry POST /api/v1/auth/token',
    runs,
    async () => httpLoad(`${base}/api/v1/auth/token`, durationS, body),
    (r) => `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`,
  );
  const conditions = `production bundle (node dist/main.js), autocannon 32 connections for ${durationS} s, client on the same 2 cores`;
  return [
    {
      id: 'auth-healthz',
      title: 'tenant-registry GET /healthz (NestJS + Fastify floor)',
      unit: 'req/s',
      samples: health.map((r) => r.rps),
      conditions,
    },
    {
      id: 'auth-token-endpoint',
      title: 'POST /api/v1/auth/token (API key lookup + EdDSA sign)',
      unit: 'req/s',
      samples: token.map((r) => r.rps),
      conditions: `${conditions}; one valid key`,
      baselineId: 'auth-healthz',
    },
    {
      id: 'auth-token-endpoint-p50',
      title: 'POST /api/v1/auth/token, p50 latency',
      unit: 'ms',
      samples: token.map((r) => r.p50),
      conditions: 'same load',
    },
    {
      id: 'auth-token-endpoint-p99',
      title: 'POST /api/v1/auth/token, p99 latency',
      unit: 'ms',
      samples: token.map((r) => r.p99),
      conditions: 'same load',
    },
  ];
}

export const authSuite: BenchSuite = {
  id: 'auth',
  title: 'Token verification and the token endpoint',
  section: 'Authentication (issue 3)',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    return [...(await verificationFigures(ctx)), ...(await tokenEndpointFigures(ctx))];
  },
};
