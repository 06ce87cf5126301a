import { baseServiceEnv, loadConfig, z, type Env } from '@auraison/config';

export const SERVICE_NAME = 'observability-store';

/** Tools treated as robot actuation when MP_ACTUATION_TOOLS is not set (DESIGN §7 "Actuation gates"). */
export const DEFAULT_ACTUATION_TOOLS = 'mcp__ros__publish_cmd_vel,mcp__ros__navigate_to_pose,mcp__nav2__*';

// A tool name, or `mcp__<server>__*` for every tool of one MCP server.
const ACTUATION_PATTERN = /^(mcp__[A-Za-z0-9_-]+?__\*|[^\s*,]{1,200})$/;

/** Environment variables of observability-store (apps/observability-store/README.md "Configuration"). */
export const observabilityStoreEnv = baseServiceEnv({ httpPort: 3003 }).extend({
  MP_INGEST_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(2000)
    .default(500)
    .describe('events per ingest transaction (per consumer and replica)'),
  MP_INGEST_ACK_WAIT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(30)
    .describe('seconds before events held by a replica that died are redelivered to another one'),
  MP_INGEST_MAX_EVENT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(1024 * 1024)
    .describe("larger messages are dead-lettered as oversize (at most the streams' 1 MiB)"),
  MP_ACTUATION_TOOLS: z
    .string()
    .default(DEFAULT_ACTUATION_TOOLS)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((p) => ACTUATION_PATTERN.test(p)), {
      message: 'must be a comma-separated list of tool names or mcp__<server>__* patterns',
    })
    .describe(`tools listed in the safety review (default ${DEFAULT_ACTUATION_TOOLS})`),
  MP_AUDIT_CHECKPOINT_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(60)
    .describe('how often changed chain heads are published on mp.audit.checkpoints (0 = never)'),
});

export type ObservabilityStoreConfig = z.infer<typeof observabilityStoreEnv>;

export function loadObservabilityStoreConfig(env: Env): ObservabilityStoreConfig {
  return loadConfig(SERVICE_NAME, observabilityStoreEnv, env);
}

/** Events may be stamped at most this far in the future (producer clock skew). */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
