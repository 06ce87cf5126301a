// What JetStream durability costs on this machine: a throwaway nats-server (another port, its own store
// in a temp directory) with file storage, publishing ~400-byte events one at a time (each awaits its
// PubAck) and pipelined (a window of acks in flight), once per `sync_interval` setting the server
// understands, plus the disk's own fsync rate, which bounds `sync_interval: always` (one fsync per
// stored message). The figures go into deploy/README.md.
//   npx tsx tools/deploy/durability-bench.ts [--port=14222] [--seconds=5] [--messages=20000]
// NATS_SERVER picks the binary (default: nats-server on PATH).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamClient,
  type PubAck,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

const arg = (name: string, dflt: number): number => {
  const m = process.argv.find((a) => a.startsWith(`--${name}=`));
  return m ? Number(m.split('=')[1]) : dflt;
};
const PORT = arg('port', 14222);
const SECONDS = arg('seconds', 5);
const MESSAGES = arg('messages', 20000);
const WINDOW = 1000;
const PAYLOAD = randomBytes(400);
const SERVER = process.env.NATS_SERVER ?? 'nats-server';

interface Figures {
  mode: string;
  syncPerSecond: number;
  syncP50Ms: number;
  syncP99Ms: number;
  pipelinedPerSecond: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** fdatasync after each 400-byte append, for `seconds`: the ceiling of fsync-per-message storage. */
function fsyncRate(dir: string, seconds: number): { perSecond: number; p50Ms: number } {
  const fd = openSync(join(dir, 'fsync-probe'), 'a');
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  try {
    while (performance.now() < end) {
      const t = performance.now();
      writeSync(fd, PAYLOAD);
      fdatasyncSync(fd);
      latencies.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
  }
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5) };
}

async function startServer(dir: string, syncInterval: string | undefined): Promise<ChildProcess | string> {
  const conf = join(dir, 'nats.conf');
  writeFileSync(
    conf,
    `listen: 127.0.0.1:${PORT}\njetstream {\n  store_dir: ${join(dir, 'js')}\n${syncInterval ? `  sync_interval: ${syncInterval}\n` : ''}}\n`,
  );
  const child = spawn(SERVER, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return output.trim();
    if (/Server is ready/.test(output)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  return `not ready after 10 s: ${output}`;
}

async function measure(mode: string, syncInterval: string | undefined): Promise<Figures | string> {
  const dir = mkdtempSync(join(tmpdir(), 'mp-durability-'));
  const server = await startServer(dir, syncInterval);
  if (typeof server === 'string') {
    rmSync(dir, { recursive: true, force: true });
    return server;
  }
  const nc = await connect({ servers: `nats://127.0.0.1:${PORT}` });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: 'DURABILITY',
      subjects: ['durability.>'],
      storage: StorageType.File,
      num_replicas: 1,
    });
    const js: JetStreamClient = jetstream(nc);
    // One at a time: what a publisher that awaits every PubAck sees.
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    let id = 0;
    while (performance.now() < end) {
      const t = performance.now();
      await js.publish('durability.sync', PAYLOAD, { msgID: `s${id++}` });
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    // Pipelined: a window of publishes in flight, as the services' publishers and the bench do.
    const start = performance.now();
    for (let sent = 0; sent < MESSAGES; sent += WINDOW) {
      const acks: Array<Promise<PubAck>> = [];
      for (let i = 0; i < WINDOW; i++)
        acks.push(js.publish('durability.pipelined', PAYLOAD, { msgID: `p${sent + i}` }));
      await Promise.all(acks);
    }
    const pipelinedPerSecond = MESSAGES / ((performance.now() - start) / 1000);
    return {
      mode,
      syncPerSecond: latencies.length / SECONDS,
      syncP50Ms: percentile(latencies, 0.5),
      syncP99Ms: percentile(latencies, 0.99),
      pipelinedPerSecond,
    };
  } finally {
    await nc.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const version = spawnSync(SERVER, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const store = mkdtempSync(join(tmpdir(), 'mp-fsync-'));
  const fs =
    spawnSync('df', ['-T', store], { encoding: 'utf8' }).stdout.trim().split('\n')[1]?.split(/\s+/)[1] ?? '?';
  const fsync = fsyncRate(store, SECONDS);
  rmSync(store, { recursive: true, force: true });
  console.log(`${version}, Node ${process.version}, ${cpus().length} cores, store on ${fs} (${tmpdir()})`);
  console.log(
    `disk: fdatasync after each 400 B append: ${Math.round(fsync.perSecond)}/s, p50 ${fsync.p50Ms.toFixed(2)} ms`,
  );
  console.log('');
  console.log('| sync_interval | publish, 1 in flight | p50 / p99 | publish, 1000 in flight |');
  console.log('| --- | --- | --- | --- |');
  for (const [mode, setting] of [
    ['default (2 min)', undefined],
    ['1s', '1s'],
    ['always', 'always'],
  ] as const) {
    const r = await measure(mode, setting);
    if (typeof r === 'string') {
      console.log(`| ${mode} | not measured: ${r.split('\n')[0]} | | |`);
      continue;
    }
    console.log(
      `| ${r.mode} | ${Math.round(r.syncPerSecond)} msg/s | ${r.syncP50Ms.toFixed(2)} / ${r.syncP99Ms.toFixed(2)} ms | ${Math.round(r.pipelinedPerSecond)} msg/s |`,
    );
  }
}

await main();
