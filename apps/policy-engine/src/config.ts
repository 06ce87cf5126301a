import { baseServiceEnv, loadConfig, port, z, type Env } from '@auraison/config';
import { parseRule, RuleError } from './scopes/domain/rule.js';

export const SERVICE_NAME = 'policy-engine';

export const DEFAULT_ACTUATION_TOOLS = 'mcp__ros__publish_cmd_vel,mcp__ros__navigate_to_pose,mcp__nav2__*';

const ruleList = z.string().transform((value, ctx) => {
  const rules: string[] = [];
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      rules.push(parseRule(part).text);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
    }
  }
  return rules;
});

/** Environment variables of policy-engine (README "Configuration"). */
export const policyEngineEnv = baseServiceEnv({ httpPort: 3002 }).extend({
  // gRPC listens on HTTP_HOST too: one interface setting per service.
  GRPC_PORT: port(50051),
  MP_OBSERVABILITY_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3003')
    .describe('base URL of the observability store (dry runs read recorded tool calls there)'),
  MP_ACTUATION_TOOLS: ruleList
    .default(DEFAULT_ACTUATION_TOOLS.split(','))
    .describe('comma-separated rules of the actuation tools an open gate is needed for'),
  MP_RESERVATION_GRACE_S: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(300)
    .describe('a reservation expires this long after its job’s maximum duration (seconds)'),
  MP_MAX_JOB_DURATION_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(7 * 86_400)
    .describe('longest max_duration_s AdmitJob accepts (seconds)'),
  MP_GATE_MAX_DURATION_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400)
    .describe('longest an actuation gate may be opened for at once (seconds)'),
  MP_POLICY_POLL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(500)
    .default(250)
    .describe('how often each replica checks for policy changes it missed on NATS (ms; lockdown bound 1 s)'),
  MP_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5000)
    .describe('how often expired reservations and gates are closed (ms)'),
});

export type PolicyEngineConfig = z.infer<typeof policyEngineEnv>;

export function loadPolicyEngineConfig(env: Env): PolicyEngineConfig {
  return loadConfig(SERVICE_NAME, policyEngineEnv, env);
}
