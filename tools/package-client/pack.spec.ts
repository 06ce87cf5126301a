// The packed client installs into a project outside the repository (npm install of the tarball, its
// dependencies from the npm registry or the local cache), imports, converts, and typechecks there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { packClient } from './pack.js';

const ROOT = join(import.meta.dirname, '../..');

describe('the packaged @auraison/client', () => {
  let project: string;
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'client-pack-'));
    const tarball = await packClient(out);
    project = mkdtempSync(join(tmpdir(), 'client-user-'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'control-plane', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
      {
        cwd: project,
        stdio: 'pipe',
        timeout: 170_000,
      },
    );
  }, 240_000);

  afterAll(() => {
    for (const dir of [project, out]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should import with plain Node and convert Claude Code output and a RayJob', () => {
    const script = `
      import { agentEventFromClaudeOutput, executionEventFromRayJob, PolicyClient, EventPublisher } from '@auraison/client';
      const e = agentEventFromClaudeOutput(JSON.stringify({ type: 'result', subtype: 'success', session_id: 's1',
        is_error: false, result: 'ok', usage: { input_tokens: 3, output_tokens: 4 } }),
        { tenantId: '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab', agentRole: 'notebook', exitCode: 0 });
      const x = executionEventFromRayJob({ metadata: { name: 'rj', namespace: 'mp-acme', uid: 'u-1', labels: {
          'auraison.io/tenant-id': '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab', 'auraison.io/job-id': 'job-1',
          'auraison.io/environment': 'torch.dev.gpu' } },
        status: { jobStatus: 'SUCCEEDED', jobDeploymentStatus: 'Complete', jobId: 'raysubmit_1',
          startTime: '2026-12-01T10:00:00Z', endTime: '2026-12-01T11:00:00Z' },
        spec: { rayClusterSpec: { headGroupSpec: { template: { spec: { containers: [{ resources: { limits: { 'nvidia.com/gpu': 1 } } }] } } } } } });
      console.log(JSON.stringify({ session: e.sessionId, tokens: e.tokensIn + e.tokensOut, status: x.status,
        gpuSeconds: x.gpuSeconds, classes: [typeof PolicyClient, typeof EventPublisher] }));`;
    writeFileSync(join(project, 'use.mjs'), script);
    const result = JSON.parse(
      execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' }),
    ) as unknown;
    expect(result).toEqual({
      session: 's1',
      tokens: 7,
      status: 3,
      gpuSeconds: 3600,
      classes: ['function', 'function'],
    });
  });

  it('should carry type declarations that typecheck a consumer in strict mode', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { PolicyClient, environmentForName, type PublishReceipt, type ClaudeRunContext } from '@auraison/client';
       const client = new PolicyClient({ address: '127.0.0.1:1', token: 'x' });
       const env: number = environmentForName('torch.dev.gpu');
       const ctx: ClaudeRunContext = { tenantId: 't', agentRole: 'notebook', exitCode: 0 };
       let receipt: PublishReceipt | undefined;
       export { client, env, ctx, receipt };`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    expect(() =>
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' }),
    ).not.toThrow();
  });
});
