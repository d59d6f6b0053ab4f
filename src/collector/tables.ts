/**
 * Lookup tables for the generated OTTL, computed from the SAME pricing index the in-process engine
 * uses (so aliases, fallbacks, prefixes and dated snapshots resolve identically):
 *
 *  - model keys: "\x01" + provider context + lower-case name + "\x02" + record reference, bucketed by
 *    the FNV hash of the needle into string chunks; OTTL finds a key with one Index() on one chunk;
 *  - prefix chains: per provider context, the prefixes in the engine's search order (one regex);
 *  - records: compact JSON per distinct priced model (periods, tiers, window, tokenizer ratio and the
 *    stand-in per scenario), packed into chunks and read back with Substring() + ParseJSON().
 *
 * OTTL string literals parse in time that grows faster than linearly with their length, so every
 * literal is kept to a few KB (CHUNK_BYTES).
 */
import type { Pricing, PricingSources } from '../pricing';
import type { ModelEntry, PricePeriod } from '../pricing/types';
import type { ResolvedConfig } from '../config';
import { createStandInResolver } from '../pricing/equivalence';
import { DATE_SUFFIX } from '../pricing/match';
import { bucketOf } from './ottl';

export const KEY_START = '\u0001';
export const KEY_END = '\u0002';
/** Provider context of a span without any provider attribute: every provider, in data order. */
export const ANY_PROVIDER = '99';
export const CHUNK_BYTES = 3000;
/** Record reference: chunk (3 digits) + offset (5) + length (4). */
export const REF_WIDTH = 12;
/** Stand-in codes in a record's "s" list (non-negative: OTTL literals stay simple): 0 none, 1 by the
 *  operation's class, k + 2 the k-th record of that scenario's stand-in store. */
export const NO_STAND_IN = 0;
export const STAND_IN_BY_CLASS = 1;
export const DEFAULT_CLASS = 'frontier_chat';

export interface RecordStore {
  chunks: string[];
  /** Reference string (REF_WIDTH) per record index. */
  refs: string[];
}

/** Fixed-width records (JSON padded with spaces), perChunk to a chunk: record k is found by arithmetic. */
export interface FixedStore {
  chunks: string[];
  width: number;
  perChunk: number;
}

function packFixed(texts: string[]): FixedStore {
  const width = Math.max(2, ...texts.map((t) => Buffer.byteLength(t)));
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / width));
  const chunks: string[] = [];
  texts.forEach((t, i) => {
    const j = Math.floor(i / perChunk);
    chunks[j] = (chunks[j] ?? '') + t + ' '.repeat(width - Buffer.byteLength(t));
  });
  return { chunks, width, perChunk };
}

export interface ModelTables {
  /** Provider id -> two-digit context code. */
  contexts: Map<string, string>;
  /** Lower-case provider names (ids and aliases) -> provider id. */
  providerNames: Map<string, string>;
  buckets: number;
  /** Bucket number -> chunk text. */
  keyChunks: Map<number, string>;
  /** Context code -> ordered prefixes and the record ref for each (first occurrence wins). */
  prefixes: Map<string, Array<{ prefix: string; ref: string }>>;
  records: RecordStore;
  /** Per scenario: the stand-in models' records (with their ids), fixed width. */
  standIns: FixedStore[];
  /** Per class (op-dependent stand-ins of class-less models): stand-in index per scenario. */
  classStandIns: Map<string, number[]>;
  operationClasses: Record<string, string>;
  /** What the records of the actual models use (statements for absent features are left out). */
  recordFeatures: Features;
  /** The same per scenario's stand-in store. */
  standInFeatures: Features[];
}

/** Price features present in a set of records: the generator emits only the statements they need. */
export interface Features {
  periods: number;
  tiers: number;
  tokens: boolean;
  perRequest: boolean;
  image: boolean;
  imageMap: boolean;
  audio: boolean;
  audioMin: boolean;
  minUsd: boolean;
  window: boolean;
  maxInput: boolean;
}

export function featuresOf(texts: string[]): Features {
  const f: Features = {
    periods: 1,
    tiers: 0,
    tokens: false,
    perRequest: false,
    image: false,
    imageMap: false,
    audio: false,
    audioMin: false,
    minUsd: false,
    window: false,
    maxInput: false,
  };
  for (const text of texts) {
    const o = JSON.parse(text) as { w?: number; m?: number; P: Array<Record<string, unknown> & { t?: unknown[] }> };
    f.periods = Math.max(f.periods, o.P.length);
    f.window ||= o.w !== undefined;
    f.maxInput ||= o.m !== undefined;
    for (const p of o.P) {
      f.tiers = Math.max(f.tiers, p.t?.length ?? 0);
      f.tokens ||= p.k !== undefined;
      f.perRequest ||= p.q !== undefined || p.qn !== undefined;
      f.image ||= p.g !== undefined || p.gm !== undefined;
      f.imageMap ||= p.gm !== undefined;
      f.audio ||= p.a !== undefined;
      f.audioMin ||= p.am !== undefined;
      f.minUsd ||= p.mu !== undefined;
    }
  }
  return f;
}

function periodJson(p: PricePeriod): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (p.fromMs !== -Infinity) o.f = p.fromMs;
  if (p.tokenMetered) o.k = 1;
  if (p.inputMtok !== undefined) o.i = p.inputMtok;
  if (p.cachedInputMtok !== undefined) o.c = p.cachedInputMtok;
  if (p.cacheWriteMtok !== undefined) o.w = p.cacheWriteMtok;
  if (p.outputMtok !== undefined) o.o = p.outputMtok;
  if (p.perRequest === null) o.qn = 1;
  else if (p.perRequest !== undefined) o.q = p.perRequest;
  if (typeof p.perImage === 'number') o.g = p.perImage;
  else if (p.perImage !== undefined) o.gm = p.perImage;
  if (p.perAudioMinute !== undefined) o.a = p.perAudioMinute;
  if (p.minAudioMinutes > 0) o.am = p.minAudioMinutes;
  if (p.minUsd > 0) o.mu = p.minUsd;
  if (p.tiers?.length) {
    o.t = p.tiers.map((t) => {
      const tj: Record<string, unknown> = { m: t.min_input_tokens };
      if (t.input_mtok !== undefined) tj.i = t.input_mtok;
      if (t.cached_input_mtok !== undefined) tj.c = t.cached_input_mtok;
      if (t.cache_write_mtok !== undefined) tj.w = t.cache_write_mtok;
      if (t.output_mtok !== undefined) tj.o = t.output_mtok;
      return tj;
    });
  }
  return o;
}

function modelJson(e: ModelEntry, withId: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (withId) o.id = e.id;
  o.r = e.tokenRatio;
  if (e.window !== undefined) o.w = e.window;
  if (e.maxInput !== undefined) o.m = e.maxInput;
  o.P = e.periods.map(periodJson);
  return o;
}

/** Packs JSON texts into chunks of at most CHUNK_BYTES (one record may exceed it alone). */
function pack(texts: string[]): RecordStore {
  const chunks: string[] = [];
  const refs: string[] = [];
  let cur = '';
  for (const t of texts) {
    if (cur.length > 0 && Buffer.byteLength(cur) + Buffer.byteLength(t) > CHUNK_BYTES) {
      chunks.push(cur);
      cur = '';
    }
    const offset = Buffer.byteLength(cur);
    refs.push(
      String(chunks.length).padStart(3, '0') +
        String(offset).padStart(5, '0') +
        String(Buffer.byteLength(t)).padStart(4, '0'),
    );
    cur += t;
  }
  if (cur.length > 0) chunks.push(cur);
  if (chunks.length > 999) throw new Error('pricing data too large for the collector record tables');
  return { chunks, refs };
}

/** Table-key encoding of a name (the generated OTTL applies the same to span values). */
export function escapeKey(s: string): string {
  return s
    .replace(/\u0003/g, '\u0003\u0003')
    .replace(/\u0001/g, '\u0003\u0004')
    .replace(/\u0002/g, '\u0003\u0005');
}

/** Every lower-case name the index could know: ids and aliases in the data and the user's config. */
export function universe(sources: PricingSources, config: Partial<ResolvedConfig>): Set<string> {
  const names = new Set<string>();
  const add = (s: string): void => {
    const l = s.trim().toLowerCase();
    names.add(l);
    if (DATE_SUFFIX.test(l)) names.add(l.replace(DATE_SUFFIX, ''));
  };
  for (const p of Object.values(sources.prices.providers)) for (const m of p.models) [m.id, ...m.aliases].forEach(add);
  for (const o of config.prices ?? []) [o.model, ...(o.aliases ?? [])].forEach(add);
  for (const models of Object.values(config.requestPrices ?? {})) Object.keys(models).forEach(add);
  return names;
}

export function buildTables(pricing: Pricing, sources: PricingSources, config: Partial<ResolvedConfig>): ModelTables {
  const index = pricing.index;
  const providers = index.providers();
  if (providers.length > 98) throw new Error('too many providers for two-digit contexts');
  const contexts = new Map(providers.map((p, i) => [p, String(i).padStart(2, '0')]));
  const providerNames = new Map<string, string>();
  for (const p of providers) providerNames.set(p.toLowerCase(), p);
  for (const [alias, id] of Object.entries(sources.prices.provider_aliases ?? {}))
    if (contexts.has(id)) providerNames.set(alias.toLowerCase(), id);

  // Records: one per distinct (model, stand-ins) text, shared by every key that resolves to it.
  const scenarios = pricing.scenarios;
  const standIn = createStandInResolver(pricing, scenarios);
  const standInIdx = scenarios.map(() => new Map<ModelEntry, number>());
  const standInTexts: string[][] = scenarios.map(() => []);
  const standInRef = (s: number, e: ModelEntry | undefined): number => {
    if (!e) return NO_STAND_IN;
    let i = standInIdx[s].get(e);
    if (i === undefined) {
      i = standInTexts[s].length;
      standInIdx[s].set(e, i);
      standInTexts[s].push(JSON.stringify(modelJson(e, true)));
    }
    return i + 2;
  };
  // Class-less models pick stand-ins by the operation's class: record those per class once.
  const classes = new Set<string>([DEFAULT_CLASS, ...Object.values(pricing.operationClasses)]);
  const classStandIns = new Map<string, number[]>();
  const template = index.entries()[0];
  const probe = (cls: string): ModelEntry =>
    ({
      ...template,
      provider: '',
      id: '\u0000probe',
      canonical: undefined,
      class: cls,
      openWeight: false,
      periods: [],
    }) as ModelEntry;
  // One operation per class (undefined = the default class) to detect operation-dependent stand-ins.
  const classOps: Array<string | undefined> = [
    undefined,
    ...new Map(Object.entries(pricing.operationClasses).map(([op, cls]) => [cls, op])).values(),
  ];
  for (const cls of classes)
    classStandIns.set(
      cls,
      standIn(probe(cls), undefined).map((e, s) => standInRef(s, e)),
    );

  const recordTexts: string[] = [];
  const recordOf = new Map<string, number>();
  const refOfEntry = new Map<ModelEntry, number>();
  const recordFor = (e: ModelEntry): number => {
    let r = refOfEntry.get(e);
    if (r !== undefined) return r;
    const o = modelJson(e, false);
    // A class-less model's stand-in may follow the operation's class: compare one operation per class
    // (the engine's rules before the class are operation-independent, so "varies" means "by class").
    const fixed = standIn(e, undefined);
    const varies =
      e.class === undefined
        ? scenarios.map((_, s) => classOps.some((op) => standIn(e, op)[s] !== fixed[s]))
        : scenarios.map(() => false);
    o.s = fixed.map((st, s) => (varies[s] ? STAND_IN_BY_CLASS : standInRef(s, st)));
    const text = JSON.stringify(o);
    r = recordOf.get(text);
    if (r === undefined) {
      r = recordTexts.length;
      recordTexts.push(text);
      recordOf.set(text, r);
    }
    refOfEntry.set(e, r);
    return r;
  };

  // Keys: the engine's own lookup for every known name in every provider context.
  const keys: string[] = [];
  const keyRecord: number[] = [];
  const names = universe(sources, config);
  for (const ctx of [...providers, undefined]) {
    const code = ctx === undefined ? ANY_PROVIDER : contexts.get(ctx)!;
    for (const name of names) {
      const e = index.lookup(ctx, name);
      if (!e) continue;
      keys.push(KEY_START + code + escapeKey(name) + KEY_END);
      keyRecord.push(recordFor(e));
    }
  }

  // Prefix chains in the engine's search order.
  // Mirrors the index: per provider, [prefix, entry] in model order, then stably sorted longest first.
  const allEntries = index.entries();
  const prefixList = (p: string): Array<[string, ModelEntry]> => {
    const entries = allEntries.filter((e) => e.provider === p);
    const list: Array<[string, ModelEntry]> = [];
    (sources.prices.providers[p]?.models ?? []).forEach((m, i) => {
      for (const pre of m.prefixes ?? []) if (entries[i]) list.push([pre, entries[i]]);
    });
    return list.sort((x, y) => y[0].length - x[0].length);
  };
  const chain = (p: string, seen: Set<string>): Array<[string, ModelEntry]> => {
    if (seen.has(p) || !contexts.has(p)) return [];
    seen.add(p);
    return [...prefixList(p), ...(sources.prices.providers[p]?.fallback ?? []).flatMap((f) => chain(f, seen))];
  };
  const prefixes = new Map<string, Array<{ prefix: string; ref: string }>>();
  const records = () => pack(recordTexts);
  const pending: Array<[string, Array<[string, ModelEntry]>]> = [];
  for (const p of providers) pending.push([contexts.get(p)!, chain(p, new Set())]);
  pending.push([ANY_PROVIDER, providers.flatMap((p) => prefixList(p))]);
  const prefixRecords: Array<[string, string, number]> = [];
  for (const [code, list] of pending) {
    const seen = new Set<string>();
    for (const [pre, owner] of list) {
      if (seen.has(pre)) continue; // an earlier identical prefix always wins
      seen.add(pre);
      prefixRecords.push([code, pre, recordFor(owner)]);
    }
  }

  const store = records();
  for (const [code, pre, r] of prefixRecords) {
    if (!prefixes.has(code)) prefixes.set(code, []);
    prefixes.get(code)!.push({ prefix: pre, ref: store.refs[r] });
  }

  // Buckets sized so each chunk stays near CHUNK_BYTES.
  const total = keys.reduce((n, k) => n + Buffer.byteLength(k) + REF_WIDTH, 0);
  const buckets = Math.max(1, Math.ceil(total / (CHUNK_BYTES * 0.8)));
  const keyChunks = new Map<number, string>();
  keys.forEach((k, i) => {
    const b = bucketOf(k, buckets);
    keyChunks.set(b, (keyChunks.get(b) ?? '') + k + store.refs[keyRecord[i]]);
  });

  return {
    contexts,
    providerNames,
    buckets,
    keyChunks,
    prefixes,
    records: store,
    standIns: standInTexts.map(packFixed),
    classStandIns,
    operationClasses: pricing.operationClasses,
    recordFeatures: featuresOf(recordTexts),
    standInFeatures: standInTexts.map(featuresOf),
  };
}
