// Experiments: weighted variants of an agent role's model. A job's variant is a pure function of the
// experiment id and the job id, so every replica, and every agent spawned for the same job, gets the
// same variant without storing assignments.
import { createHash } from 'node:crypto';

export interface Variant {
  /** Short name, e.g. `control`, `sonnet-4-5`. */
  name: string;
  model: string;
  /** Relative weight (positive integer). */
  weight: number;
}

export const VARIANT_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
export const MAX_VARIANTS = 10;
export const MAX_WEIGHT = 10_000;

/** The variant of `jobId` in the experiment: SHA-256(experiment id, job id) mod the total weight. */
export function assignVariant(experimentId: string, jobId: string, variants: readonly Variant[]): Variant {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (variants.length === 0 || total <= 0)
    throw new Error('an experiment needs variants with positive weights');
  const digest = createHash('sha256').update(experimentId).update('\u0000').update(jobId).digest();
  // 48 bits are plenty to make the modulo bias negligible for totals up to 10^5.
  const point = digest.readUIntBE(0, 6) % total;
  let acc = 0;
  for (const v of variants) {
    acc += v.weight;
    if (point < acc) return v;
  }
  return variants[variants.length - 1]!;
}

/** Problems with a variant list (empty when valid), phrased with the API field names. */
export function validateVariants(variants: readonly Variant[]): string[] {
  const problems: string[] = [];
  if (variants.length < 2 || variants.length > MAX_VARIANTS)
    problems.push(`variants: an experiment has 2 to ${MAX_VARIANTS} variants (got ${variants.length})`);
  const names = new Set<string>();
  variants.forEach((v, i) => {
    if (!VARIANT_NAME.test(v.name)) problems.push(`variants[${i}].name must match ${VARIANT_NAME.source}`);
    if (names.has(v.name)) problems.push(`variants[${i}].name ${JSON.stringify(v.name)} is used twice`);
    names.add(v.name);
    if (!Number.isInteger(v.weight) || v.weight < 1 || v.weight > MAX_WEIGHT)
      problems.push(`variants[${i}].weight must be an integer from 1 to ${MAX_WEIGHT}`);
  });
  return problems;
}
