// Integration: these talk to real servers. The machine's PostgreSQL (5432) and NATS (4222) are
// expected to be running (they are on this machine kind, and in CI); the fallbacks are exercised
// on free ports with throwaway directories, so nothing here touches the plane's own .local/.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ensureNats, ensurePostgres, InfraError, probeNats } from './infra.js';
import { findExecutable } from './nats.js';
import { probePostgres } from './postgres-probe.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'mp-local-infra-'));
// As root the embedded server runs as `postgres`, which must be able to enter this directory.
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const quiet = (): void => {};

describe('ensurePostgres', () => {
  it('uses the machine PostgreSQL on 5432 and creates the asked-for database', async () => {
    const db = `mp_local_spec_${process.pid}`;
    const local = await listening(5432);
    const info = await ensurePostgres({ env: {}, database: db, log: quiet });
    try {
      if (local) expect(info.source).toBe('local');
      expect(info.started).toBe(local ? false : true);
      expect(new URL(info.url).pathname).toBe(`/${db}`);
      const client = new pg.Client({ connectionString: info.url });
      await client.connect();
      const row = await client.query<{ db: string }>('SELECT current_database() AS db');
      await client.end();
      expect(row.rows[0]?.db).toBe(db);
    } finally {
      const admin = new pg.Client({ connectionString: info.adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${db}`);
      await admin.end();
      await info.stop();
    }
  });

  it('fails clearly when DATABASE_URL does not connect', async () => {
    const port = await freePort();
    const attempt = ensurePostgres({
      env: { DATABASE_URL: `postgres://u:pw@127.0.0.1:${port}/x` },
      log: quiet,
    });
    await expect(attempt).rejects.toThrow(InfraError);
    await expect(attempt).rejects.toThrow(/DATABASE_URL \(postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/x\)/);
  });

  it('falls back to an embedded PostgreSQL, reuses its cluster, and copes with a stale postmaster.pid', async () => {
    const closed = await freePort();
    const port = await freePort();
    const env = {
      MP_LOCAL_PG_URL: `postgres://postgres@127.0.0.1:${closed}/postgres`,
      MP_LOCAL_PG_DIR: join(scratch, 'pg'),
      MP_LOCAL_PG_PORT: String(port),
    };
    const lines: string[] = [];
    const first = await ensurePostgres({ env, database: 'auraison', log: (l) => lines.push(l) });
    try {
      expect(first.source).toBe('embedded');
      expect(first.started).toBe(true);
      expect(first.adminUrl).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
      expect(first.url).toBe(`postgres://postgres@127.0.0.1:${port}/auraison`);
      expect((await probePostgres(first.url)).ok).toBe(true);
      expect(lines.join('\n')).toMatch(/initialising a new embedded cluster/);
    } finally {
      await first.stop();
    }
    expect(await listening(port)).toBe(false);

    // A SIGKILLed server leaves postmaster.pid behind; here its pid is one that is not PostgreSQL.
    writeFileSync(join(scratch, 'pg', 'data', 'postmaster.pid'), `${process.pid}\n${scratch}\n0\n${port}\n`);
    lines.length = 0;
    const second = await ensurePostgres({ env, database: 'auraison', log: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).not.toMatch(/initialising/);
      expect(lines.join('\n')).toMatch(/removing a stale postmaster\.pid/);
      expect(lines.join('\n')).not.toMatch(/created database/);
      expect((await probePostgres(second.url)).ok).toBe(true);
    } finally {
      await second.stop();
    }
    expect(await listening(port)).toBe(false);
  }, 120_000);
});

describe('ensureNats', () => {
  it('uses the machine NATS on 4222 with JetStream', async () => {
    const local = await listening(4222);
    const info = await ensureNats({ env: {}, log: quiet, install: false });
    try {
      if (local)
        expect(info).toMatchObject({ source: 'local', url: 'nats://127.0.0.1:4222', started: false });
      const probe = await probeNats(info.url);
      expect(probe).toMatchObject({ ok: true, jetstream: true });
    } finally {
      await info.stop();
    }
  });

  it('fails clearly when NATS_URL does not connect', async () => {
    const port = await freePort();
    await expect(ensureNats({ env: { NATS_URL: `nats://127.0.0.1:${port}` }, log: quiet })).rejects.toThrow(
      /cannot connect to NATS_URL/,
    );
  });

  const natsServer = findExecutable('nats-server', process.env.PATH);
  (natsServer ? it : it.skip)(
    'spawns nats-server with JetStream when nothing listens, and stops it',
    async () => {
      const port = await freePort();
      const env = {
        PATH: process.env.PATH,
        MP_LOCAL_NATS_URL: `nats://127.0.0.1:${port}`,
        MP_LOCAL_NATS_DIR: join(scratch, 'nats'),
      };
      const info = await ensureNats({ env, log: quiet, install: false });
      try {
        expect(info).toMatchObject({ source: 'spawned', url: `nats://127.0.0.1:${port}`, started: true });
        expect(await probeNats(info.url)).toMatchObject({ ok: true, jetstream: true });
      } finally {
        await info.stop();
      }
      expect(await listening(port)).toBe(false);
    },
    60_000,
  );

  it('says how to install nats-server when it is missing (and installing is not allowed)', async () => {
    const port = await freePort();
    const attempt = ensureNats({
      env: { PATH: '/nonexistent', MP_LOCAL_NATS_URL: `nats://127.0.0.1:${port}` },
      log: quiet,
      install: false,
      extraDirs: [],
    });
    await expect(attempt).rejects.toThrow(InfraError);
    await expect(attempt).rejects.toThrow(/sudo apt-get install nats-server.*nats\.io.*NATS_URL/s);
  });

  it('finds nats-server in /usr/sbin even when that is not on PATH', () => {
    const found = findExecutable('nats-server', '/nonexistent');
    if (natsServer?.startsWith('/usr/sbin/')) expect(found).toBe(natsServer);
  });
});
