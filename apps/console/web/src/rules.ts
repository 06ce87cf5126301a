// Checks tool-scope rules as they are typed, with the policy engine's wording for the common mistakes.
// The policy engine is the authority: it validates again on save and names the offending rule.

const BUILTIN = [
  'Agent',
  'Bash',
  'BashOutput',
  'Edit',
  'ExitPlanMode',
  'Glob',
  'Grep',
  'KillShell',
  'LS',
  'MultiEdit',
  'NotebookEdit',
  'NotebookRead',
  'Read',
  'SlashCommand',
  'Skill',
  'Task',
  'TodoWrite',
  'WebFetch',
  'WebSearch',
  'Write',
];
const TOOL_WITH_SPECIFIER = /^([A-Za-z][A-Za-z0-9]*)\(([\s\S]*)\)$/;
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const MCP = /^mcp__([A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*)(?:__(\*|[A-Za-z0-9_-]+))?$/;

/** Why a rule is invalid, or undefined when it looks right. */
export function ruleProblem(rule: string): string | undefined {
  const text = rule.trim();
  if (text === '') return 'the rule is empty';
  if (text.length > 1000) return 'rules are at most 1000 characters';
  if (text.startsWith('mcp__')) {
    if (text.includes('('))
      return 'MCP rules take no specifier: write mcp__server, mcp__server__* or mcp__server__tool';
    return MCP.test(text) ? undefined : 'expected mcp__server, mcp__server__* or mcp__server__tool';
  }
  const m = TOOL_WITH_SPECIFIER.exec(text);
  const tool = m ? m[1]! : text;
  if (!TOOL_NAME.test(tool))
    return text.includes('(')
      ? 'expected Tool or Tool(specifier) with the closing ")" at the end'
      : 'a tool name is letters and digits, e.g. Bash, Read, WebFetch';
  if (!BUILTIN.includes(tool)) {
    const near = BUILTIN.find((t) => t.toLowerCase() === tool.toLowerCase());
    return near
      ? `unknown tool ${tool}: tool names are case-sensitive, did you mean ${near}?`
      : `unknown tool ${tool} (MCP tools are mcp__server__tool)`;
  }
  if (!m) return undefined;
  const spec = m[2]!.trim();
  if (spec === '') return `the specifier is empty: write ${tool} to cover every use of the tool`;
  if (tool === 'WebFetch' && !spec.startsWith('domain:'))
    return 'WebFetch takes domain:<host>, e.g. WebFetch(domain:docs.ray.io)';
  if ((tool === 'Read' || tool === 'Edit') && /(^|\/)\.\.(\/|$)/.test(spec))
    return '".." is not allowed in a path pattern';
  return undefined;
}

export function parseLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export interface ListDiff {
  added: string[];
  removed: string[];
}

export function diffLists(before: readonly string[], after: readonly string[]): ListDiff {
  return {
    added: after.filter((x) => !before.includes(x)),
    removed: before.filter((x) => !after.includes(x)),
  };
}
