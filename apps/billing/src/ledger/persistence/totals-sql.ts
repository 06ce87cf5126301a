// The SQL that keeps usage_totals and budget crossings in step with the ledger, shared by every write
// that changes what a period costs (ingest, pricing unpriced usage, re-pricing). The caller defines a
// CTE named `delta` with one row per changed line:
//   tenant_id, period_start, user_id, job_id, agent_role, model, environment,
//   events, unpriced_events, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, gpu_ms,
//   input_cost, output_cost, cache_read_cost, cache_write_cost, gpu_cost, adjustment_micros
// and these CTEs follow it in the same statement:
//   grouped: the delta summed per tenant, period and breakdown (GROUPING SETS: one pass);
//   totals:  `+=` upserts in key order (so concurrent writers lock rows in the same order and never
//            deadlock; the row lock serializes them, so no increment is lost);
//   crossed: the budget thresholds (50/80/100%) the new period totals reach, inserted once per tenant,
//            period and threshold (the primary key refuses a second one) for the alert relay.

export const COUNTER_COLUMNS = [
  'events',
  'unpriced_events',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'gpu_ms',
  'input_cost',
  'output_cost',
  'cache_read_cost',
  'cache_write_cost',
  'gpu_cost',
  'adjustment_micros',
] as const;

const DIMENSIONS = [
  ['job', 'job_id'],
  ['user', 'user_key'],
  ['agent_role', 'agent_role'],
  ['model', 'model'],
  ['environment', 'environment'],
] as const;

const dimensionCase = DIMENSIONS.map(([name, column]) => `WHEN GROUPING(${column}) = 0 THEN '${name}'`).join(
  ' ',
);
const keyCase = DIMENSIONS.map(([, column]) => `WHEN GROUPING(${column}) = 0 THEN ${column}`).join(' ');
const groupingSets = [
  '(tenant_id, period_start)',
  ...DIMENSIONS.map(([, column]) => `(tenant_id, period_start, ${column})`),
].join(', ');

/** `, grouped AS (...), totals AS (...), crossed AS (...)`: append after the `delta` CTE. */
export const TOTALS_CTES = `,
grouped AS (
  SELECT tenant_id, period_start,
         CASE ${dimensionCase} ELSE 'tenant' END AS dimension,
         CASE ${keyCase} ELSE '' END AS key,
         ${COUNTER_COLUMNS.map((c) => `sum(${c})::bigint AS ${c}`).join(', ')}
    FROM (SELECT d.*, COALESCE(d.user_id::text, '') AS user_key FROM delta d) AS d
   GROUP BY GROUPING SETS (${groupingSets})
),
totals AS (
  INSERT INTO billing.usage_totals AS t (tenant_id, period_start, dimension, key, ${COUNTER_COLUMNS.join(', ')})
  SELECT tenant_id, period_start, dimension, key, ${COUNTER_COLUMNS.join(', ')}
    FROM grouped
   ORDER BY tenant_id, period_start, dimension, key
  ON CONFLICT (tenant_id, period_start, dimension, key) DO UPDATE SET
    ${COUNTER_COLUMNS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}, updated_at = now()
  RETURNING tenant_id, period_start, dimension,
    input_cost + output_cost + cache_read_cost + cache_write_cost + gpu_cost + adjustment_micros AS spend
),
crossed AS (
  INSERT INTO billing.budget_alerts (tenant_id, period_start, threshold, spend_micros, budget_micros)
  SELECT t.tenant_id, t.period_start, th.pct, t.spend, b.amount_micros
    FROM totals t
    JOIN billing.budgets b ON b.tenant_id = t.tenant_id
   CROSS JOIN (VALUES (50), (80), (100)) AS th (pct)
   WHERE t.dimension = 'tenant' AND t.spend::numeric * 100 >= b.amount_micros::numeric * th.pct
   ORDER BY 1, 2, 3
  ON CONFLICT DO NOTHING
  RETURNING 1
)`;
