// `mpctl agent run`: spawns one `claude -p` the way the plane wants it. It fetches the role's
// configuration (GetAgentConfig: model, tool scope, limits, experiment variant) from the policy engine,
// runs claude with `--allowedTools` / `--disallowedTools` / `--model` / `--max-turns` and stream-json
// output, passes the output through as it comes, stops claude at the role's maximum duration, publishes
// the run's AgentEvent when it ends, and exits with claude's exit code.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  agentEventFromClaudeOutput,
  childSpan,
  EventPublisher,
  formatTraceparent,
  PolicyClient,
  traceFromEnv,
  type TimedLine,
} from '@auraison/client';
import { environmentFromName, type GetAgentConfigResponse } from '@auraison/contracts';
import { str, type Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { CliError, UsageError } from '../cli/errors.js';
import { ENDPOINT_ENV } from '../cli/profile.js';

const KILL_GRACE_MS = 10_000;

/** The claude command line: the caller's arguments plus what the policy decided. */
export function claudeArgs(userArgs: readonly string[], config: GetAgentConfigResponse): string[] {
  const controlled = [
    '--allowedTools',
    '--allowed-tools',
    '--disallowedTools',
    '--disallowed-tools',
    '--model',
    '--output-format',
  ];
  const clash = userArgs.find((a) => controlled.includes(a.split('=')[0]!));
  if (clash)
    throw new UsageError(
      `${clash} is decided by the policy engine (the role's scope and model): leave it out of the claude arguments`,
      'change the scope with `mpctl scopes set` or the model with `mpctl scopes set --model`',
    );
  const args = userArgs.includes('-p') || userArgs.includes('--print') ? [...userArgs] : ['-p', ...userArgs];
  args.push('--output-format', 'stream-json', '--verbose');
  if (config.model) args.push('--model', config.model);
  const scope = config.scope;
  args.push('--allowedTools', scope?.allowedTools ?? '');
  if (scope?.disallowedTools) args.push('--disallowedTools', scope.disallowedTools);
  if (config.maxTurns > 0 && !userArgs.includes('--max-turns'))
    args.push('--max-turns', String(config.maxTurns));
  return args;
}

async function runAgent(ctx: Context, values: Record<string, unknown>, rest: string[]): Promise<number> {
  const role = str(values as never, 'role');
  if (!role) throw new UsageError('--role is required (notebook, cluster, wandb, lakehouse)');
  const envName = str(values as never, 'env') ?? 'torch.dev.gpu';
  const environment = environmentFromName(envName);
  if (environment === undefined)
    throw new UsageError(`--env must be torch.dev.gpu or ros.dev.gpu (got ${envName})`);
  const tenant = await ctx.tenant(str(values as never, 'tenant'));
  const jobId = str(values as never, 'job') ?? '';
  const claude = str(values as never, 'claude') ?? ctx.env.MPCTL_CLAUDE_BIN ?? 'claude';
  const parent = traceFromEnv(ctx.env);
  const span = childSpan(parent);

  const policy = new PolicyClient({
    address: ctx.endpoints.policyGrpc,
    token: ctx.plane.credential(),
    trace: span,
  });
  let config: GetAgentConfigResponse;
  try {
    config = await policy.getAgentConfig({ tenantId: tenant.id, agentRole: role, jobId, environment });
  } catch (e) {
    throw new CliError(
      (e as Error).message,
      `the policy engine's gRPC address is ${ctx.endpoints.policyGrpc} (${ENDPOINT_ENV.policyGrpc}); no agent was started`,
    );
  } finally {
    policy.close();
  }
  if (config.scope?.lockdown)
    ctx.out.note('mpctl: a lockdown is in force: claude runs with every tool denied');
  const args = claudeArgs(rest, config);
  ctx.out.note(
    `mpctl: ${role} agent, model ${config.model || '(default)'}${config.variant ? ` (variant ${config.variant})` : ''}, ` +
      `scope v${config.scope?.scopeVersion ?? '?'}, max ${config.maxDurationS}s`,
  );

  const lines: TimedLine[] = [];
  const started = Date.now();
  const child = spawn(claude, args, {
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...ctx.env, TRACEPARENT: formatTraceparent(span) },
  });
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    ctx.io.stdout.write(chunk.toString('utf8'));
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    const at = new Date();
    for (const line of parts) if (line.trim()) lines.push({ line, at });
  });
  let timedOut = false;
  const limit = config.maxDurationS > 0 ? config.maxDurationS * 1000 : 0;
  const timer =
    limit > 0
      ? setTimeout(() => {
          timedOut = true;
          ctx.out.note(`mpctl: claude ran past the role's maximum of ${config.maxDurationS}s: stopping it`);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
        }, limit)
      : undefined;
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          `cannot run ${claude}: ${e.message}`,
          e.code === 'ENOENT'
            ? 'install Claude Code, or name the executable with --claude or MPCTL_CLAUDE_BIN'
            : undefined,
        ),
      ),
    );
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 15) : 1)));
  }).finally(() => clearTimeout(timer));
  if (buffered.trim()) lines.push({ line: buffered, at: new Date() });

  let event;
  try {
    event = agentEventFromClaudeOutput(lines, {
      tenantId: tenant.id,
      agentRole: role,
      jobId,
      exitCode,
      endedAt: new Date(),
      traceId: span.traceId,
      spanId: span.spanId,
      ...(parent ? { parentSpanId: parent.spanId } : {}),
      ...(config.variant ? { variant: config.variant } : {}),
      ...(config.experimentId ? { experimentId: config.experimentId } : {}),
      agentConfigVersion: config.configVersion,
      labels: { launcher: 'mpctl', ...(timedOut ? { stopped: 'max_duration' } : {}) },
    });
  } catch (e) {
    ctx.out.note(`mpctl: no AgentEvent published: ${(e as Error).message}`);
    return exitCode;
  }
  if (!event.durationMs) event.durationMs = Date.now() - started;
  if (!event.eventId) event.eventId = randomUUID();
  const publisher = await EventPublisher.connect({
    url: ctx.endpoints.nats,
    namespace: ctx.endpoints.natsNamespace || undefined,
    name: 'mpctl-agent-run',
    deadlineMs: 30_000,
  }).catch((e: Error) => {
    ctx.out.note(`mpctl: AgentEvent not published: ${e.message}`);
    return undefined;
  });
  if (publisher) {
    try {
      const r = await publisher.publishAgentEvent(event);
      ctx.out.note(
        `mpctl: published AgentEvent ${r.eventId} (session ${event.sessionId}, ${event.toolCalls.length} tool calls, exit ${exitCode})`,
      );
    } catch (e) {
      ctx.out.note(`mpctl: AgentEvent not published: ${(e as Error).message}`);
    } finally {
      await publisher.close();
    }
  }
  return exitCode;
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}

export const agentCommands: Command[] = [
  {
    path: ['agent', 'run'],
    summary: 'Spawn claude -p with the role scope and model from the policy engine; publish its AgentEvent',
    usage:
      'mpctl agent run --role notebook [--tenant acme] [--job job-42] [--env torch.dev.gpu] [--claude /path/to/claude] -- "<prompt>" [claude args]\n' +
      "  exits with claude's exit code; TRACEPARENT in the environment joins the run to a trace",
    options: {
      role: { type: 'string' },
      tenant: { type: 'string' },
      job: { type: 'string' },
      env: { type: 'string' },
      claude: { type: 'string' },
    },
    passthrough: true,
    async run(ctx, values, _positionals, rest) {
      return runAgent(ctx, values, rest);
    },
  },
];
