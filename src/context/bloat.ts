/** Size bucket and bloat rules: pure functions of the final figures. */
import type { BloatThresholds } from '../config';
import { SIZE_BUCKETS } from '../semconv';

export function sizeBucket(tokens: number): string {
  for (const bucket of SIZE_BUCKETS) if (tokens < bucket.below) return bucket.label;
  return SIZE_BUCKETS[SIZE_BUCKETS.length - 1].label;
}

export interface BloatInput {
  tokens: number;
  utilization?: number;
  recycledTokens?: number;
  recycledRatio?: number;
}

/** Which rules fired, e.g. ["tokens>=20000", "recycled_ratio>=0.9"] (thresholds as configured). */
export function bloatReasons(input: BloatInput, t: BloatThresholds): string[] {
  const reasons: string[] = [];
  if (input.tokens >= t.tokens) reasons.push(`tokens>=${t.tokens}`);
  if (input.utilization !== undefined && input.utilization >= t.utilization) {
    reasons.push(`utilization>=${t.utilization}`);
  }
  if (
    input.recycledRatio !== undefined &&
    input.recycledTokens !== undefined &&
    input.recycledRatio >= t.recycledRatio &&
    input.recycledTokens >= t.recycledMinTokens
  ) {
    reasons.push(`recycled_ratio>=${t.recycledRatio}`);
  }
  return reasons;
}
