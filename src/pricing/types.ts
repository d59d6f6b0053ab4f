/**
 * The pricing data model: the JSON files in data/ (as written by src/pricing/scripts/import-prices.mjs) and the
 * indexed form the engine uses. src/pricing/README.md describes every field and formula.
 */

/** Long-context tier: when input_tokens >= minInputTokens, these prices replace the base prices
 *  for the WHOLE request (fields left out keep the base price). */
export interface Tier {
  min_input_tokens: number;
  input_mtok?: number;
  cached_input_mtok?: number;
  cache_write_mtok?: number;
  output_mtok?: number;
  input_audio_mtok?: number;
  output_audio_mtok?: number;
  input_image_mtok?: number;
  output_image_mtok?: number;
}

/** Token prices within a daily UTC window ("HH:MM"; from inclusive, to exclusive, wrapping past
 *  midnight when to < from): they replace the period's base prices for calls started in it. */
export interface TimeWindow extends Omit<Tier, 'min_input_tokens'> {
  from: string;
  to: string;
}

/** One dated price of one model. Token prices are USD per 1M tokens. */
export interface PricePeriodData {
  /** YYYY-MM-DD (UTC midnight); absent = since forever. */
  effective_from?: string;
  input_mtok?: number;
  cached_input_mtok?: number;
  cache_write_mtok?: number;
  output_mtok?: number;
  /** USD per 1M audio / image tokens (parts of input or output). Audio without its price is not priced;
   *  image tokens without one are priced as text (what OpenAI bills for vision input). */
  input_audio_mtok?: number;
  output_audio_mtok?: number;
  input_image_mtok?: number;
  output_image_mtok?: number;
  /** USD per request; null = flat per-request model whose price is not published (user config). */
  per_request?: number | null;
  /** USD per image, or per "quality/size" | "quality" key. With token prices too, used only for spans
   *  without token counts; a quality/size with no row -> unpriced image_size_unpriced. */
  per_image?: number | Record<string, number>;
  per_audio_minute?: number;
  /** Audio shorter than this is billed as this long (e.g. Groq: 10 s). */
  min_audio_seconds?: number;
  /** Minimum charge per request, USD: the request costs max(computed, min_usd). */
  min_usd?: number;
  tiers?: Tier[];
  /** Prices by time of day (DeepSeek's peak / off-peak hours). */
  utc_windows?: TimeWindow[];
  source: string;
  /** When the price was read at its source (YYYY-MM-DD). */
  retrieved: string;
  /** For imported prices, what that date is: genai-prices' prices_checked, the last edit of its entry
   *  (source_edit), or the release date of the genai-prices version (release). Absent: read by hand. */
  retrieved_basis?: 'prices_checked' | 'source_edit' | 'release';
  via?: string;
  note?: string;
}

export interface ModelData {
  id: string;
  /** Lower-case names seen on spans (the id, dated snapshots, short forms). */
  aliases: string[];
  /** Lower-case prefixes: a name starting with one of them is this model (longest prefix wins). */
  prefixes?: string[];
  /** Cross-provider identity (e.g. llama-3.3-70b) used by the equivalence rules. */
  canonical?: string;
  class?: string;
  tokenizer: string;
  open_weight?: boolean;
  window?: number;
  max_input?: number;
  prices: PricePeriodData[];
}

export interface ProviderData {
  name?: string;
  pricing_url?: string;
  /** Providers whose models this one also serves at their prices (Azure -> OpenAI). */
  fallback?: string[];
  models: ModelData[];
}

export interface PricesFile {
  version: string;
  provider_aliases?: Record<string, string>;
  providers: Record<string, ProviderData>;
}

export interface TokenizerRatiosFile {
  version: string;
  reference: string;
  families: Record<string, number>;
}

export interface EquivalenceFile {
  version: string;
  classes: Record<string, string[]>;
  operation_classes: Record<string, string>;
  models: Record<string, string>;
  scenarios: Array<{ id: string; provider: string; model?: string }>;
}

// --- indexed, engine-ready form (numbers resolved, dates as epoch ms) ---

export interface PricePeriod {
  fromMs: number;
  inputMtok: number | undefined;
  cachedInputMtok: number | undefined;
  cacheWriteMtok: number | undefined;
  outputMtok: number | undefined;
  inputAudioMtok: number | undefined;
  outputAudioMtok: number | undefined;
  inputImageMtok: number | undefined;
  outputImageMtok: number | undefined;
  /** undefined = no per-request part; null = flat but unpriced. */
  perRequest: number | null | undefined;
  perImage: number | Record<string, number> | undefined;
  perAudioMinute: number | undefined;
  minAudioMinutes: number;
  minUsd: number;
  tiers: Tier[] | undefined;
  /** Time-of-day prices, window bounds as minutes of the UTC day. */
  windows: Array<{ fromMin: number; toMin: number; prices: TimeWindow }> | undefined;
  /** Has any per-1M-token price. */
  tokenMetered: boolean;
}

export interface ModelEntry {
  provider: string;
  id: string;
  canonical: string | undefined;
  class: string | undefined;
  /** Open-weight model (may map to itself on other providers); absent = false. */
  openWeight?: boolean;
  tokenizer: string;
  /** Tokens relative to o200k for the same text (from tokenizer-ratios.json; 1 when unknown). */
  tokenRatio: number;
  window: number | undefined;
  maxInput: number | undefined;
  /** Sorted by fromMs ascending. */
  periods: PricePeriod[];
}
