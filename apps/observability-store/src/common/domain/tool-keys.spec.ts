import { describe, expect, it } from '@jest/globals';
import { mcpServerPrefix, toolKeys, toolMatches } from './tool-keys.js';

describe('tool keys', () => {
  it('should add the server wildcard of every MCP tool when keys are built', () => {
    expect(
      toolKeys(['Bash', 'mcp__nav2__navigate_to_pose', 'mcp__nav2__cancel', 'Bash', 'mcp__my_server__do']),
    ).toEqual([
      'Bash',
      'mcp__nav2__navigate_to_pose',
      'mcp__nav2__*',
      'mcp__nav2__cancel',
      'mcp__my_server__do',
      'mcp__my_server__*',
    ]);
  });

  it.each([
    ['mcp__ros__publish_cmd_vel', 'mcp__ros__publish_cmd_vel', true],
    ['mcp__ros__publish_cmd_vel', 'mcp__ros__publish', false],
    ['mcp__nav2__*', 'mcp__nav2__navigate_to_pose', true],
    ['mcp__nav2__*', 'mcp__nav2x__navigate', false],
    ['mcp__nav2__*', 'Bash', false],
    ['Bash', 'Bash', true],
  ])('should tell whether %s names %s', (pattern, tool, expected) => {
    expect(toolMatches(pattern, tool)).toBe(expected);
  });

  it('should find no MCP server in other tool names', () => {
    expect(mcpServerPrefix('Bash')).toBeUndefined();
    expect(mcpServerPrefix('mcp__')).toBeUndefined();
  });
});
