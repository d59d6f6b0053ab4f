/**
 * Model matching: the name seen on a span (any case, dated snapshot, provider-prefixed id, short
 * form) -> one ModelEntry. The index is built once; lookups are memoised per (provider, name) so the
 * per-span path is two Map lookups with no string building.
 *
 * Rules, in order (src/pricing/README.md "Matching"):
 *  1. exact alias (lower-cased) within the provider;
 *  2. the longest matching prefix within the provider;
 *  3. the same two after removing a trailing -YYYY-MM-DD / -YYYYMMDD date;
 *  4. the provider's fallback providers (Azure -> OpenAI), same rules;
 *  without a provider on the span: the same rules over all providers, in data order (OpenAI first).
 */
import type { ModelData, ModelEntry, PricePeriod, PricePeriodData, PricesFile } from './types';

interface ProviderIndex {
  exact: Map<string, ModelEntry>;
  /** Longest first. */
  prefixes: Array<[string, ModelEntry]>;
  canonical: Map<string, ModelEntry>;
  fallback: string[];
}

export interface ModelIndex {
  /** Known provider id for a name seen on a span (aliases such as together_ai resolved), or undefined. */
  provider(name: string): string | undefined;
  /** The model a span names, for a known provider id (or any provider when undefined). */
  lookup(provider: string | undefined, model: string): ModelEntry | undefined;
  /** The model of `provider` whose canonical id (or alias) is `canonical`. */
  byCanonical(provider: string, canonical: string): ModelEntry | undefined;
  providers(): string[];
  /** Every model entry (tests, catalog listing). */
  entries(): ModelEntry[];
  /** Providers with a model whose id or alias is exactly `model` (after the date rule), less those
   *  that resell another one of them (fallback: Azure -> OpenAI): the candidates of provider inference. */
  providersWithModel(model: string): readonly string[];
}

const MEMO_LIMIT = 10_000; // model names are few; a bound keeps hostile cardinality from growing memory
/** A dated snapshot's suffix ("-2024-08-06", "-20240806"); the Go processor applies the same rule. */
const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

export function buildIndex(prices: PricesFile, families: Record<string, number>): ModelIndex {
  const byProvider = new Map<string, ProviderIndex>();
  const all: ModelEntry[] = [];
  for (const [providerId, p] of Object.entries(prices.providers)) {
    const idx: ProviderIndex = { exact: new Map(), prefixes: [], canonical: new Map(), fallback: p.fallback ?? [] };
    for (const m of p.models) {
      const entry = toEntry(providerId, m, families);
      all.push(entry);
      idx.exact.set(m.id.toLowerCase(), entry);
      for (const a of m.aliases) if (!idx.exact.has(a)) idx.exact.set(a, entry);
      for (const pre of m.prefixes ?? []) idx.prefixes.push([pre, entry]);
      if (entry.canonical) {
        // Several models of one provider can share a canonical id (variants); the shortest id wins.
        const prev = idx.canonical.get(entry.canonical);
        if (!prev || entry.id.length < prev.id.length || (entry.id.length === prev.id.length && entry.id < prev.id)) {
          idx.canonical.set(entry.canonical, entry);
        }
      }
    }
    idx.prefixes.sort((a, b) => b[0].length - a[0].length);
    byProvider.set(providerId, idx);
  }
  const providerAliases = new Map<string, string>();
  for (const id of byProvider.keys()) providerAliases.set(id, id);
  for (const [alias, id] of Object.entries(prices.provider_aliases ?? {}))
    if (byProvider.has(id)) providerAliases.set(alias.toLowerCase(), id);

  const providerMemo = new Map<string, string | null>();
  const memo = new Map<string, Map<string, ModelEntry | null>>();
  const ANY = '\u0000any';

  function findIn(idx: ProviderIndex, lower: string): ModelEntry | undefined {
    const hit = idx.exact.get(lower);
    if (hit) return hit;
    for (const [pre, entry] of idx.prefixes) if (lower.startsWith(pre)) return entry;
    return undefined;
  }

  function findWithFallback(providerId: string, lower: string, seen: Set<string>): ModelEntry | undefined {
    const idx = byProvider.get(providerId);
    if (!idx || seen.has(providerId)) return undefined;
    seen.add(providerId);
    const found = findIn(idx, lower);
    if (found) return found;
    for (const f of idx.fallback) {
      const viaFallback = findWithFallback(f, lower, seen);
      if (viaFallback) return viaFallback;
    }
    return undefined;
  }

  function resolve(provider: string | undefined, model: string): ModelEntry | undefined {
    const lower = model.trim().toLowerCase();
    const candidates = DATE_SUFFIX.test(lower) ? [lower, lower.replace(DATE_SUFFIX, '')] : [lower];
    for (const name of candidates) {
      if (provider !== undefined) {
        const found = findWithFallback(provider, name, new Set());
        if (found) return found;
      } else {
        for (const idx of byProvider.values()) {
          const found = findIn(idx, name);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  const fallsBackTo = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (seen.has(from)) return false;
    seen.add(from);
    return (byProvider.get(from)?.fallback ?? []).some((f) => f === to || fallsBackTo(f, to, seen));
  };
  function providersWithModel(model: string): readonly string[] {
    const lower = model.trim().toLowerCase();
    const candidates = DATE_SUFFIX.test(lower) ? [lower, lower.replace(DATE_SUFFIX, '')] : [lower];
    for (const name of candidates) {
      const hits: string[] = [];
      for (const [id, idx] of byProvider) if (idx.exact.has(name)) hits.push(id);
      if (hits.length) return hits.filter((q) => !hits.some((p) => p !== q && fallsBackTo(q, p)));
    }
    return [];
  }

  return {
    providersWithModel,
    provider(name: string): string | undefined {
      let hit = providerMemo.get(name);
      if (hit === undefined) {
        hit = providerAliases.get(name.trim().toLowerCase()) ?? null;
        if (providerMemo.size >= MEMO_LIMIT) providerMemo.clear();
        providerMemo.set(name, hit);
      }
      return hit ?? undefined;
    },
    lookup(provider: string | undefined, model: string): ModelEntry | undefined {
      const key = provider ?? ANY;
      let perProvider = memo.get(key);
      if (!perProvider) {
        perProvider = new Map();
        memo.set(key, perProvider);
      }
      let hit = perProvider.get(model);
      if (hit === undefined) {
        hit = resolve(provider, model) ?? null;
        if (perProvider.size >= MEMO_LIMIT) perProvider.clear();
        perProvider.set(model, hit);
      }
      return hit ?? undefined;
    },
    byCanonical(provider: string, canonical: string): ModelEntry | undefined {
      const idx = byProvider.get(provider);
      if (!idx) return undefined;
      const lower = canonical.toLowerCase();
      return idx.canonical.get(lower) ?? idx.exact.get(lower);
    },
    providers: () => [...byProvider.keys()],
    entries: () => all.slice(),
  };
}

function toEntry(provider: string, m: ModelData, families: Record<string, number>): ModelEntry {
  const tokenizer = m.tokenizer ?? 'o200k';
  return {
    provider,
    id: m.id,
    canonical: m.canonical?.toLowerCase(),
    class: m.class,
    openWeight: m.open_weight === true,
    tokenizer,
    tokenRatio: families[tokenizer] ?? 1,
    window: m.window,
    maxInput: m.max_input,
    periods: m.prices.map(toPeriod).sort((a, b) => a.fromMs - b.fromMs),
  };
}

/** "HH:MM" -> minutes of the day (the data is validated on load). */
function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function toPeriod(p: PricePeriodData): PricePeriod {
  return {
    fromMs: p.effective_from ? Date.parse(`${p.effective_from}T00:00:00Z`) : -Infinity,
    inputMtok: p.input_mtok,
    cachedInputMtok: p.cached_input_mtok,
    cacheWriteMtok: p.cache_write_mtok,
    outputMtok: p.output_mtok,
    inputAudioMtok: p.input_audio_mtok,
    outputAudioMtok: p.output_audio_mtok,
    inputImageMtok: p.input_image_mtok,
    outputImageMtok: p.output_image_mtok,
    perRequest: p.per_request,
    perImage: p.per_image,
    perAudioMinute: p.per_audio_minute,
    minAudioMinutes: (p.min_audio_seconds ?? 0) / 60,
    minUsd: p.min_usd ?? 0,
    tiers: p.tiers?.slice().sort((a, b) => a.min_input_tokens - b.min_input_tokens),
    windows: p.utc_windows?.map((w) => ({ fromMin: minutes(w.from), toMin: minutes(w.to), prices: w })),
    tokenMetered:
      p.input_mtok !== undefined ||
      p.output_mtok !== undefined ||
      p.cached_input_mtok !== undefined ||
      p.cache_write_mtok !== undefined,
  };
}
