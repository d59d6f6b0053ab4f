/**
 * The price arithmetic, kept apart from matching and attribute reading so it can be read against
 * src/pricing/README.md line by line (the generated collector config must reproduce it exactly).
 *
 *   period   = the model's last price period with effective_from <= span time
 *   tier     = the period's last tier with min_input_tokens <= input (whole request; else base)
 *   uncached = input - cache_read - cache_write
 *   usd = ( uncached    * input_mtok
 *         + cache_read  * (cached_input_mtok ?? input_mtok)     // cache price only where offered
 *         + cache_write * (cache_write_mtok  ?? input_mtok)
 *         + output      * output_mtok ) / 1e6                   // output includes reasoning
 *       + per_request + per_image * images + per_audio_minute * max(minutes, min_audio_seconds / 60)
 *   usd = max(usd, min_usd)                                     // minimums, when the data has them
 *
 * Counts may be scaled by a tokenizer factor first (scenarios); nothing is rounded.
 */
import type { ModelEntry, PricePeriod, Tier } from './types';
import { MISSING, readExtras } from './usage';
import type { SpanUsage } from './usage';

/** Why a price could not be computed (mapped to UNPRICED / INFEASIBLE by the engine). */
export const PriceFailure = {
  /** Flat per-request model without a configured price, or no listed price for this image. */
  NoPrice: 1,
  /** Tokens present but the period has no price for them (e.g. output on an input-only model). */
  UnsupportedUnit: 2,
  /** The period needs a quantity the span does not carry (tokens, images, audio seconds). */
  MissingUsage: 3,
  /** That quantity is present but unusable. */
  InvalidUsage: 4,
} as const;
export type PriceFailure = (typeof PriceFailure)[keyof typeof PriceFailure];

/** USD, or why there is none. */
export type PriceResult =
  { readonly ok: true; readonly usd: number } | { readonly ok: false; readonly failure: PriceFailure };

const FAILED: Readonly<Record<PriceFailure, PriceResult>> = {
  [PriceFailure.NoPrice]: { ok: false, failure: PriceFailure.NoPrice },
  [PriceFailure.UnsupportedUnit]: { ok: false, failure: PriceFailure.UnsupportedUnit },
  [PriceFailure.MissingUsage]: { ok: false, failure: PriceFailure.MissingUsage },
  [PriceFailure.InvalidUsage]: { ok: false, failure: PriceFailure.InvalidUsage },
};

/** The failed result for `failure`. */
export function priceFailed(failure: PriceFailure): PriceResult {
  return FAILED[failure];
}

export function periodAt(entry: ModelEntry, timeMs: number): PricePeriod | undefined {
  const periods = entry.periods;
  for (let i = periods.length - 1; i >= 0; i--) if (periods[i].fromMs <= timeMs) return periods[i];
  return undefined;
}

function tierFor(period: PricePeriod, input: number): Tier | undefined {
  const tiers = period.tiers;
  if (!tiers) return undefined;
  let found: Tier | undefined;
  for (let i = 0; i < tiers.length; i++) if (input >= tiers[i].min_input_tokens) found = tiers[i];
  return found;
}

function imagePrice(perImage: number | Record<string, number>, u: SpanUsage): number | undefined {
  if (typeof perImage === 'number') return perImage;
  if (u.imageQuality !== undefined) {
    if (u.imageSize !== undefined) {
      const exact = perImage[`${u.imageQuality}/${u.imageSize}`];
      if (exact !== undefined) return exact;
    }
    const byQuality = perImage[u.imageQuality];
    if (byQuality !== undefined) return byQuality;
  }
  return perImage.default;
}

/**
 * USD for the usage `u` on `period`, token counts multiplied by `factor` (1 for the actual call;
 * ratio(scenario tokenizer) / ratio(actual tokenizer) for a scenario), or the failure.
 */
export function priceUsage(period: PricePeriod, u: SpanUsage, factor: number, tokensOk: boolean): PriceResult {
  let usd = 0;
  if (period.tokenMetered) {
    if (!tokensOk) return FAILED[PriceFailure.MissingUsage];
    const input = u.input * factor;
    const read = (u.cacheRead > 0 ? u.cacheRead : 0) * factor;
    const write = (u.cacheWrite > 0 ? u.cacheWrite : 0) * factor;
    const output = u.output * factor;
    const tier = tierFor(period, input);
    const pIn = tier?.input_mtok ?? period.inputMtok;
    const pRead = tier?.cached_input_mtok ?? period.cachedInputMtok ?? pIn;
    const pWrite = tier?.cache_write_mtok ?? period.cacheWriteMtok ?? pIn;
    const pOut = tier?.output_mtok ?? period.outputMtok;
    const uncached = input - read - write;
    if (
      (uncached > 0 && pIn === undefined) ||
      (read > 0 && pRead === undefined) ||
      (write > 0 && pWrite === undefined) ||
      (output > 0 && pOut === undefined)
    ) {
      return FAILED[PriceFailure.UnsupportedUnit];
    }
    usd +=
      ((uncached > 0 ? uncached * pIn! : 0) +
        (read > 0 ? read * pRead! : 0) +
        (write > 0 ? write * pWrite! : 0) +
        (output > 0 ? output * pOut! : 0)) /
      1e6;
  }
  if (period.perRequest === null) return FAILED[PriceFailure.NoPrice];
  if (period.perRequest !== undefined) usd += period.perRequest;
  if (period.perImage !== undefined || period.perAudioMinute !== undefined) readExtras(u);
  if (period.perImage !== undefined) {
    if (u.images < 0) return FAILED[u.images === MISSING ? PriceFailure.MissingUsage : PriceFailure.InvalidUsage];
    const each = imagePrice(period.perImage, u);
    if (each === undefined) return FAILED[PriceFailure.NoPrice];
    usd += each * u.images;
  }
  if (period.perAudioMinute !== undefined) {
    if (u.audioMinutes < 0)
      return FAILED[u.audioMinutes === MISSING ? PriceFailure.MissingUsage : PriceFailure.InvalidUsage];
    const minutes =
      u.audioMinutes > 0 && u.audioMinutes < period.minAudioMinutes ? period.minAudioMinutes : u.audioMinutes;
    usd += period.perAudioMinute * minutes;
  }
  return { ok: true, usd: usd < period.minUsd ? period.minUsd : usd };
}

/** Window check for a scenario, on translated counts. */
export function fitsWindow(entry: ModelEntry, u: SpanUsage, factor: number): boolean {
  const input = u.input * factor;
  if (entry.maxInput !== undefined && input > entry.maxInput) return false;
  if (entry.window !== undefined && input + (u.output > 0 ? u.output : 0) * factor > entry.window) return false;
  return true;
}
