// Dispatch: `mpctl <words> [options] [-- passthrough]`, global --json and --help, and one place that
// turns errors into a message, a hint and an exit code.
import { parseArgs } from 'node:util';
import { agentCommands } from '../agent/agent-run.js';
import { identityCommands } from '../commands/identity.js';
import { policyCommands } from '../commands/policy.js';
import { reportCommands } from '../commands/reports.js';
import type { Command } from './command.js';
import { Context, type Io } from './context.js';
import { CliError } from './errors.js';

export const COMMANDS: readonly Command[] = [
  ...identityCommands,
  ...policyCommands,
  ...reportCommands,
  ...agentCommands,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  return [
    'mpctl: operate the Auraison management plane',
    '',
    'usage: mpctl <command> [options] [--json]',
    '',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Global: --json (machine-readable output), --help (per command).',
    'Credentials: `mpctl login --api-key mpk_...` or MP_API_KEY; URLs: see `mpctl whoami`.',
  ].join('\n');
}

function help(c: Command): string {
  const opts = Object.entries(c.options ?? {}).map(
    ([name, o]) => `--${name}${o.type === 'string' ? ' <value>' : ''}${o.multiple ? ' (repeatable)' : ''}`,
  );
  return [
    `mpctl ${c.path.join(' ')}: ${c.summary}`,
    '',
    `usage: ${c.usage ?? `mpctl ${c.path.join(' ')}`}`,
    ...(opts.length ? ['', `options: ${opts.join(', ')}, --json`] : []),
  ].join('\n');
}

/** Finds the command whose words start argv (longest match). */
function match(argv: readonly string[]): Command | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  let best: Command | undefined;
  for (const c of COMMANDS)
    if (c.path.every((w, i) => words[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  return best;
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const dash = argv.indexOf('--');
  const head = dash >= 0 ? argv.slice(0, dash) : [...argv];
  const rest = dash >= 0 ? argv.slice(dash + 1) : [];
  const json = head.includes('--json');
  const wantsHelp = head.includes('--help') || head.includes('-h');
  const command = match(head);
  const write = (text: string): void => io.stdout.write(`${text}\n`);
  if (!command) {
    if (head.filter((a) => !a.startsWith('-')).length === 0 || wantsHelp || head[0] === 'help') {
      write(overview());
      return 0;
    }
    const group = head.find((a) => !a.startsWith('-'))!;
    const related = COMMANDS.filter((c) => c.path[0] === group);
    io.stderr.write(
      `mpctl: unknown command "${head.filter((a) => !a.startsWith('-')).join(' ')}"\n` +
        (related.length
          ? `  ${group} has: ${related.map((c) => c.path.join(' ')).join(', ')}\n`
          : '  `mpctl --help` lists the commands\n'),
    );
    return 2;
  }
  if (wantsHelp) {
    write(help(command));
    return 0;
  }
  if (dash >= 0 && !command.passthrough) {
    io.stderr.write(`mpctl: ${command.path.join(' ')} takes no arguments after --\n`);
    return 2;
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    // Drop the command words (first occurrences only), keep everything else for parseArgs.
    const args = [...head];
    for (const w of command.path) args.splice(args.indexOf(w), 1);
    const parsed = parseArgs({
      args,
      options: { ...(command.options ?? {}), json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    values = parsed.values;
    positionals = parsed.positionals;
  } catch (e) {
    io.stderr.write(`mpctl: ${(e as Error).message}\n\n${help(command)}\n`);
    return 2;
  }
  try {
    const ctx = new Context(io, json);
    const code = await command.run(ctx, values, positionals, rest);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`mpctl: ${e.message}\n${e.hint ? `  → ${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    io.stderr.write(`mpctl: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
