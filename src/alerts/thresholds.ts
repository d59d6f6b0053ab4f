/**
 * Alert thresholds for the generated Prometheus rules (and the figures quoted in their summaries).
 *
 * Defaults follow the in-process bloat rules (config DEFAULT_BLOAT), so an alert and a span's
 * tokentax.context.bloat flag mean the same thing. Every value is validated when the rules are
 * rendered: a negative, NaN or non-numeric threshold fails with a message naming the field, never a
 * rule file that silently never (or always) fires.
 */
import { DEFAULT_BLOAT } from '../config';

export interface AlertThresholds {
  /** Rate window of every recording rule (Prometheus duration). */
  window: string;
  /** p90 input tokens per service and model above which TokentaxInputTokensHigh fires. */
  inputTokensP90: number;
  /** p90 context window utilisation (0..1] at or above which TokentaxContextWindowNearlyFull fires. */
  utilization: number;
  /** Recycled tokens / context tokens (0..1] at or above which TokentaxContextRecycled fires. */
  recycledRatio: number;
  /** USD per hour that the cheapest scenario would save, above which TokentaxSavingsAvailable fires. */
  savingsUsdPerHour: number;
  /** Actual spend per hour must exceed this many times the baseline for TokentaxCostSurge (> 1). */
  costSurgeFactor: number;
  /** How far back the baseline of TokentaxCostSurge is (Prometheus duration). */
  costSurgeBaseline: string;
  /** ... and the spend must be at least this many USD per hour (no alerts on pennies). */
  costSurgeMinUsdPerHour: number;
  /** How long each condition must hold before the alert fires (Prometheus duration, "0s" = at once). */
  for: { inputTokens: string; utilization: string; recycled: string; savings: string; costSurge: string };
  /** When set, each alert also gets runbook_url = this + "#" + the alert's anchor. */
  runbookBaseUrl?: string;
}

export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  window: '5m',
  inputTokensP90: DEFAULT_BLOAT.tokens,
  utilization: DEFAULT_BLOAT.utilization,
  recycledRatio: DEFAULT_BLOAT.recycledRatio,
  savingsUsdPerHour: 1,
  costSurgeFactor: 2,
  costSurgeBaseline: '1h',
  costSurgeMinUsdPerHour: 0.5,
  for: Object.freeze({ inputTokens: '10m', utilization: '10m', recycled: '15m', savings: '30m', costSurge: '10m' }),
});

export class AlertThresholdError extends Error {
  constructor(field: string, expected: string, got: unknown) {
    super(`tokentax alert thresholds: "${field}" must be ${expected}, got ${describe(got)}`);
    this.name = 'AlertThresholdError';
  }
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

/** Prometheus durations as rule files accept them, e.g. "5m", "1h30m", "0s". */
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** A number, or a string holding only a number (thresholds come from CLI flags and JSON alike). */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function positive(v: unknown, field: string): number {
  const n = toNumber(v);
  if (!Number.isFinite(n) || n <= 0) throw new AlertThresholdError(field, 'a positive number', v);
  return n;
}

function nonNegative(v: unknown, field: string): number {
  const n = toNumber(v);
  if (!Number.isFinite(n) || n < 0) throw new AlertThresholdError(field, 'a number >= 0', v);
  return n;
}

function ratio(v: unknown, field: string): number {
  const n = toNumber(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new AlertThresholdError(field, 'a number greater than 0 and at most 1', v);
  return n;
}

function duration(v: unknown, field: string, allowZero: boolean): string {
  if (typeof v !== 'string' || !DURATION.test(v))
    throw new AlertThresholdError(field, 'a Prometheus duration such as "5m" or "1h"', v);
  if (!allowZero && !/[1-9]/.test(v)) throw new AlertThresholdError(field, 'a duration longer than 0', v);
  return v;
}

const FOR_KEYS = Object.keys(DEFAULT_ALERT_THRESHOLDS.for) as Array<keyof AlertThresholds['for']>;
const KEYS = Object.keys(DEFAULT_ALERT_THRESHOLDS).concat('runbookBaseUrl');

export type AlertThresholdInput = Partial<Omit<Record<keyof AlertThresholds, unknown>, 'for'>> & {
  for?: Partial<Record<string, unknown>>;
};

/** Defaults overlaid with `input`, validated; throws AlertThresholdError on the first bad field. */
export function resolveAlertThresholds(input: AlertThresholdInput = {}): AlertThresholds {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new AlertThresholdError('(root)', 'an object', input);
  for (const key of Object.keys(input)) {
    if (!KEYS.includes(key))
      throw new AlertThresholdError(
        key,
        `one of ${KEYS.join(', ')} (unknown field)`,
        (input as Record<string, unknown>)[key],
      );
  }
  const d = DEFAULT_ALERT_THRESHOLDS;
  const pick = (k: keyof AlertThresholds): unknown => (input[k] === undefined ? d[k] : input[k]);
  const forIn = input.for ?? {};
  if (typeof forIn !== 'object' || forIn === null) throw new AlertThresholdError('for', 'an object', forIn);
  for (const key of Object.keys(forIn)) {
    if (!(FOR_KEYS as string[]).includes(key))
      throw new AlertThresholdError(`for.${key}`, `one of ${FOR_KEYS.join(', ')} (unknown field)`, forIn[key]);
  }
  const forOut = {} as AlertThresholds['for'];
  for (const k of FOR_KEYS) forOut[k] = duration(forIn[k] ?? d.for[k], `for.${k}`, true);
  const out: AlertThresholds = {
    window: duration(pick('window'), 'window', false),
    inputTokensP90: positive(pick('inputTokensP90'), 'inputTokensP90'),
    utilization: ratio(pick('utilization'), 'utilization'),
    recycledRatio: ratio(pick('recycledRatio'), 'recycledRatio'),
    savingsUsdPerHour: nonNegative(pick('savingsUsdPerHour'), 'savingsUsdPerHour'),
    costSurgeFactor: toNumber(pick('costSurgeFactor')),
    costSurgeBaseline: duration(pick('costSurgeBaseline'), 'costSurgeBaseline', false),
    costSurgeMinUsdPerHour: nonNegative(pick('costSurgeMinUsdPerHour'), 'costSurgeMinUsdPerHour'),
    for: forOut,
  };
  if (!Number.isFinite(out.costSurgeFactor) || out.costSurgeFactor <= 1) {
    throw new AlertThresholdError('costSurgeFactor', 'a number greater than 1', input.costSurgeFactor);
  }
  if (input.runbookBaseUrl !== undefined) {
    if (typeof input.runbookBaseUrl !== 'string' || !/^https?:\/\/\S+$/.test(input.runbookBaseUrl)) {
      throw new AlertThresholdError('runbookBaseUrl', 'an http(s) URL', input.runbookBaseUrl);
    }
    out.runbookBaseUrl = input.runbookBaseUrl;
  }
  return out;
}

/**
 * "name=value" overrides as given on a command line ("for.savings=1h" reaches into `for`), merged
 * into one input object for resolveAlertThresholds.
 */
export function parseThresholdOverrides(pairs: readonly string[]): AlertThresholdInput {
  const out: Record<string, unknown> & { for?: Record<string, unknown> } = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new AlertThresholdError(pair, 'given as name=value', pair);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key.startsWith('for.')) (out.for ??= {})[key.slice(4)] = value;
    else out[key] = value;
  }
  return out as AlertThresholdInput;
}
