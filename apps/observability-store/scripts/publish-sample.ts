// Publishes a sample AgentEvent and the ExecutionEvents of the job it dispatched, as proto3 JSON with
// Content-Type application/json: exactly what the Python control and user planes send. Then prints how
// to see them in a job trace and a session replay.
//
//   npx tsx apps/observability-store/scripts/publish-sample.ts --tenant <tenant uuid>
//     [--nats nats://127.0.0.1:4222] [--namespace <MP_NATS_NAMESPACE>] [--url http://127.0.0.1:3003]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    namespace: { type: 'string', default: process.env.MP_NATS_NAMESPACE ?? '' },
    url: { type: 'string', default: 'http://127.0.0.1:3003' },
  },
});
if (!values.tenant || !/^[0-9a-f-]{36}$/i.test(values.tenant)) {
  console.error(
    'usage: publish-sample.ts --tenant <tenant uuid> [--nats <url>] [--namespace <ns>] [--url <store url>]',
  );
  process.exit(2);
}
const tenant = values.tenant.toLowerCase();
const subject = (s: string): string => (values.namespace ? `${values.namespace}.${s}` : s);

const tag = randomUUID().slice(0, 8);
const session = `sess-${tag}`;
const job = `job-${tag}`;
const trace = randomUUID().replace(/-/g, '');
const now = Date.now();
const at = (secondsAgo: number): string => new Date(now - secondsAgo * 1000).toISOString();

// One finished `claude -p` run of the notebook agent that submitted job `job`.
const agentEvent = {
  event_id: `${session}:result`,
  timestamp: at(60),
  plane: 'PLANE_CONTROL',
  agent_role: 'notebook',
  job_id: job,
  session_id: session,
  tenant_id: tenant,
  model: 'claude-sonnet-4-5',
  trace_id: trace,
  tokens_in: 5120,
  tokens_out: 830,
  exit_code: 0,
  tool_calls: [
    {
      tool: 'Bash',
      input: { command: 'pip install -r requirements.txt' },
      output: 'Successfully installed torch-2.5.0',
      duration_ms: 41200,
      tool_use_id: 'toolu_01',
    },
    {
      tool: 'Bash',
      input: { command: `ray job submit --submission-id ${job} -- python train.py` },
      output: `Job '${job}' submitted successfully`,
      duration_ms: 2300,
      tool_use_id: 'toolu_02',
    },
  ],
};

// The RayJob's status changes, as the user plane reports them.
const executionEvents = (['PENDING', 'RUNNING', 'SUCCEEDED'] as const).map((status, i) => ({
  event_id: `${job}:${status}:1`,
  timestamp: at(50 - i * 20),
  plane: 'PLANE_USER',
  job_id: job,
  environment: 'ENVIRONMENT_TORCH_DEV_GPU',
  ray_job_id: `raysubmit_${tag}`,
  status: `EXECUTION_STATUS_${status}`,
  gpu_seconds: status === 'SUCCEEDED' ? 240 : 0,
  gpu_count: 2,
  tenant_id: tenant,
  session_id: session,
  trace_id: trace,
  attempt: 1,
}));

const nc = await connect({ servers: values.nats });
const js = jetstream(nc);
const h = headers();
h.set('Content-Type', 'application/json');
const publish = async (subj: string, event: { event_id: string }): Promise<void> => {
  const ack = await js.publish(subject(subj), JSON.stringify(event), { msgID: event.event_id, headers: h });
  console.log(`published ${event.event_id} to ${subject(subj)} (stream ${ack.stream}, seq ${ack.seq})`);
};
await publish('mp.agent.events', agentEvent);
for (const e of executionEvents) await publish('mp.execution.events', e);
await nc.close();

console.log(`
Now, with an access token of tenant ${tenant} (TOKEN):
  curl -s -H "Authorization: Bearer $TOKEN" ${values.url}/api/v1/jobs/${job}/trace
  curl -s -H "Authorization: Bearer $TOKEN" ${values.url}/api/v1/sessions/${session}/replay`);
