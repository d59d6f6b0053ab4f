/**
 * User configuration: the file named by code or TOKENTAX_CONFIG (JSON or YAML), environment
 * variables, and options given in code, merged and validated in one place.
 *
 * Precedence (later wins): built-in defaults < config file < environment variables < code options.
 * A bad file or field fails fast with a ConfigError naming the file, the field path and what was
 * expected, so a typo never silently turns into "no cost" at run time.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Scenario } from './contracts';
import {
  ENV_BLOAT_RECYCLED_MIN_TOKENS,
  ENV_BLOAT_RECYCLED_RATIO,
  ENV_BLOAT_TOKENS,
  ENV_BLOAT_UTILIZATION,
  ENV_CONFIG_FILE,
} from './semconv';

export interface BloatThresholds {
  /** Input tokens at or above which a request is bloated. */
  tokens: number;
  /** Context window utilisation (0..1) at or above which a request is bloated. */
  utilization: number;
  /** Recycled ratio (0..1) at or above which a request is bloated ... */
  recycledRatio: number;
  /** ... provided at least this many tokens were recycled. */
  recycledMinTokens: number;
}

export const DEFAULT_BLOAT: Readonly<BloatThresholds> = Object.freeze({
  tokens: 20_000,
  utilization: 0.8,
  recycledRatio: 0.9,
  recycledMinTokens: 4_000,
});

/** Per-image prices keyed "quality/size", "quality" or "default" (USD per image). */
export type ImagePrices = Record<string, number>;

/** A price the user adds or overrides (same units as src/pricing/data/prices.json; see src/pricing/README.md). */
export interface PriceOverride {
  provider: string;
  model: string;
  aliases?: string[];
  /** ISO date (YYYY-MM-DD) from which this price applies; absent = always. */
  effectiveFrom?: string;
  inputMtok?: number;
  cachedInputMtok?: number;
  cacheWriteMtok?: number;
  outputMtok?: number;
  perRequest?: number;
  perImage?: number | ImagePrices;
  perAudioMinute?: number;
  window?: number;
  maxInput?: number;
  tokenizer?: string;
  /** Equivalence class (frontier_chat, small_chat, reasoning, ...). */
  class?: string;
  /** Cross-provider identity, e.g. "llama-3.3-70b". */
  canonical?: string;
}

export interface EquivalenceConfig {
  /** Class -> ordered candidate canonical model ids (replaces the default list for that class). */
  classes?: Record<string, string[]>;
  /** Actual model (alias or canonical id) -> a class name or a canonical model id. */
  models?: Record<string, string>;
}

export interface TokentaxConfig {
  /** Scenarios to price: ids of the defaults (together, fireworks, openrouter, oxlo, openai) or objects. */
  scenarios?: Array<string | Scenario>;
  prices?: PriceOverride[];
  /** Flat per-request prices (USD) by provider then model id, e.g. { oxlo: { "llama-3.3-70b": 0.002 } }. */
  requestPrices?: Record<string, Record<string, number>>;
  equivalence?: EquivalenceConfig;
  bloat?: Partial<BloatThresholds>;
  /** Base URL host -> provider name, for OpenAI-compatible services not in the built-in map. */
  providerHosts?: Record<string, string>;
}

/** The merged, validated configuration every layer reads. */
export interface ResolvedConfig {
  /** The file that was read, if any. */
  file?: string;
  /** Undefined = the default scenarios from src/pricing/data/equivalence.json. */
  scenarios?: Array<string | Scenario>;
  prices: PriceOverride[];
  requestPrices: Record<string, Record<string, number>>;
  equivalence: EquivalenceConfig;
  bloat: BloatThresholds;
  providerHosts: Record<string, string>;
}

export interface LoadConfigOptions extends TokentaxConfig {
  /** Config file path; defaults to $TOKENTAX_CONFIG. */
  file?: string;
  /** Environment to read (defaults to process.env). */
  env?: Record<string, string | undefined>;
}

export class ConfigError extends Error {
  constructor(where: string, path: string, expected: string, got: unknown) {
    super(`tokentax config ${where}: ${path || '(root)'}: expected ${expected}, got ${describe(got)}`);
    this.name = 'ConfigError';
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return typeof v;
  }
}

/** Loads, merges and validates configuration. Throws ConfigError on any invalid input. */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const { file: fileOption, env = process.env, ...code } = options;
  const file = fileOption ?? (env[ENV_CONFIG_FILE] || undefined);
  const fromFile = file ? validate(readConfigFile(file), `file ${file}`) : {};
  const fromEnv = validate({ bloat: bloatFromEnv(env) }, 'environment');
  const fromCode = validate(code as Record<string, unknown>, 'options');
  const layers = [fromFile, fromEnv, fromCode];
  const resolved: ResolvedConfig = {
    prices: [],
    requestPrices: {},
    equivalence: {},
    bloat: { ...DEFAULT_BLOAT },
    providerHosts: {},
  };
  if (file) resolved.file = file;
  for (const layer of layers) {
    if (layer.scenarios) resolved.scenarios = layer.scenarios;
    if (layer.prices) resolved.prices.push(...layer.prices);
    for (const [provider, models] of Object.entries(layer.requestPrices ?? {})) {
      resolved.requestPrices[provider] = { ...resolved.requestPrices[provider], ...models };
    }
    if (layer.equivalence?.classes)
      resolved.equivalence.classes = { ...resolved.equivalence.classes, ...layer.equivalence.classes };
    if (layer.equivalence?.models)
      resolved.equivalence.models = { ...resolved.equivalence.models, ...layer.equivalence.models };
    Object.assign(resolved.bloat, layer.bloat);
    Object.assign(resolved.providerHosts, layer.providerHosts);
  }
  return resolved;
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`file ${file}`, '', 'a readable file', (err as NodeJS.ErrnoException).code ?? String(err));
  }
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    return parseYaml(text); // YAML is a superset of JSON, so any other extension parses both
  } catch (err) {
    throw new ConfigError(
      `file ${file}`,
      '',
      ext === '.json' ? 'valid JSON' : 'valid YAML or JSON',
      (err as Error).message.split('\n')[0],
    );
  }
}

function bloatFromEnv(env: Record<string, string | undefined>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const read = (name: string, key: keyof BloatThresholds): void => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ConfigError('environment', name, 'a number', raw);
    out[key] = n;
  };
  read(ENV_BLOAT_TOKENS, 'tokens');
  read(ENV_BLOAT_UTILIZATION, 'utilization');
  read(ENV_BLOAT_RECYCLED_RATIO, 'recycledRatio');
  read(ENV_BLOAT_RECYCLED_MIN_TOKENS, 'recycledMinTokens');
  return Object.keys(out).length ? out : undefined;
}

// --- validation: small explicit checks, each naming the field path ---

const TOP_LEVEL = ['scenarios', 'prices', 'requestPrices', 'equivalence', 'bloat', 'providerHosts'];
const PRICE_NUMBERS = [
  'inputMtok',
  'cachedInputMtok',
  'cacheWriteMtok',
  'outputMtok',
  'perRequest',
  'perAudioMinute',
] as const;
const PRICE_KEYS = new Set<string>([
  'provider',
  'model',
  'aliases',
  'effectiveFrom',
  'perImage',
  'window',
  'maxInput',
  'tokenizer',
  'class',
  'canonical',
  ...PRICE_NUMBERS,
]);

function validate(raw: unknown, where: string): TokentaxConfig {
  if (raw === null || raw === undefined) return {};
  const obj = record(raw, where, '');
  const out: TokentaxConfig = {};
  for (const key of Object.keys(obj)) {
    if (obj[key] === undefined) continue;
    if (!TOP_LEVEL.includes(key))
      throw new ConfigError(where, key, `one of ${TOP_LEVEL.join(', ')}`, `unknown field "${key}"`);
  }
  if (obj.scenarios !== undefined)
    out.scenarios = array(obj.scenarios, where, 'scenarios').map((s, i) => scenario(s, where, `scenarios[${i}]`));
  if (obj.prices !== undefined)
    out.prices = array(obj.prices, where, 'prices').map((p, i) => price(p, where, `prices[${i}]`));
  if (obj.requestPrices !== undefined) {
    out.requestPrices = {};
    for (const [provider, models] of Object.entries(record(obj.requestPrices, where, 'requestPrices'))) {
      const m: Record<string, number> = {};
      for (const [model, usd] of Object.entries(record(models, where, `requestPrices.${provider}`))) {
        m[model] = nonNegative(usd, where, `requestPrices.${provider}.${model}`);
      }
      out.requestPrices[provider] = m;
    }
  }
  if (obj.equivalence !== undefined) {
    const e = record(obj.equivalence, where, 'equivalence');
    out.equivalence = {};
    if (e.classes !== undefined) {
      out.equivalence.classes = {};
      for (const [cls, list] of Object.entries(record(e.classes, where, 'equivalence.classes'))) {
        out.equivalence.classes[cls] = array(list, where, `equivalence.classes.${cls}`).map((x, i) =>
          str(x, where, `equivalence.classes.${cls}[${i}]`),
        );
      }
    }
    if (e.models !== undefined) {
      out.equivalence.models = {};
      for (const [model, target] of Object.entries(record(e.models, where, 'equivalence.models'))) {
        out.equivalence.models[model] = str(target, where, `equivalence.models.${model}`);
      }
    }
  }
  if (obj.bloat !== undefined) out.bloat = bloat(obj.bloat, where);
  if (obj.providerHosts !== undefined) {
    out.providerHosts = {};
    for (const [host, provider] of Object.entries(record(obj.providerHosts, where, 'providerHosts'))) {
      out.providerHosts[host.toLowerCase()] = str(provider, where, `providerHosts.${host}`);
    }
  }
  return out;
}

function bloat(raw: unknown, where: string): Partial<BloatThresholds> {
  const b = record(raw, where, 'bloat');
  const out: Partial<BloatThresholds> = {};
  for (const key of Object.keys(b)) {
    if (!(key in DEFAULT_BLOAT))
      throw new ConfigError(
        where,
        `bloat.${key}`,
        `one of ${Object.keys(DEFAULT_BLOAT).join(', ')}`,
        `unknown field "${key}"`,
      );
  }
  if (b.tokens !== undefined) out.tokens = nonNegative(b.tokens, where, 'bloat.tokens');
  if (b.recycledMinTokens !== undefined)
    out.recycledMinTokens = nonNegative(b.recycledMinTokens, where, 'bloat.recycledMinTokens');
  for (const key of ['utilization', 'recycledRatio'] as const) {
    if (b[key] === undefined) continue;
    const n = nonNegative(b[key], where, `bloat.${key}`);
    if (n > 1) throw new ConfigError(where, `bloat.${key}`, 'a number from 0 to 1', n);
    out[key] = n;
  }
  return out;
}

function scenario(raw: unknown, where: string, path: string): string | Scenario {
  if (typeof raw === 'string' && raw !== '') return raw;
  const s = record(raw, where, path);
  const out: Scenario = { id: str(s.id, where, `${path}.id`), provider: str(s.provider, where, `${path}.provider`) };
  if (!/^[a-z0-9_-]+$/i.test(out.id))
    throw new ConfigError(where, `${path}.id`, 'letters, digits, _ or - (it becomes part of attribute names)', out.id);
  if (s.model !== undefined) out.model = str(s.model, where, `${path}.model`);
  return out;
}

function price(raw: unknown, where: string, path: string): PriceOverride {
  const p = record(raw, where, path);
  for (const key of Object.keys(p)) {
    if (!PRICE_KEYS.has(key))
      throw new ConfigError(where, `${path}.${key}`, `one of ${[...PRICE_KEYS].join(', ')}`, `unknown field "${key}"`);
  }
  const out: PriceOverride = {
    provider: str(p.provider, where, `${path}.provider`),
    model: str(p.model, where, `${path}.model`),
  };
  if (p.aliases !== undefined)
    out.aliases = array(p.aliases, where, `${path}.aliases`).map((a, i) => str(a, where, `${path}.aliases[${i}]`));
  if (p.effectiveFrom !== undefined) {
    const d = p.effectiveFrom instanceof Date ? p.effectiveFrom.toISOString().slice(0, 10) : p.effectiveFrom; // YAML parses bare dates
    if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d))) {
      throw new ConfigError(where, `${path}.effectiveFrom`, 'a date YYYY-MM-DD', p.effectiveFrom);
    }
    out.effectiveFrom = d;
  }
  for (const key of PRICE_NUMBERS) if (p[key] !== undefined) out[key] = nonNegative(p[key], where, `${path}.${key}`);
  if (p.perImage !== undefined) {
    if (typeof p.perImage === 'number') out.perImage = nonNegative(p.perImage, where, `${path}.perImage`);
    else {
      const img: ImagePrices = {};
      for (const [k, v] of Object.entries(record(p.perImage, where, `${path}.perImage`)))
        img[k] = nonNegative(v, where, `${path}.perImage.${k}`);
      out.perImage = img;
    }
  }
  if (p.window !== undefined) out.window = positiveInt(p.window, where, `${path}.window`);
  if (p.maxInput !== undefined) out.maxInput = positiveInt(p.maxInput, where, `${path}.maxInput`);
  for (const key of ['tokenizer', 'class', 'canonical'] as const)
    if (p[key] !== undefined) out[key] = str(p[key], where, `${path}.${key}`);
  const priced = PRICE_NUMBERS.some((k) => out[k] !== undefined) || out.perImage !== undefined;
  if (
    !priced &&
    out.window === undefined &&
    out.maxInput === undefined &&
    out.tokenizer === undefined &&
    out.class === undefined &&
    out.canonical === undefined
  ) {
    throw new ConfigError(where, path, 'at least one price (inputMtok, outputMtok, perRequest, ...) or model fact', p);
  }
  return out;
}

function record(v: unknown, where: string, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(where, path, 'an object', v);
  return v as Record<string, unknown>;
}

function array(v: unknown, where: string, path: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(where, path, 'a list', v);
  return v;
}

function str(v: unknown, where: string, path: string): string {
  if (typeof v !== 'string' || v === '') throw new ConfigError(where, path, 'a non-empty string', v);
  return v;
}

function nonNegative(v: unknown, where: string, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ConfigError(where, path, 'a finite number >= 0', v);
  return v;
}

function positiveInt(v: unknown, where: string, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new ConfigError(where, path, 'a whole number > 0', v);
  return v;
}

/** The YAML parser loads only when a YAML file is read: it costs more at import than all of tokentax. */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as typeof import('yaml')).parse(text);
}
