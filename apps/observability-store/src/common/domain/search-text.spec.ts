import { describe, expect, it } from '@jest/globals';
import {
  callTokens,
  MAX_TOKEN_CHARS,
  MAX_TOKENS_PER_EVENT,
  searchTokens,
  tokensOf,
  tsqueryOf,
} from './search-text.js';

describe('search text', () => {
  it('should split on anything but letters, digits and underscores, lowercased and distinct', () => {
    expect(tokensOf('pip install torch==2.5 --index-url https://x.org/whl/CU124; PIP')).toEqual([
      'pip',
      'install',
      'torch',
      '2',
      '5',
      'index',
      'url',
      'https',
      'x',
      'org',
      'whl',
      'cu124',
    ]);
  });

  it('should keep words of any script and drop runs longer than the limit', () => {
    expect(tokensOf(`Ошибка 失败 flash_attn ${'a'.repeat(MAX_TOKEN_CHARS + 1)}`)).toEqual([
      'ошибка',
      '失败',
      'flash_attn',
    ]);
  });

  it('should index tool names, inputs and outputs of every call when an event is stored', () => {
    const tokens = searchTokens([
      { tool: 'Bash', input: { command: 'kubectl get pods' }, output: 'CrashLoopBackOff' },
      { tool: 'mcp__ros__publish_cmd_vel', input: { linear: { x: 0.5 } }, output: '' },
    ]);
    expect(tokens).toEqual(
      expect.arrayContaining([
        'bash',
        'command',
        'kubectl',
        'pods',
        'crashloopbackoff',
        'mcp__ros__publish_cmd_vel',
        'linear',
      ]),
    );
    expect(callTokens({ tool: 'Read', input: { file_path: '/a/b.py' }, output: 'x' }).has('file_path')).toBe(
      true,
    );
  });

  it('should cap the tokens of one event when outputs are huge', () => {
    const output = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    expect(
      searchTokens([
        { tool: 'Bash', output },
        { tool: 'Read', output },
      ]).length,
    ).toBeLessThanOrEqual(MAX_TOKENS_PER_EVENT);
  });

  it('should build a tsquery requiring every token', () => {
    expect(tsqueryOf(['pip', 'torch'])).toBe("'pip' & 'torch'");
  });
});
