/**
 * The price arithmetic, kept apart from matching and attribute reading so it can be read against
 * src/pricing/README.md line by line (the generated collector config must reproduce it exactly).
 *
 *   period   = the model's last price period with effective_from <= span time
 *   tier     = the period's last tier with min_input_tokens <= input (whole request; else base)
 *   text_in  = max(0, input - cache_read - cache_write - audio_in - image_in)
 *   text_out = output - audio_out - image_out
 *   usd = ( text_in     * input_mtok
 *         + cache_read  * (cached_input_mtok ?? input_mtok)     // cache price only where offered
 *         + cache_write * (cache_write_mtok  ?? input_mtok)
 *         + text_out    * output_mtok                           // output includes reasoning
 *         + audio_in * input_audio_mtok + image_in * (input_image_mtok ?? input_mtok)
 *         + audio_out * output_audio_mtok + image_out * (output_image_mtok ?? output_mtok) ) / 1e6
 *       + per_request + per_image * images + per_audio_minute * max(minutes, min_audio_seconds / 60)
 *   usd = max(usd, min_usd)                                     // minimums, when the data has them
 *
 * Prices by time of day: the period's window holding the call's UTC start minute replaces its base
 * prices (tiers still apply over it). Audio tokens without an audio price are never priced as text
 * (unsupported unit). A period with
 * token prices and per-image prices prices by tokens when the span has them, else per image.
 *
 * Counts may be scaled by a tokenizer factor first (scenarios); nothing is rounded.
 */
import type { ModelEntry, PricePeriod, Tier, TimeWindow } from './types';
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
  /** Per-image prices, but none for the requested quality/size. */
  ImageSizeUnpriced: 5,
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
  [PriceFailure.ImageSizeUnpriced]: { ok: false, failure: PriceFailure.ImageSizeUnpriced },
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

/** Minute of the UTC day of a time (ms), or -1 when the time is unknown. */
export function minuteOfDay(timeMs: number): number {
  if (!(timeMs > -Infinity && timeMs < Infinity)) return -1;
  const m = Math.floor(timeMs / 60_000) % 1440;
  return m < 0 ? m + 1440 : m;
}

function windowAt(period: PricePeriod, minute: number): TimeWindow | undefined {
  const windows = period.windows;
  if (!windows || minute < 0) return undefined;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i];
    const inside =
      w.fromMin <= w.toMin ? minute >= w.fromMin && minute < w.toMin : minute >= w.fromMin || minute < w.toMin;
    if (inside) return w.prices;
  }
  return undefined;
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
  return perImage.default; // only a user's configuration sets one: the shipped tables name every row
}

const pos = (n: number): number => (n > 0 ? n : 0);

/** The token part of the price (USD), or -1 when a count has no price (unsupported unit). Counts are
 *  multiplied by `factor`. A number, not a PriceResult: this runs once per scenario of every span. */
function priceTokens(period: PricePeriod, u: SpanUsage, factor: number, minute: number): number {
  const input = u.input * factor;
  const read = pos(u.cacheRead) * factor;
  const write = pos(u.cacheWrite) * factor;
  const output = u.output * factor;
  const audioIn = pos(u.inputAudio) * factor;
  const imageIn = pos(u.inputImage) * factor;
  const audioOut = pos(u.outputAudio) * factor;
  const imageOut = pos(u.outputImage) * factor;
  // Base prices, overridden by the time-of-day window's, then by the tier's (tiers apply over both).
  const w = windowAt(period, minute);
  const t = tierFor(period, input);
  const pIn = t?.input_mtok ?? w?.input_mtok ?? period.inputMtok;
  const pOut = t?.output_mtok ?? w?.output_mtok ?? period.outputMtok;
  const pRead = t?.cached_input_mtok ?? w?.cached_input_mtok ?? period.cachedInputMtok ?? pIn; // cache price only where offered
  const pWrite = t?.cache_write_mtok ?? w?.cache_write_mtok ?? period.cacheWriteMtok ?? pIn;
  const pAudioIn = t?.input_audio_mtok ?? w?.input_audio_mtok ?? period.inputAudioMtok; // audio: never as text
  const pAudioOut = t?.output_audio_mtok ?? w?.output_audio_mtok ?? period.outputAudioMtok;
  const pImageIn = t?.input_image_mtok ?? w?.input_image_mtok ?? period.inputImageMtok ?? pIn; // images: as text
  const pImageOut = t?.output_image_mtok ?? w?.output_image_mtok ?? period.outputImageMtok ?? pOut;
  let textIn = input - read - write - audioIn - imageIn;
  if (textIn < 0) textIn = 0; // cached parts may include audio/image tokens
  const textOut = output - audioOut - imageOut;
  if (
    (textIn > 0 && pIn === undefined) ||
    (read > 0 && pRead === undefined) ||
    (write > 0 && pWrite === undefined) ||
    (textOut > 0 && pOut === undefined) ||
    (audioIn > 0 && pAudioIn === undefined) ||
    (imageIn > 0 && pImageIn === undefined) ||
    (audioOut > 0 && pAudioOut === undefined) ||
    (imageOut > 0 && pImageOut === undefined)
  ) {
    return -1;
  }
  // One term at a time in this order: the Go processor sums the same way (bit-identical results).
  let sum = 0;
  if (textIn > 0) sum = textIn * pIn!;
  if (read > 0) sum = sum + read * pRead!;
  if (write > 0) sum = sum + write * pWrite!;
  if (textOut > 0) sum = sum + textOut * pOut!;
  if (audioIn > 0) sum = sum + audioIn * pAudioIn!;
  if (imageIn > 0) sum = sum + imageIn * pImageIn!;
  if (audioOut > 0) sum = sum + audioOut * pAudioOut!;
  if (imageOut > 0) sum = sum + imageOut * pImageOut!;
  return sum / 1e6;
}

/**
 * USD for the usage `u` on `period`, token counts multiplied by `factor` (1 for the actual call;
 * ratio(scenario tokenizer) / ratio(actual tokenizer) for a scenario), or the failure.
 */
export function priceUsage(
  period: PricePeriod,
  u: SpanUsage,
  factor: number,
  tokensOk: boolean,
  minute: number = -1,
): PriceResult {
  let usd = 0;
  // Image models with token prices and a per-image table: tokens when the span has them.
  let perImage = period.perImage;
  if (period.tokenMetered) {
    if (tokensOk) {
      const tokens = priceTokens(period, u, factor, minute);
      if (tokens < 0) return FAILED[PriceFailure.UnsupportedUnit];
      usd += tokens;
      perImage = undefined;
    } else if (perImage === undefined) {
      return FAILED[PriceFailure.MissingUsage];
    }
  }
  if (period.perRequest === null) return FAILED[PriceFailure.NoPrice];
  if (period.perRequest !== undefined) usd += period.perRequest;
  if (perImage !== undefined || period.perAudioMinute !== undefined) readExtras(u);
  if (perImage !== undefined) {
    if (u.images < 0) return FAILED[u.images === MISSING ? PriceFailure.MissingUsage : PriceFailure.InvalidUsage];
    const each = imagePrice(perImage, u);
    if (each === undefined) return FAILED[PriceFailure.ImageSizeUnpriced];
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
export function fitsWindow(entry: ModelEntry, input: number, output: number, factor: number): boolean {
  const scaled = input * factor;
  if (entry.maxInput !== undefined && scaled > entry.maxInput) return false;
  if (entry.window !== undefined && scaled + (output > 0 ? output : 0) * factor > entry.window) return false;
  return true;
}
