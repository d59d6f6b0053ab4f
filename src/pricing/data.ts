/**
 * Loads the pricing data files (src/pricing/data/prices.json, src/pricing/data/tokenizer-ratios.json, src/pricing/data/equivalence.json),
 * applies the user's configuration (extra prices, flat request prices, equivalence overrides) and
 * builds the lookup index once. Nothing is read at import time: callers load when first needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { diag } from '@opentelemetry/api';
import { join } from 'node:path';
import type { ResolvedConfig, PriceOverride } from '../config';
import type { Scenario } from '../contracts';
import { buildIndex, type ModelIndex } from './match';
import { createHostMap, readHostsFile, type HostMap, type HostsFile } from './hosts';
import { PricingDataError, validatePricingSources } from './validate-data';
import type { EquivalenceFile, ModelData, PricePeriodData, PricesFile, TokenizerRatiosFile } from './types';

/** Everything the engine needs, already indexed. */
export interface Pricing {
  /** Pricing data version (date) written to tokentax.pricing.version. */
  version: string;
  index: ModelIndex;
  classes: Record<string, string[]>;
  operationClasses: Record<string, string>;
  /** User/default model -> class name or canonical model id. */
  modelEquivalence: Record<string, string>;
  scenarios: Scenario[];
  /** Host -> provider: the user's providerHosts over the shipped providers.json. */
  hosts: HostMap;
}

export interface PricingSources {
  prices: PricesFile;
  ratios: TokenizerRatiosFile;
  equivalence: EquivalenceFile;
  /** providers.json; default: the shipped one. */
  hosts?: HostsFile;
}

/** The data files live in src/pricing/data, reached the same way from src/pricing and dist/pricing. */
export const DATA_DIR = join(__dirname, '..', '..', 'src', 'pricing', 'data');

export function readPricingSources(dataDir: string = DATA_DIR): PricingSources {
  const files = {
    prices: join(dataDir, 'prices.json'),
    ratios: join(dataDir, 'tokenizer-ratios.json'),
    equivalence: join(dataDir, 'equivalence.json'),
  };
  const read = <T>(file: string): T => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new PricingDataError(file, '', 'a readable file', (err as NodeJS.ErrnoException).code ?? String(err));
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new PricingDataError(file, '', 'valid JSON', (err as Error).message);
    }
  };
  const sources: PricingSources = {
    prices: read(files.prices),
    ratios: read(files.ratios),
    equivalence: read(files.equivalence),
  };
  if (existsSync(join(dataDir, 'providers.json'))) sources.hosts = readHostsFile(dataDir);
  // A corrupt file fails here naming the file and field, never later as a TypeError or a NaN cost.
  validatePricingSources(sources, files);
  return sources;
}

export interface LoadPricingOptions {
  config?: Partial<ResolvedConfig>;
  /** Use these data instead of the shipped files (tests use their own pricing file). */
  sources?: PricingSources;
  dataDir?: string;
}

/** Reads the data (or takes `sources`), merges the user's configuration and indexes it. */
export function loadPricing(options: LoadPricingOptions = {}): Pricing {
  const sources = options.sources ?? readPricingSources(options.dataDir);
  const config = options.config ?? {};
  const prices = mergeUserPrices(sources.prices, config);
  const index = buildIndex(prices, sources.ratios.families);
  const eq = sources.equivalence;
  const classes = { ...eq.classes, ...config.equivalence?.classes };
  const modelEquivalence: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...eq.models, ...config.equivalence?.models }))
    modelEquivalence[k.toLowerCase()] = v.toLowerCase();
  const scenarios = resolveScenarios(config.scenarios, eq.scenarios);
  for (const s of scenarios) {
    // Not fatal (the data may simply lack the provider), but a typo would silently give no_model.
    if (!index.providers().includes(s.provider))
      diag.warn(
        `tokentax: scenario "${s.id}" names provider "${s.provider}", which the pricing data does not know; it will be infeasible (no_model)`,
      );
  }
  return {
    version: prices.version,
    index,
    classes,
    operationClasses: eq.operation_classes,
    modelEquivalence,
    scenarios,
    hosts: createHostMap(sources.hosts ?? readHostsFile(DATA_DIR), config.providerHosts),
  };
}

/** The price data with the user's prices and flat request prices merged in (rows marked "user config").
 *  Never mutates `shipped`: the same sources may be loaded with different configs. */
export function mergeUserPrices(
  shipped: PricesFile,
  config: Pick<Partial<ResolvedConfig>, 'prices' | 'requestPrices' | 'file'>,
): PricesFile {
  const prices: PricesFile = JSON.parse(JSON.stringify(shipped)) as PricesFile;
  const today = new Date().toISOString().slice(0, 10);
  for (const o of config.prices ?? []) applyPriceOverride(prices, o, config.file, today);
  for (const [provider, models] of Object.entries(config.requestPrices ?? {})) {
    for (const [model, usd] of Object.entries(models))
      applyRequestPrice(prices, provider, model, usd, config.file, today);
  }
  return prices;
}

function resolveScenarios(wanted: ResolvedConfig['scenarios'], defaults: Scenario[]): Scenario[] {
  if (!wanted) return defaults.map((s) => ({ ...s }));
  return wanted.map((s) => {
    if (typeof s !== 'string') return { ...s };
    // A bare id names a default scenario, or a provider (scenario id = provider name).
    return { ...(defaults.find((d) => d.id === s) ?? { id: s, provider: s }) };
  });
}

function findModel(prices: PricesFile, provider: string, model: string): ModelData | undefined {
  const lower = model.toLowerCase();
  return prices.providers[provider]?.models.find((m) => m.id.toLowerCase() === lower || m.aliases.includes(lower));
}

function ensureProvider(prices: PricesFile, provider: string): void {
  if (!prices.providers[provider]) prices.providers[provider] = { models: [] };
}

function applyPriceOverride(prices: PricesFile, o: PriceOverride, file: string | undefined, today: string): void {
  ensureProvider(prices, o.provider);
  let m = findModel(prices, o.provider, o.model);
  if (!m) {
    m = { id: o.model, aliases: [o.model.toLowerCase()], tokenizer: 'o200k', prices: [] };
    prices.providers[o.provider].models.push(m);
  }
  for (const a of o.aliases ?? []) if (!m.aliases.includes(a.toLowerCase())) m.aliases.push(a.toLowerCase());
  if (o.window !== undefined) m.window = o.window;
  if (o.maxInput !== undefined) m.max_input = o.maxInput;
  if (o.tokenizer !== undefined) m.tokenizer = o.tokenizer;
  if (o.class !== undefined) m.class = o.class;
  if (o.canonical !== undefined) m.canonical = o.canonical;
  const period: PricePeriodData = { source: file ? `user config ${file}` : 'user config', retrieved: today };
  if (o.inputMtok !== undefined) period.input_mtok = o.inputMtok;
  if (o.cachedInputMtok !== undefined) period.cached_input_mtok = o.cachedInputMtok;
  if (o.cacheWriteMtok !== undefined) period.cache_write_mtok = o.cacheWriteMtok;
  if (o.outputMtok !== undefined) period.output_mtok = o.outputMtok;
  if (o.perRequest !== undefined) period.per_request = o.perRequest;
  if (o.perImage !== undefined) period.per_image = o.perImage;
  if (o.perAudioMinute !== undefined) period.per_audio_minute = o.perAudioMinute;
  const priced = Object.keys(period).length > 2;
  if (!priced) return; // only model facts were overridden
  if (o.effectiveFrom) {
    // A dated user price adds a period (replacing one with the same start date).
    m.prices = m.prices.filter((p) => p.effective_from !== o.effectiveFrom);
    m.prices.push({ ...period, effective_from: o.effectiveFrom });
  } else {
    m.prices = [period]; // an undated user price replaces the shipped history
  }
}

function applyRequestPrice(
  prices: PricesFile,
  provider: string,
  model: string,
  usd: number,
  file: string | undefined,
  today: string,
): void {
  ensureProvider(prices, provider);
  const m = findModel(prices, provider, model);
  const period: PricePeriodData = {
    per_request: usd,
    source: file ? `user config ${file}` : 'user config',
    retrieved: today,
  };
  if (!m) {
    prices.providers[provider].models.push({
      id: model,
      aliases: [model.toLowerCase()],
      tokenizer: 'o200k',
      prices: [period],
    });
    return;
  }
  m.prices = [period];
}
