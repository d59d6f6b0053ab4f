/**
 * Validation of a configuration object from a file or from code: small explicit checks, each naming
 * the field path, so a typo never silently turns into "no cost" at run time.
 */
import type { Scenario } from '../contracts';
import {
  DEFAULT_BLOAT,
  type BloatThresholds,
  type ImagePrices,
  type PriceOverride,
  type TokentaxConfig,
} from './options';

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

// --- validation: small explicit checks, each naming the field path ---

const BOOLEANS = [
  'captureMessageContent',
  'includeStreamUsage',
  'measureContext',
  'legacyAttributes',
  'cost',
  'disabled',
] as const;
const TOP_LEVEL = [
  'scenarios',
  'prices',
  'requestPrices',
  'equivalence',
  'bloat',
  'providerHosts',
  'spansFile',
  'shutdownTimeoutMs',
  ...BOOLEANS,
];
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

/** Throws ConfigError naming `where`, the field path and what was expected. */
export function validate(raw: unknown, where: string): TokentaxConfig {
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
  for (const key of BOOLEANS) {
    if (obj[key] === undefined) continue;
    if (typeof obj[key] !== 'boolean') throw new ConfigError(where, key, 'true or false', obj[key]);
    out[key] = obj[key];
  }
  if (obj.spansFile !== undefined) out.spansFile = str(obj.spansFile, where, 'spansFile');
  if (obj.shutdownTimeoutMs !== undefined)
    out.shutdownTimeoutMs = positiveInt(obj.shutdownTimeoutMs, where, 'shutdownTimeoutMs');
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
