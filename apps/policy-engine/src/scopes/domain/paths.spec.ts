import { describe, expect, it } from '@jest/globals';
import { compilePathPattern, normalizeToolPath } from './paths.js';

const project = { projectDir: '/work/proj', homeDir: '/home/alice' };

describe('compilePathPattern with a known project and home', () => {
  const cases: Array<[string, string, boolean]> = [
    ['//etc/secrets/**', '/etc/secrets/a/b', true],
    ['//etc/secrets/**', '/etc/secretsx', false],
    ['~/Documents/*.pdf', '/home/alice/Documents/a.pdf', true],
    ['~/Documents/*.pdf', '/home/alice/Documents/sub/a.pdf', false],
    ['/src/**/*.ts', '/work/proj/src/a.ts', true],
    ['/src/**/*.ts', '/work/proj/src/x/y/a.ts', true],
    ['/src/**/*.ts', '/other/src/a.ts', false],
    ['./src/**', '/work/proj/src/main.py', true],
    ['src/**', '/work/proj/src/main.py', true],
    ['./src', '/work/proj/src/deep/file', true],
    ['*.env', '/work/proj/.env', true],
    ['*.env', '/work/proj/prod.env', true],
    ['*.env', '/work/proj/config/prod.env', true],
    ['*.env', '/elsewhere/prod.env', false],
    ['.env', '/work/proj/a/.env', true],
    ['secrets/', '/work/proj/app/secrets/key', true],
    ['secrets', '/work/proj/app/secrets/key', true],
    ['/data/file?.csv', '/work/proj/data/file1.csv', true],
    ['/data/file[0-9].csv', '/work/proj/data/fileA.csv', false],
    ['/data/file[!0-9].csv', '/work/proj/data/fileA.csv', true],
  ];
  it.each(cases)('should match %p against %p: %p', (pattern, path, expected) => {
    expect(compilePathPattern(pattern, project)(path)).toBe(expected);
  });
});

describe('compilePathPattern without a project directory', () => {
  it('should match relative patterns below any directory', () => {
    expect(compilePathPattern('./src/**')('/anything/src/x.py')).toBe(true);
    expect(compilePathPattern('/src/**')('/a/b/src/x.py')).toBe(true);
    expect(compilePathPattern('*.pem')('/x/y/key.pem')).toBe(true);
  });

  it('should match ~ against /root and any /home/<user>', () => {
    expect(compilePathPattern('~/.ssh/**')('/root/.ssh/id_ed25519')).toBe(true);
    expect(compilePathPattern('~/.ssh/**')('/home/bob/.ssh/id_ed25519')).toBe(true);
    expect(compilePathPattern('~/.ssh/**')('/srv/.ssh/id')).toBe(false);
  });
});

describe('normalizeToolPath', () => {
  it('should resolve .. so a path cannot climb out of what a pattern names', () => {
    expect(normalizeToolPath('/work/proj/src/../secrets/key', project)).toBe('/work/proj/secrets/key');
    expect(normalizeToolPath('src/a.ts', project)).toBe('/work/proj/src/a.ts');
    expect(normalizeToolPath('~/x', project)).toBe('/home/alice/x');
    expect(normalizeToolPath('/a/b/', {})).toBe('/a/b');
  });
});
