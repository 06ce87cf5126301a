// Claude Code permission rules (`--allowedTools` / `--disallowedTools`, settings.json permissions):
// `Tool`, `Tool(specifier)`, and MCP rules `mcp__server`, `mcp__server__*`, `mcp__server__tool`.
// parseRule() validates a rule the way Claude Code will read it and rejects what it would silently
// ignore or misread (unknown tools, specifiers on tools that take none, `:*` in the middle...), so a
// scope never carries a rule that does not do what its author thinks.

/** Built-in Claude Code tools a rule may name. */
export const BUILTIN_TOOLS = [
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
] as const;

export type BuiltinTool = (typeof BUILTIN_TOOLS)[number];

const BUILTIN = new Set<string>(BUILTIN_TOOLS);

/** What a rule's specifier means. */
export type RuleKind =
  /** `Tool`: every use of the tool (or of its family, for Read and Edit). */
  | 'tool'
  /** `Bash(command pattern)`. */
  | 'bash'
  /** `Read(path)` / `Edit(path)`: gitignore-style path patterns. */
  | 'path'
  /** `WebFetch(domain:host)`. */
  | 'domain'
  /** `Agent(name)`, `Task(name)`, `Skill(name)`. */
  | 'name'
  /** `mcp__server`, `mcp__server__*`, `mcp__server__tool`. */
  | 'mcp';

export interface ToolRule {
  /** The rule in canonical form, as stored and as passed to Claude Code. */
  readonly text: string;
  readonly kind: RuleKind;
  /** Built-in tool name, or `mcp__<server>` for MCP rules. */
  readonly tool: string;
  /** The part between the parentheses (path pattern, command pattern, host, name). */
  readonly specifier?: string;
  /** MCP: the server name. */
  readonly mcpServer?: string;
  /** MCP: the tool name; undefined when the rule covers the whole server. */
  readonly mcpTool?: string;
}

/** A rule Claude Code would not read as intended; `reason` says why. */
export class RuleError extends Error {
  constructor(
    readonly rule: string,
    readonly reason: string,
  ) {
    super(`invalid rule ${JSON.stringify(rule)}: ${reason}`);
    this.name = 'RuleError';
  }
}

export const MAX_RULE_LENGTH = 1000;

const TOOL_WITH_SPECIFIER = /^([A-Za-z][A-Za-z0-9]*)\(([\s\S]*)\)$/;
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
// Claude Code replaces anything outside [A-Za-z0-9_-] in server and tool names with `_`; `__`
// separates the server from the tool, so a server name never contains it.
const MCP = /^mcp__([A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*)(?:__(\*|[A-Za-z0-9_-]+))?$/;
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const NAME = /^[A-Za-z0-9_:.-]{1,100}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const PATH_TOOLS = new Set(['Read', 'Edit']);
const NAME_TOOLS = new Set(['Agent', 'Task', 'Skill']);
/** Tools whose path rules Claude Code takes from Edit/Read rules instead. */
const PATH_HINT: Record<string, string> = {
  Write: 'Edit',
  MultiEdit: 'Edit',
  NotebookEdit: 'Edit',
  NotebookRead: 'Read',
  Glob: 'Read',
  Grep: 'Read',
  LS: 'Read',
};

/** Parses and validates one rule; throws RuleError naming the rule and the problem. */
export function parseRule(input: string): ToolRule {
  const text = input.trim();
  if (text === '') throw new RuleError(input, 'the rule is empty');
  if (text.length > MAX_RULE_LENGTH)
    throw new RuleError(clip(input), `rules are at most ${MAX_RULE_LENGTH} characters`);
  if (CONTROL.test(text))
    throw new RuleError(input, 'control characters (newlines, tabs...) are not allowed in a rule');

  if (text.startsWith('mcp__')) return parseMcp(input, text);

  const withSpecifier = TOOL_WITH_SPECIFIER.exec(text);
  const tool = withSpecifier ? withSpecifier[1]! : text;
  if (!TOOL_NAME.test(tool)) {
    if (text.includes('('))
      throw new RuleError(input, 'expected Tool or Tool(specifier) with the closing ")" at the end');
    throw new RuleError(input, 'a tool name is letters and digits, e.g. Bash, Read, WebFetch');
  }
  if (!BUILTIN.has(tool)) throw new RuleError(input, unknownTool(tool));
  if (!withSpecifier) return { text: tool, kind: 'tool', tool };

  const specifier = withSpecifier[2]!.trim();
  if (specifier === '')
    throw new RuleError(input, `the specifier is empty: write ${tool} to cover every use of the tool`);
  if (tool === 'Bash')
    return { text: `Bash(${specifier})`, kind: 'bash', tool, specifier: bash(input, specifier) };
  if (PATH_TOOLS.has(tool))
    return { text: `${tool}(${specifier})`, kind: 'path', tool, specifier: path(input, specifier) };
  if (tool === 'WebFetch') {
    const host = domain(input, specifier);
    return { text: `WebFetch(domain:${host})`, kind: 'domain', tool, specifier: host };
  }
  if (NAME_TOOLS.has(tool)) {
    if (!NAME.test(specifier))
      throw new RuleError(input, `${tool}(name) takes a name of letters, digits, "_", "-", ":" or "."`);
    return { text: `${tool}(${specifier})`, kind: 'name', tool, specifier };
  }
  const hint = PATH_HINT[tool];
  if (hint)
    throw new RuleError(
      input,
      `${tool} takes no specifier: Claude Code applies ${hint}(path) rules to ${tool}, write ${hint}(${specifier})`,
    );
  throw new RuleError(input, `${tool} takes no specifier: write ${tool}`);
}

function parseMcp(input: string, text: string): ToolRule {
  if (text.includes('('))
    throw new RuleError(
      input,
      'MCP rules take no specifier: write mcp__server, mcp__server__* or mcp__server__tool',
    );
  const m = MCP.exec(text);
  if (!m)
    throw new RuleError(
      input,
      'expected mcp__server, mcp__server__* or mcp__server__tool (letters, digits, "-" and single "_" in the server name)',
    );
  const server = m[1]!;
  const mcpTool = m[2] === undefined || m[2] === '*' ? undefined : m[2];
  // `mcp__server__*` means the same as `mcp__server`; keep the author's spelling.
  return { text, kind: 'mcp', tool: `mcp__${server}`, mcpServer: server, ...(mcpTool ? { mcpTool } : {}) };
}

function bash(input: string, specifier: string): string {
  const legacy = specifier.indexOf(':*');
  if (legacy !== -1 && legacy !== specifier.length - 2)
    throw new RuleError(
      input,
      'the legacy ":*" suffix only works at the end of the pattern (use " *" instead)',
    );
  return specifier;
}

function path(input: string, specifier: string): string {
  let depth = 0;
  for (const c of specifier) {
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
  }
  if (depth > 0) throw new RuleError(input, 'unclosed "[" in the path pattern');
  if (/(^|\/)\.\.(\/|$)/.test(specifier))
    throw new RuleError(input, '".." is not allowed in a path pattern: write the path it resolves to');
  return specifier;
}

function domain(input: string, specifier: string): string {
  if (!specifier.startsWith('domain:'))
    throw new RuleError(input, 'WebFetch takes domain:<host>, e.g. WebFetch(domain:docs.ray.io)');
  const host = specifier.slice('domain:'.length).trim().toLowerCase();
  if (host.includes('*'))
    throw new RuleError(
      input,
      'Claude Code does not expand wildcards in WebFetch domains: name each host, or write WebFetch',
    );
  if (!HOST.test(host)) throw new RuleError(input, `${JSON.stringify(host)} is not a host name`);
  return host;
}

function unknownTool(tool: string): string {
  const near = BUILTIN_TOOLS.find((t) => t.toLowerCase() === tool.toLowerCase());
  if (near) return `unknown tool ${tool}: tool names are case-sensitive, did you mean ${near}?`;
  return `unknown tool ${tool} (built-in tools: ${BUILTIN_TOOLS.join(', ')}; MCP tools are mcp__server__tool)`;
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

/** Tool name of an MCP tool call (`mcp__ros__publish_cmd_vel` → server `ros`, tool `publish_cmd_vel`). */
export function splitMcpToolName(tool: string): { server: string; tool: string } | undefined {
  if (!tool.startsWith('mcp__')) return undefined;
  const rest = tool.slice('mcp__'.length);
  const sep = rest.indexOf('__');
  if (sep <= 0) return { server: rest, tool: '' };
  return { server: rest.slice(0, sep), tool: rest.slice(sep + 2) };
}
