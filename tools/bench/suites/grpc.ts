// Bare grpc-js unary echo: a server child process, and a client keeping a fixed number of calls in
// flight for a fixed time. The figure later gRPC services (the policy engine) are compared with.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client, credentials } from '@grpc/grpc-js';
import { fixedRate, type LoadFigures } from '../load-shapes.js';
import type { BenchContext, BenchSuite } from '../context.js';
import { percentileOfSorted, type BenchResult } from '../report.js';
import { ECHO_PATH, echoService, type EchoServerReady } from './grpc-echo-service.js';

const CONCURRENCY = 64;
const SERVER_SCRIPT = fileURLToPath(new URL('../workers/grpc-echo-server.ts', import.meta.url));
const { requestSerialize, responseDeserialize } = echoService.echo;

interface RunFigures {
  callsPerSecond: number;
  p50: number;
  p99: number;
}

async function startServer(ctx: BenchContext): Promise<number> {
  // fork() reuses this process's execArgv, i.e. tsx's loader and the source condition.
  const child = fork(SERVER_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  ctx.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  });
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('grpc echo server did not report its port within 20 s')),
      20_000,
    );
    child.once('message', (message: EchoServerReady) => {
      clearTimeout(timer);
      resolve(message.port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`grpc echo server exited with code ${code}`));
    });
  });
}

async function call(client: Client, payload: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(ECHO_PATH, requestSerialize, responseDeserialize, payload, (err, reply) => {
      if (err || reply === undefined) reject(err ?? new Error('empty reply'));
      else resolve(reply);
    });
  });
}

/** Keeps CONCURRENCY calls in flight for `durationMs`; latencies (ms) go into `latencies` if given. */
async function load(
  client: Client,
  payload: Buffer,
  durationMs: number,
  latencies?: number[],
): Promise<number> {
  const start = performance.now();
  const end = start + durationMs;
  let calls = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await call(client, payload);
      latencies?.push(performance.now() - t0);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return calls / ((performance.now() - start) / 1000);
}

export const grpcSuite: BenchSuite = {
  id: 'grpc',
  title: 'Bare grpc-js unary echo',
  section: 'Raw baselines',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const durationMs = ctx.size(5_000, 1_500);
    const warmupMs = ctx.size(2_000, 500);
    const runs = ctx.runs(5);
    const payload = Buffer.from(ctx.payloads.message);
    const port = await startServer(ctx);
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    ctx.defer(() => client.close());

    const echoed = await call(client, payload);
    if (!echoed.equals(payload)) throw new Error('grpc echo server returned different bytes');
    ctx.log(`grpc-js echo: warming up for ${warmupMs} ms`);
    await load(client, payload, warmupMs);

    const figures = await ctx.repeat(
      `grpc-js echo, ${CONCURRENCY} in flight for ${durationMs} ms`,
      runs,
      async (): Promise<RunFigures> => {
        const latencies: number[] = [];
        const callsPerSecond = await load(client, payload, durationMs, latencies);
        const sorted = Float64Array.from(latencies).sort();
        return { callsPerSecond, p50: percentileOfSorted(sorted, 50), p99: percentileOfSorted(sorted, 99) };
      },
      (f) =>
        `${Math.round(f.callsPerSecond)} calls/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms`,
    );

    // The same open-loop shape the policy engine's latency targets use (half of the best peak, each call
    // timed from its scheduled start): what two shared cores allow a bare server at that rate.
    const half = Math.max(1, Math.round(Math.max(...figures.map((f) => f.callsPerSecond)) / 2));
    const halfFigures: LoadFigures[] = await ctx.repeat(
      `grpc-js echo at ${half} calls/s (half of peak)`,
      runs,
      async () => fixedRate(durationMs, half, async () => call(client, payload)),
      (f) => `p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms`,
    );

    const conditions =
      `unary echo of ${ctx.payloads.message.length} B, Buffer serializers (no protobuf), server in a child process, ` +
      `one channel, ${CONCURRENCY} calls in flight for ${durationMs / 1000} s after a ${warmupMs / 1000} s warm-up`;
    return [
      {
        id: 'grpc-echo',
        title: 'grpc-js unary echo',
        unit: 'calls/s',
        samples: figures.map((f) => f.callsPerSecond),
        conditions,
      },
      {
        id: 'grpc-echo-p50',
        title: 'grpc-js unary echo, p50 latency',
        unit: 'ms',
        samples: figures.map((f) => f.p50),
        conditions: `per-run p50 of every call, same load`,
      },
      {
        id: 'grpc-echo-p99',
        title: 'grpc-js unary echo, p99 latency',
        unit: 'ms',
        samples: figures.map((f) => f.p99),
        conditions: `per-run p99 of every call, same load`,
      },
      {
        id: 'grpc-echo-half-p50',
        title: 'grpc-js unary echo, p50 latency at half of peak',
        unit: 'ms',
        samples: halfFigures.map((f) => f.p50),
        conditions: `calls started at a fixed rate of half the best peak run (${half}/s), timed from their scheduled start`,
      },
      {
        id: 'grpc-echo-half-p99',
        title: 'grpc-js unary echo, p99 latency at half of peak',
        unit: 'ms',
        samples: halfFigures.map((f) => f.p99),
        conditions: 'same',
      },
    ];
  },
};
