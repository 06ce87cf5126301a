// Would a scope have allowed a tool call? The evaluation Claude Code makes, used by the dry run on
// recorded calls: deny rules first (any match denies), then allow rules; tools that need no
// permission (Read, Glob, Grep, LS...) are allowed unless a deny rule matches. A Bash command line is
// allowed only when every simple command in it is matched by some allow rule (see bash.ts).
import { compileBashPattern, splitCommand } from './bash.js';
import { compilePathPattern, normalizeToolPath, type PathContext } from './paths.js';
import { splitMcpToolName, type ToolRule } from './rule.js';

/** A recorded or proposed tool call. */
export interface ToolCallInput {
  tool: string;
  input: Record<string, unknown>;
}

export interface Verdict {
  allowed: boolean;
  /** Why, in a sentence. */
  reason: string;
  /** The deny rule that matched, or the allow rule that allowed (first one). */
  rule?: string;
}

/** Tools Claude Code runs without asking (read-only): only a deny rule stops them. */
export const NO_PERMISSION_TOOLS: ReadonlySet<string> = new Set([
  'Read',
  'Glob',
  'Grep',
  'LS',
  'NotebookRead',
  'TodoWrite',
  'ExitPlanMode',
  'BashOutput',
]);

// Read rules cover every built-in tool that reads files, Edit rules every tool that edits them;
// Task is the former name of Agent.
const FAMILIES: Record<string, readonly string[]> = {
  Read: ['Read', 'NotebookRead', 'Glob', 'Grep', 'LS'],
  Edit: ['Edit', 'MultiEdit', 'Write', 'NotebookEdit'],
  Agent: ['Agent', 'Task'],
  Task: ['Agent', 'Task'],
};

const PATH_FIELDS: Record<string, string> = {
  Read: 'file_path',
  Edit: 'file_path',
  MultiEdit: 'file_path',
  Write: 'file_path',
  NotebookEdit: 'notebook_path',
  NotebookRead: 'notebook_path',
  Glob: 'path',
  Grep: 'path',
  LS: 'path',
};

interface CompiledRule {
  rule: ToolRule;
  /** For non-Bash rules: does the rule cover this call? */
  applies(call: ToolCallInput): boolean;
  /** For Bash rules: does the rule cover this simple command? */
  command?: (command: string) => boolean;
  /** `Bash` or `Bash(*)`: covers any command line, parseable or not. */
  universal?: boolean;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function compile(rule: ToolRule, ctx: PathContext): CompiledRule {
  const family = FAMILIES[rule.tool] ?? [rule.tool];
  switch (rule.kind) {
    case 'mcp':
      return {
        rule,
        applies: (call) => {
          const name = splitMcpToolName(call.tool);
          return !!name && name.server === rule.mcpServer && (!rule.mcpTool || name.tool === rule.mcpTool);
        },
      };
    case 'bash':
      return {
        rule,
        applies: () => false,
        command: compileBashPattern(rule.specifier!),
        universal: rule.specifier!.trim() === '*',
      };
    case 'path': {
      const matches = compilePathPattern(rule.specifier!, ctx);
      return {
        rule,
        applies: (call) => {
          if (!family.includes(call.tool)) return false;
          const path = text(call.input[PATH_FIELDS[call.tool] ?? 'file_path']);
          return path !== undefined && path !== '' && matches(normalizeToolPath(path, ctx));
        },
      };
    }
    case 'domain':
      return {
        rule,
        applies: (call) => call.tool === 'WebFetch' && hostOf(text(call.input.url)) === rule.specifier,
      };
    case 'name':
      return {
        rule,
        applies: (call) => {
          if (!family.includes(call.tool)) return false;
          const name =
            call.tool === 'Skill'
              ? (text(call.input.skill) ?? text(call.input.command) ?? text(call.input.name))
              : text(call.input.subagent_type);
          return name === rule.specifier;
        },
      };
    case 'tool':
      return rule.tool === 'Bash'
        ? { rule, applies: () => false, command: () => true, universal: true }
        : { rule, applies: (call) => family.includes(call.tool) };
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Allow and deny rules compiled once, evaluated against many calls. */
export class ScopeMatcher {
  private readonly allow: CompiledRule[];
  private readonly deny: CompiledRule[];

  constructor(allow: readonly ToolRule[], deny: readonly ToolRule[], ctx: PathContext = {}) {
    this.allow = allow.map((r) => compile(r, ctx));
    this.deny = deny.map((r) => compile(r, ctx));
  }

  evaluate(call: ToolCallInput): Verdict {
    return call.tool === 'Bash' ? this.evaluateBash(text(call.input.command) ?? '') : this.evaluateTool(call);
  }

  private evaluateTool(call: ToolCallInput): Verdict {
    const denied = this.deny.find((r) => r.applies(call));
    if (denied) return { allowed: false, reason: `denied by ${denied.rule.text}`, rule: denied.rule.text };
    const allowed = this.allow.find((r) => r.applies(call));
    if (allowed) return { allowed: true, reason: `allowed by ${allowed.rule.text}`, rule: allowed.rule.text };
    if (NO_PERMISSION_TOOLS.has(call.tool))
      return { allowed: true, reason: `${call.tool} needs no permission and no deny rule matches` };
    return { allowed: false, reason: `no allow rule covers ${call.tool}` };
  }

  private evaluateBash(command: string): Verdict {
    const parsed = splitCommand(command);
    // Deny rules see the whole line too, so an unparseable line still meets them.
    const candidates = [...(parsed ?? []), command.trim()];
    for (const r of this.deny) {
      if (!r.command) continue;
      const hit = candidates.find((c) => r.command!(c));
      if (hit !== undefined)
        return {
          allowed: false,
          reason: `denied by ${r.rule.text} (matches ${JSON.stringify(hit)})`,
          rule: r.rule.text,
        };
    }
    if (!parsed) {
      const universal = this.allow.find((a) => a.universal);
      if (universal)
        return { allowed: true, reason: `allowed by ${universal.rule.text}`, rule: universal.rule.text };
      return {
        allowed: false,
        reason:
          'the command line cannot be parsed (unbalanced quotes or parentheses), so no allow rule applies',
      };
    }
    let first: string | undefined;
    for (const simple of parsed.length > 0 ? parsed : ['']) {
      const r = this.allow.find((a) => a.command?.(simple));
      if (!r) return { allowed: false, reason: `no allow rule matches ${JSON.stringify(simple)}` };
      first ??= r.rule.text;
    }
    return {
      allowed: true,
      reason:
        parsed.length > 1
          ? `every command of the line is allowed (first by ${first})`
          : `allowed by ${first}`,
      ...(first ? { rule: first } : {}),
    };
  }
}
