// A command: its words (`scopes show`), its options (node:util parseArgs) and what it does.
import type { ParseArgsConfig } from 'node:util';
import type { Context } from './context.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  /** The words that select it, e.g. ['scopes', 'show']. */
  path: string[];
  /** One line for the command list. */
  summary: string;
  /** Positional arguments and examples, for `--help`. */
  usage?: string;
  options?: Options;
  /** Everything after `--` goes to the command untouched (agent run). */
  passthrough?: boolean;
  run(ctx: Context, values: Values, positionals: string[], rest: string[]): Promise<number | void> | void;
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(values: Values, name: string): string[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [String(v)]).flatMap((s) => splitRules(s));
  return items;
}

/**
 * Splits `Bash(kubectl *),Read` at top-level commas: a comma inside parentheses belongs to the rule
 * (`Bash(echo a,b)`).
 */
export function splitRules(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
