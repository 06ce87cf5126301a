// The shapes the console reads from the services' HTTP APIs (their DTOs, snake_case as on the wire).

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  tenant_id: string;
  roles: string[];
}
export interface Me {
  id: string;
  subject_type: string;
  email: string | null;
  display_name: string;
  tenant: { id: string; slug: string; name: string; status: string; is_platform: boolean };
  roles: string[];
  permissions: string[];
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export interface Quota {
  gpu_hours_per_period: number;
  token_budget_per_period: number;
  max_jobs_in_flight: number;
  default_max_job_duration_s: number;
  period_anchor_day: number;
  max_gpus: number;
  cpu_cores: number;
  memory_gib: number;
}
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  allowed_environments: string[];
  quota: Quota;
  is_platform: boolean;
}
export interface Member {
  id: string;
  email: string;
  display_name: string;
  role: string;
  created_at: string;
}
export interface ServiceAccount {
  id: string;
  name: string;
  description: string;
  role: string;
  disabled_at: string | null;
  created_at: string;
}
export interface ApiKey {
  id: string;
  prefix: string;
  name: string;
  owner_user_id: string | null;
  owner_service_account_id: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}
export interface CreatedApiKey extends ApiKey {
  api_key: string;
}
export interface PolicyQuota {
  gpu_hours_remaining: number;
  token_budget_remaining: number;
  jobs_in_flight: number;
  max_jobs_in_flight: number;
  gpu_hours_reserved: number;
  tokens_reserved: number;
  gpu_hours_used: number;
  tokens_used: number;
  gpu_hours_limit: number;
  token_budget_limit: number;
  period_start: string;
  period_end: string;
}
export interface Reservation {
  id: string;
  job_id: string;
  agent_role: string;
  environment: string;
  gpu_count: number;
  gpu_hours_reserved: number;
  tokens_reserved: number;
  gpu_hours_actual: number;
  tokens_actual: number;
  status: string;
  created_at: string;
  expires_at: string;
  closed_at: string | null;
  close_reason: string | null;
}
export interface UsageFigures {
  events: number;
  unpriced_events: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  gpu_seconds: string;
  token_cost: string;
  gpu_cost: string;
  adjustments: string;
  cost: string;
}
export interface BreakdownEntry extends UsageFigures {
  key: string | null;
}
export interface Period {
  label: string;
  start: string;
  end: string;
  closed: boolean;
}
export interface Usage {
  tenant_id: string;
  period: Period;
  currency: string;
  total: UsageFigures;
  breakdowns: Record<
    'job' | 'user' | 'agent_role' | 'model' | 'environment',
    { items: BreakdownEntry[]; total_count: number }
  >;
}
export interface Budget {
  amount: string;
  spend: string;
  percent_used: number;
  period: string;
  alerts: { threshold: number; spend: string; crossed_at: string }[];
}
export interface JobCost {
  job_id: string;
  currency: string;
  token_cost: string;
  gpu_cost: string;
  cost: string;
  lines: {
    event_id: string;
    source: string;
    occurred_at: string;
    unit: string;
    quantity: string;
    rate: string | null;
    cost: string | null;
    model: string | null;
    agent_role: string | null;
    environment: string | null;
  }[];
}
export interface ToolCall {
  event_id: string;
  seq: number;
  index: number;
  session_id: string | null;
  job_id: string | null;
  agent_role: string | null;
  tool: string;
  input: Record<string, unknown>;
  output: string;
  duration_ms: number;
  is_error: boolean;
  permission_denied: boolean;
  timestamp: string;
}
export interface StoredEvent {
  seq: number;
  kind: 'agent' | 'execution';
  event_id: string;
  tenant_id: string;
  timestamp: string;
  event: Record<string, unknown>;
}
export interface TraceEntry extends StoredEvent {
  link: 'job' | 'session' | 'trace';
}
export interface JobTrace {
  job_id: string;
  status: string | null;
  gpu_seconds: number;
  trace_ids: string[];
  entries: TraceEntry[];
  next_cursor: string | null;
}
export interface Replay {
  session_id: string;
  items: ToolCall[];
  next_cursor: string | null;
}
export interface PolicyDocument {
  allow: string[];
  deny: string[];
  max_duration_s?: number;
  max_turns?: number;
  model?: string;
}
export interface PolicyVersion {
  version: number;
  tenant_id: string | null;
  agent_role: string;
  document: PolicyDocument | null;
  author_id: string;
  reason: string;
  diff: {
    allow: { added: string[]; removed: string[] };
    deny: { added: string[]; removed: string[] };
    changed: Record<string, [unknown, unknown]>;
  };
  rollback_of: number | null;
  created_at: string;
}
export interface ToolScope {
  allowed_tools: string;
  disallowed_tools: string;
  allowed_rules: string[];
  disallowed_rules: string[];
  scope_version: number;
  max_duration_s: number;
  lockdown: boolean;
  open_actuation_gates: string[];
}
export interface TenantRole {
  tenant_id: string;
  agent_role: string;
  override: PolicyVersion | null;
  effective: {
    allow: string[];
    deny: string[];
    max_duration_s: number;
    max_turns: number;
    model: string;
    default_version: number;
    override_version: number | null;
  };
  scope: ToolScope;
}
export interface DryRunResult {
  evaluated: number;
  denied_count: number;
  newly_denied_count: number;
  newly_allowed_count: number;
  truncated: boolean;
  denied: {
    event_id: string;
    session_id: string;
    job_id: string;
    tool: string;
    input: Record<string, unknown>;
    timestamp: string;
    reason: string;
    rule: string | null;
    denied_now: boolean;
  }[];
}
export interface Lockdown {
  tenant_id: string | null;
  version: number;
  engaged_by: string;
  reason: string;
  engaged_at: string;
}
export interface LockdownStatus {
  global: Lockdown | null;
  tenant: Lockdown | null;
}
export interface Gate {
  tenant_id: string;
  environment: string;
  version: number;
  opened_by: string;
  reason: string;
  opened_at: string;
  expires_at: string;
}
export interface Experiment {
  id: string;
  tenant_id: string | null;
  agent_role: string;
  name: string;
  variants: { name: string; model: string; weight: number }[];
  status: 'active' | 'stopped';
  created_at: string;
  reason: string;
}
export interface Signal {
  agent_role: string;
  environment: string;
  model: string;
  variant: string;
  job_label: string;
  runs: number;
  successes: number;
  success_rate: number;
  success_rate_ci_low: number;
  success_rate_ci_high: number;
  latency_p50_ms?: number | null;
  latency_p90_ms: number | null;
  latency_p99_ms: number | null;
  tokens_per_success: number;
  cost_micros_per_success: string | null;
  small_sample: boolean;
  text: string;
}
export interface FiringAlert {
  alert_id: string;
  rule_name: string;
  severity: string;
  metric: string;
  direction: string;
  threshold: number;
  value: number;
  labels: Record<string, string>;
  text: string;
  since: string;
}
export interface AlertRule {
  id: string;
  name: string;
  metric: string;
  direction: string;
  threshold: number;
  severity: string;
  platform: boolean;
  scope: Record<string, string | undefined>;
}
