// The seed price book, written by migration 1796500000000 as version rows authored by `seed`. After
// release it is history: change prices through the API (PUT /api/v1/billing/prices/...), which adds
// versions, never by editing this file (the migration that reads it has already run everywhere).
//
// Claude model rates: USD per million tokens from Anthropic's public pricing page
// (https://www.anthropic.com/pricing#api and https://docs.claude.com/en/docs/about-claude/pricing) as
// the author knew it (late 2025). "Cache write" is the 5-minute prompt-cache write rate (1.25 x input);
// AgentEvent does not say whether a write used the 1-hour cache (2 x input), nor whether a Sonnet
// request went over 200K input tokens (long-context rates), so neither is modelled. Check these figures
// against the page before billing anyone, and correct them with a new version if they moved.
//
// GPU rates: PLACEHOLDERS. "2.50" USD per GPU-hour is not anyone's real price: an operator must set the
// real rate of each environment (PUT /api/v1/billing/prices/gpus/:environment) before GPU costs mean
// anything. Billing logs a warning at start-up while the seed placeholders are still in force.
//
// Every seed rate is effective from 2024-01-01T00:00:00Z, so older events are priced too. Model ids are
// the undated aliases; dated snapshot ids (claude-sonnet-4-5-20250929) resolve to them.

export interface SeedModelRate {
  model: string;
  /** USD per million input tokens. */
  input: string;
  /** USD per million output tokens. */
  output: string;
  /** USD per million tokens read from the prompt cache. */
  cacheRead: string;
  /** USD per million tokens written to the prompt cache (5-minute cache). */
  cacheWrite: string;
}

export interface SeedGpuRate {
  environment: string;
  /** USD per GPU-hour. */
  perGpuHour: string;
}

export const SEED_EFFECTIVE_FROM = '2024-01-01T00:00:00Z';
export const SEED_AUTHOR = 'seed';
export const SEED_REASON = 'seed price book (apps/billing/src/price-book/seed/price-book.seed.ts)';

export const SEED_MODEL_RATES: readonly SeedModelRate[] = [
  // Claude Opus 4.5
  { model: 'claude-opus-4-5', input: '5.00', output: '25.00', cacheRead: '0.50', cacheWrite: '6.25' },
  // Claude Opus 4.1 and Opus 4
  { model: 'claude-opus-4-1', input: '15.00', output: '75.00', cacheRead: '1.50', cacheWrite: '18.75' },
  { model: 'claude-opus-4', input: '15.00', output: '75.00', cacheRead: '1.50', cacheWrite: '18.75' },
  // Claude Sonnet 4.5, Sonnet 4 and Sonnet 3.7 (prompts up to 200K input tokens)
  { model: 'claude-sonnet-4-5', input: '3.00', output: '15.00', cacheRead: '0.30', cacheWrite: '3.75' },
  { model: 'claude-sonnet-4', input: '3.00', output: '15.00', cacheRead: '0.30', cacheWrite: '3.75' },
  { model: 'claude-3-7-sonnet', input: '3.00', output: '15.00', cacheRead: '0.30', cacheWrite: '3.75' },
  // Claude Haiku 4.5, Haiku 3.5 and Haiku 3
  { model: 'claude-haiku-4-5', input: '1.00', output: '5.00', cacheRead: '0.10', cacheWrite: '1.25' },
  { model: 'claude-3-5-haiku', input: '0.80', output: '4.00', cacheRead: '0.08', cacheWrite: '1.00' },
  { model: 'claude-3-haiku', input: '0.25', output: '1.25', cacheRead: '0.03', cacheWrite: '0.30' },
];

/** PLACEHOLDERS, not prices: see the comment at the top. */
export const SEED_GPU_RATES: readonly SeedGpuRate[] = [
  { environment: 'torch.dev.gpu', perGpuHour: '2.50' },
  { environment: 'ros.dev.gpu', perGpuHour: '2.50' },
];
