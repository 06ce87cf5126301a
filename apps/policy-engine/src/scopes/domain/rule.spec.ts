import { describe, expect, it } from '@jest/globals';
import { parseRule, RuleError, splitMcpToolName } from './rule.js';

describe('parseRule', () => {
  it.each([
    ['Bash', { kind: 'tool', tool: 'Bash', text: 'Bash' }],
    ['  Read ', { kind: 'tool', tool: 'Read', text: 'Read' }],
    ['Bash(kubectl *)', { kind: 'bash', tool: 'Bash', specifier: 'kubectl *' }],
    ['Bash(npm run test:*)', { kind: 'bash', specifier: 'npm run test:*' }],
    ['Bash(echo (x))', { kind: 'bash', specifier: 'echo (x)' }],
    ['Read(./src/**)', { kind: 'path', tool: 'Read', specifier: './src/**' }],
    ['Edit(//etc/hosts)', { kind: 'path', tool: 'Edit', specifier: '//etc/hosts' }],
    [
      'WebFetch(domain:Docs.Ray.IO)',
      { kind: 'domain', text: 'WebFetch(domain:docs.ray.io)', specifier: 'docs.ray.io' },
    ],
    ['Agent(Explore)', { kind: 'name', tool: 'Agent', specifier: 'Explore' }],
    ['mcp__ros', { kind: 'mcp', tool: 'mcp__ros', mcpServer: 'ros' }],
    ['mcp__ros__*', { kind: 'mcp', tool: 'mcp__ros', mcpServer: 'ros', text: 'mcp__ros__*' }],
    ['mcp__ros__publish_cmd_vel', { kind: 'mcp', mcpServer: 'ros', mcpTool: 'publish_cmd_vel' }],
    ['mcp__my_server-2__do_it', { kind: 'mcp', mcpServer: 'my_server-2', mcpTool: 'do_it' }],
    ['mcp__a__b__c', { kind: 'mcp', mcpServer: 'a', mcpTool: 'b__c' }],
  ])('should parse %p when it is valid', (text, expected) => {
    expect(parseRule(text)).toMatchObject(expected);
  });

  it('should leave mcpTool unset when an MCP rule covers the whole server', () => {
    expect(parseRule('mcp__nav2__*').mcpTool).toBeUndefined();
    expect(parseRule('mcp__nav2').mcpTool).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['Bsh(ls)', /unknown tool Bsh/],
    ['bash(ls)', /case-sensitive, did you mean Bash/],
    ['Bash()', /specifier is empty: write Bash/],
    ['Bash(ls', /closing "\)"/],
    ['Bash(npm:* run)', /":\*" suffix only works at the end/],
    ['Write(./x/**)', /Write takes no specifier: .* write Edit\(\.\/x\/\*\*\)/],
    ['Grep(./src)', /Read\(\.\/src\)/],
    ['WebSearch(cats)', /WebSearch takes no specifier/],
    ['WebFetch(example.com)', /WebFetch takes domain:<host>/],
    ['WebFetch(domain:*.example.com)', /does not expand wildcards/],
    ['WebFetch(domain:exa mple.com)', /not a host name/],
    ['Read(./src/[ab)', /unclosed "\["/],
    ['Read(../secrets/**)', /"\.\." is not allowed/],
    ['mcp__ros(x)', /MCP rules take no specifier/],
    ['mcp__', /expected mcp__server/],
    ['Bash(ls\nrm -rf /)', /control characters/],
    ['Agent(a b)', /takes a name/],
  ])('should reject %p naming the problem', (text, reason) => {
    let error: unknown;
    try {
      parseRule(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).message).toContain(`invalid rule ${JSON.stringify(text)}`);
    expect((error as RuleError).reason).toMatch(reason);
  });

  it('should split MCP tool names into server and tool', () => {
    expect(splitMcpToolName('mcp__ros__publish_cmd_vel')).toEqual({ server: 'ros', tool: 'publish_cmd_vel' });
    expect(splitMcpToolName('mcp__nav2__navigate_to_pose')).toEqual({
      server: 'nav2',
      tool: 'navigate_to_pose',
    });
    expect(splitMcpToolName('Bash')).toBeUndefined();
  });
});
