// deploy/scripts/migration-job.sh, the skaffold hooks around each app's migration Job, against a kubectl
// stand-in that records its arguments and answers with a chosen Job state.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MIGRATION_SCRIPT } from './skaffold.js';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

const KUBECTL_STUB = `#!/bin/sh
echo "$*" >> "$STUB_LOG"
case " $* " in
  *" get job "*)
    n=$(cat "$STUB_COUNT" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$STUB_COUNT"
    # Not finished for the first STUB_AFTER answers, then STUB_STATE.
    if [ "$n" -gt "\${STUB_AFTER:-0}" ]; then printf '%s ' $STUB_STATE; fi ;;
  *" logs "*) echo "billing migration failed: relation exists" ;;
esac
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-migration-job-'));
  writeFileSync(join(dir, 'kubectl'), KUBECTL_STUB);
  chmodSync(join(dir, 'kubectl'), 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  const log = join(dir, `log-${Math.random().toString(36).slice(2)}`);
  const count = `${log}.count`;
  const result = spawnSync('sh', [join(ROOT, MIGRATION_SCRIPT), ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { PATH: `${dir}:${process.env.PATH ?? ''}`, STUB_LOG: log, STUB_COUNT: count, ...env },
  });
  let calls: string[] = [];
  try {
    calls = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    // no kubectl call
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

describe('deploy/scripts/migration-job.sh', () => {
  it('should delete the previous Job of the app before the apply, waiting for its pods', () => {
    const r = run(['prepare', 'auraison-mp', 'billing']);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      '--namespace auraison-mp delete job billing-migrate --ignore-not-found --cascade=foreground --wait=true',
    ]);
  });

  it('should wait until the Job has completed', () => {
    const r = run(['wait', 'auraison-mp', 'billing'], { STUB_STATE: 'Complete', STUB_AFTER: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('billing: migrations applied');
    expect(r.calls.filter((c) => c.includes(' get job billing-migrate '))).toHaveLength(2);
  });

  it('should fail with the Job logs when the migration failed', () => {
    const r = run(['wait', 'auraison-mp', 'billing'], { STUB_STATE: 'Failed' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('job/billing-migrate failed');
    expect(r.stderr).toContain('billing migration failed: relation exists');
  });

  it('should give up after MIGRATION_TIMEOUT seconds, with the logs', () => {
    const r = run(['wait', 'auraison-mp', 'billing'], { STUB_STATE: '', MIGRATION_TIMEOUT: '2' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('has not completed after 2s');
  });

  it('should address the cluster skaffold deploys to', () => {
    const r = run(['prepare', 'ns', 'billing'], { SKAFFOLD_KUBE_CONTEXT: 'kind-mp' });
    expect(r.calls[0]).toMatch(/^--context kind-mp --namespace ns delete job billing-migrate/);
  });

  it('should refuse wrong arguments', () => {
    expect(run(['migrate', 'ns', 'billing']).status).toBe(2);
    expect(run(['wait', 'ns']).status).toBe(2);
  });
});
