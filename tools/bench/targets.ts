// The target of each benchmark, as its issue states it, shown next to the figure in docs/benchmarks.md.
// Keyed by result id; ids of the policy engine's half-peak latencies end in -half-p50 / -half-p99.
const TARGETS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^policy-grpc-(tool-scope|agent-config)$/, '≥ 0.70x of the bare echo'],
  [/^policy-grpc-(tool-scope|agent-config)-half-p50$/, '≤ 1 ms at half of peak'],
  [/^policy-grpc-(tool-scope|agent-config)-half-p99$/, '≤ 3 ms at half of peak'],
  [/^obs-ingest-backlog$/, '≥ 0.50x of raw consume, ≥ 10,000 events/s'],
  [/^obs-chain-insert$/, '≤ 15% slower than plain insert'],
  [/^obs-verify$/, '≥ 100,000 rows/s'],
  [/^obs-(trace|replay)-p99$/, '< 50 ms with 1M events stored'],
  [/^billing-ingest-[12]$/, '≥ 0.50x of raw consume'],
  [/^billing-lag-p99$/, '< 1 s at 5,000 events/s'],
  [/^plane-rss-total$/, '< 1024 MiB'],
];

export function targetOf(id: string): string | undefined {
  return TARGETS.find(([pattern]) => pattern.test(id))?.[1];
}
