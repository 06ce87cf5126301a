// The Dockerfile and .dockerignore as written: the parser and ignore rules the image test relies on, and
// the properties the images must have (pinned Node matching the workspace, lockfile installs, no npm at
// run time, non-root user matching the manifests, the service as the command).
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandOf, envPairs, parseDockerfile, readDockerfile, substitute } from './dockerfile.js';
import { DockerIgnore } from './dockerignore.js';
import { APP_UID } from './manifests.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('Dockerfile parser', () => {
  it('should read stages, global ARGs, flags and continuation lines', () => {
    const df = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG V=1.2',
        'FROM img:${V} AS a',
        'RUN --mount=type=cache,target=/x echo one \\',
        '    # a comment inside',
        '    two',
        'FROM a',
        'COPY --from=a /w ./w',
        'CMD ["node", "x.js"]',
      ].join('\n'),
    );
    expect(df.globalArgs).toEqual({ V: '1.2' });
    expect(df.stages.map((s) => [s.name, s.from])).toEqual([
      ['a', 'img:1.2'],
      ['1', 'a'],
    ]);
    expect(df.stages[0]!.instructions[0]).toMatchObject({
      keyword: 'RUN',
      args: 'echo one two',
      flags: { mount: 'type=cache,target=/x' },
    });
    expect(df.stages[1]!.instructions[0]).toMatchObject({
      keyword: 'COPY',
      args: '/w ./w',
      flags: { from: 'a' },
    });
    expect(commandOf(df.stages[1]!.instructions[1]!.args)).toEqual(['node', 'x.js']);
    expect(commandOf('echo hi')).toEqual(['/bin/sh', '-c', 'echo hi']);
  });

  it('should substitute variables and read ENV pairs', () => {
    expect(substitute('a-${X}-$Y-${Z:-d}', { X: '1', Y: '2' })).toBe('a-1-2-d');
    expect(envPairs('A=1 B="two words" C=${X}')).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', '${X}'],
    ]);
    expect(envPairs('LEGACY value here')).toEqual([['LEGACY', 'value here']]);
  });
});

describe('.dockerignore rules', () => {
  const ignore = new DockerIgnore(
    ['**/node_modules', 'dist', 'deploy', '!deploy/docker', '*.log', 'a/**/b'].join('\n'),
  );

  it.each([
    ['node_modules/x/index.js', true],
    ['apps/billing/node_modules/x', true],
    ['dist/main.js', true],
    ['apps/billing/dist/main.js', false],
    ['deploy/k8s/base/x.yaml', true],
    ['deploy/docker/assemble.mjs', false],
    ['build.log', true],
    ['logs/build.log', false],
    ['a/b', true],
    ['a/x/y/b/c', true],
    ['README.md', false],
  ])('%s excluded: %s', (path, excluded) => {
    expect(ignore.excludes(path)).toBe(excluded);
  });
});

describe('the Dockerfile', () => {
  const df = readDockerfile(join(ROOT, 'Dockerfile'));
  const stage = (name: string) => df.stages.find((s) => s.name === name)!;
  const runs = (name: string) =>
    stage(name)
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
  const context = new DockerIgnore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));

  it('should pin the Node version the workspace runs, within package.json engines', () => {
    const version = df.globalArgs.NODE_VERSION!;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version.split('.')[0]).toBe(process.versions.node.split('.')[0]);
    const engines = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const [major, minor] = /^>=(\d+)\.(\d+)/.exec(engines)!.slice(1).map(Number);
    const [vMajor, vMinor] = version.split('.').map(Number);
    expect(vMajor! > major! || (vMajor === major && vMinor! >= minor!)).toBe(true);
    expect(stage('node').from).toBe(`node:${version}-bookworm-slim`);
  });

  it('should build any app chosen by the APP build argument, from the lockfile, with Nx', () => {
    expect(stage('build').instructions.some((i) => i.keyword === 'ARG' && i.args === 'APP')).toBe(true);
    expect(runs('build')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^npm ci /),
        expect.stringMatching(/npx nx run .*:build/),
        expect.stringMatching(/deploy\/docker\/assemble\.mjs "\$APP"/),
      ]),
    );
    expect(runs('prod-deps')).toEqual([expect.stringMatching(/^npm ci --omit=dev --omit=optional /)]);
  });

  it('should run as a non-root numeric user matching the manifests, without npm, starting the service', () => {
    const final = df.stages[df.stages.length - 1]!;
    expect(final.name).toBe('runtime');
    expect(final.from).toBe('runtime-base');
    const user = final.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(user).toEqual([`${APP_UID}:${APP_UID}`]);
    expect(runs('runtime-base').join(' ')).toMatch(
      /rm -rf .*\/usr\/local\/bin\/npm .*\/usr\/local\/bin\/npx/,
    );
    const env = Object.fromEntries(
      final.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => envPairs(i.args)),
    );
    expect(env).toMatchObject({ NODE_ENV: 'production', AURAISON_APP: '${APP}' });
    const cmd = commandOf(final.instructions.find((i) => i.keyword === 'CMD')!.args);
    expect(cmd).toEqual(['/bin/sh', '-c', 'exec node "apps/${AURAISON_APP}/dist/main.js"']);
    // Only the runtime pieces come into the final image.
    const copies = final.instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => c.flags.from)).toEqual(['prod-deps', 'build']);
  });

  it('should send the sources and lockfile to the build, and nothing built or installed on the host', () => {
    const files = context.contextFiles(ROOT);
    expect(files).toEqual(
      expect.arrayContaining(['package-lock.json', 'apps/billing/src/main.ts', 'deploy/docker/assemble.mjs']),
    );
    expect(files.filter((f) => /(^|\/)(node_modules|dist|\.git|\.nx)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('deploy/k8s/') || f === 'skaffold.yaml')).toEqual([]);
  });
});
