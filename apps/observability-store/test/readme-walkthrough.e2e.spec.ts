// The README's walkthrough, run for real: scripts/publish-sample.ts publishes proto3 JSON the way the
// Python planes do, and the job trace and session replay it prints show the events.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { natsUrl } from '@auraison/testing';
import { eventually, startHarness, type Harness } from './support/harness.js';

const SCRIPT = join(import.meta.dirname, '../scripts/publish-sample.ts');

describe('README walkthrough (real PostgreSQL and NATS)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should show the sample in a job trace and a session replay when publish-sample.ts has run', async () => {
    const tenant = await h.addTenant();
    const run = spawnSync(
      'npx',
      ['tsx', SCRIPT, '--tenant', tenant, '--namespace', h.service.namespace, '--nats', natsUrl()],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const [, job] = /\/api\/v1\/jobs\/([^/]+)\/trace/.exec(run.stdout) ?? [];
    const [, session] = /\/api\/v1\/sessions\/([^/]+)\/replay/.exec(run.stdout) ?? [];
    expect(job).toBeDefined();
    const auth = await h.auth(tenant, 'viewer');
    const trace = await eventually(async () => {
      const res = await h.service.http.get(`/api/v1/jobs/${job}/trace`).set(auth);
      return res.status === 200 && (res.body as { entries: unknown[] }).entries.length === 4
        ? res
        : undefined;
    });
    expect(trace.body).toMatchObject({ job_id: job, status: 'succeeded', gpu_seconds: 240 });
    const replay = await h.service.http.get(`/api/v1/sessions/${session}/replay`).set(auth);
    expect(replay.status).toBe(200);
    expect((replay.body as { items: Array<{ tool: string; input: unknown }> }).items).toEqual([
      expect.objectContaining({ tool: 'Bash', input: { command: 'pip install -r requirements.txt' } }),
      expect.objectContaining({ tool: 'Bash', duration_ms: 2300 }),
    ]);
  }, 60_000);
});
