/**
 * The OTTL statements that reproduce the cost engine (src/pricing/engine.ts, math.ts, usage.ts) for
 * one span, in ONE statement group so every intermediate lives in span.cache (no scratch attributes
 * on the span). Each step mirrors the engine line for line; every data-dependent value comes from
 * the tables (tables.ts), never from a literal spelled here.
 *
 * Guard rule: no statement may error on any input (a string or array where a count belongs, a
 * missing key, a crafted model name). Errors would be skipped silently under error_mode ignore, so
 * every path checks types and presence first; the differential test also asserts the collector
 * logged no OTTL error.
 */
import * as S from '../semconv';
import {
  INPUT_NAMES,
  OUTPUT_NAMES,
  CACHE_READ_NAMES,
  CACHE_WRITE_NAMES,
  PROVIDER_NAMES,
  MODEL_NAMES,
} from '../pricing/usage';
import type { Scenario } from '../contracts';
import { A, C, DATE_SUFFIX_PATTERN as DATE_SUFFIX, int, reEscape, str } from './ottl';
import {
  ANY_PROVIDER,
  DEFAULT_CLASS,
  KEY_END,
  KEY_START,
  REF_WIDTH,
  escapeKey,
  type Features,
  type ModelTables,
} from './tables';

const MAX_COUNT = '9007199254740991.0';
/** JavaScript's String.prototype.trim() whitespace, as an RE2 class. */
const JS_SPACE =
  '[\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}]';
const TRIM = `^${JS_SPACE}+|${JS_SPACE}+$`;
const KEY_CHARS = '[\\x{1}-\\x{3}]';
const FAIL = { noPrice: 1, unsupported: 2, missing: 3, invalid: 4 } as const;

type Out = string[];

/** span.cache["L"][key]: lookup scratch kept in a sub-map so the top-level cache (a linear-scan map
 *  read by every statement) stays small. */
const L = (key: string): string => `span.cache["L"][${str(key)}]`;
/** span.cache[X][key]: per-price scratch (actual, each scenario), for the same reason. */
const M = (X: string, key: string): string => `span.cache[${str(X)}][${str(key)}]`;

/** Copies the first present attribute of `names` into cache[key] (present = not nil, any type). */
function firstPresent(out: Out, key: string, names: readonly string[]): void {
  names.forEach((n, i) =>
    out.push(i === 0 ? `set(${C(key)}, ${A(n)})` : `set(${C(key)}, ${A(n)}) where ${C(key)} == nil`),
  );
}

/** cache[key+'v'] = the count as a double when valid; cache[badKey] = true when present but unusable. */
function validateCount(out: Out, key: string, badKey: string): void {
  const v = C(`${key}v`);
  out.push(`set(${v}, Double(${C(key)})) where IsInt(${C(key)}) or IsDouble(${C(key)})`);
  out.push(`set(${C(badKey)}, true) where ${C(key)} != nil and not (${v} >= 0.0 and ${v} <= ${MAX_COUNT})`);
}

function usage(out: Out): void {
  out.push(`set(${C('op')}, ${A(S.ATTR_GEN_AI_OPERATION_NAME)}) where IsString(${A(S.ATTR_GEN_AI_OPERATION_NAME)})`);
  for (const [t, op] of [
    ['completion', S.OPERATION.textCompletion],
    ['embedding', S.OPERATION.embeddings],
    ['chat', S.OPERATION.chat],
  ]) {
    out.push(`set(${C('op')}, ${str(op)}) where ${C('op')} == nil and ${A(S.ATTR_LLM_REQUEST_TYPE)} == ${str(t)}`);
  }
  firstPresent(out, 'in', INPUT_NAMES);
  firstPresent(out, 'out', OUTPUT_NAMES);
  firstPresent(out, 'cr', CACHE_READ_NAMES);
  firstPresent(out, 'cw', CACHE_WRITE_NAMES);
  out.push(`set(${C('out')}, 0) where ${C('out')} == nil and ${C('op')} == ${str(S.OPERATION.embeddings)}`);
  for (const k of ['in', 'out', 'cr', 'cw']) validateCount(out, k, 'bad');
  out.push(`set(${C('im')}, ${A(S.ATTR_USAGE_IMAGES)})`);
  out.push(`set(${C('im')}, ${A(S.ATTR_GEN_AI_REQUEST_CHOICE_COUNT)}) where ${C('im')} == nil`);
  out.push(`set(${C('im')}, 1) where ${C('im')} == nil and ${C('op')} == ${str(S.OPERATION.imageGeneration)}`);
  validateCount(out, 'im', 'imbad');
  out.push(`set(${C('au')}, ${A(S.ATTR_USAGE_AUDIO_SECONDS)})`);
  validateCount(out, 'au', 'aubad');
  out.push(`set(${C('aum')}, ${C('auv')} / 60.0) where ${C('aubad')} == nil and ${C('auv')} != nil`);
  out.push(`set(${C('iq')}, ${A(S.ATTR_REQUEST_IMAGE_QUALITY)}) where IsString(${A(S.ATTR_REQUEST_IMAGE_QUALITY)})`);
  out.push(`set(${C('isz')}, ${A(S.ATTR_REQUEST_IMAGE_SIZE)}) where IsString(${A(S.ATTR_REQUEST_IMAGE_SIZE)})`);
  // tokenState(): cached parts are clamped at 0 and must fit in the input they belong to.
  out.push(`set(${C('rd0')}, 0.0)`, `set(${C('rd0')}, ${C('crv')}) where ${C('crv')} > 0.0`);
  out.push(`set(${C('wr0')}, 0.0)`, `set(${C('wr0')}, ${C('cwv')}) where ${C('cwv')} > 0.0`);
  out.push(`set(${C('o0')}, 0.0)`, `set(${C('o0')}, ${C('outv')}) where ${C('outv')} > 0.0`);
  out.push(
    `set(${C('bad')}, true) where ${C('bad')} == nil and ${C('inv')} != nil and ${C('outv')} != nil and ${C('rd0')} + ${C('wr0')} > ${C('inv')}`,
  );
  out.push(`set(${C('tok')}, true) where ${C('bad')} == nil and ${C('inv')} != nil and ${C('outv')} != nil`);
  out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.invalidUsage)}) where ${C('bad')} == true`);
  out.push(`set(${C('stop')}, true) where ${C('bad')} == true`);
}

/**
 * Makes cache[key] safe as a table needle, the same way escapeKey() encodes table keys: \x03 ->
 * \x03\x03, \x01 -> \x03\x04, \x02 -> \x03\x05 (injective; no key delimiter survives).
 */
function escapeName(out: Out, key: string): void {
  const flag = `${key}esc`;
  out.push(`set(${L(flag)}, true) where ${L(key)} != nil and IsMatch(${L(key)}, ${str(KEY_CHARS)})`);
  for (const [from, to] of [
    ['\\x{3}', '\u0003\u0003'],
    ['\\x{1}', '\u0003\u0004'],
    ['\\x{2}', '\u0003\u0005'],
  ]) {
    out.push(`replace_pattern(${L(key)}, ${str(from)}, ${str(to)}) where ${L(flag)} == true`);
  }
}

function provider(out: Out, t: ModelTables): void {
  PROVIDER_NAMES.forEach((n) =>
    out.push(
      `set(${L('pn')}, ${A(n)}) where ${C('stop')} == false and ${L('pn')} == nil and IsString(${A(n)}) and ${A(n)} != ""`,
    ),
  );
  out.push(`replace_pattern(${L('pn')}, ${str(TRIM)}, "") where ${L('pn')} != nil`);
  out.push(`set(${L('pn')}, ToLowerCase(${L('pn')})) where ${L('pn')} != nil`);
  escapeName(out, 'pn');
  const table = [...t.providerNames]
    .map(([name, id]) => KEY_START + escapeKey(name) + KEY_END + t.contexts.get(id)!)
    .join('');
  out.push(`set(${L('pk')}, Concat([${str(KEY_START)}, ${L('pn')}, ${str(KEY_END)}], "")) where ${L('pn')} != nil`);
  out.push(`set(${L('pi')}, Index(${str(table)}, ${L('pk')})) where ${L('pk')} != nil`);
  out.push(
    `set(${C('ctx')}, Substring(${str(table)}, ${L('pi')} + Len(${L('pk')}), 2)) where ${L('pk')} != nil and ${L('pi')} >= 0`,
  );
  out.push(`set(${C('ctx')}, ${str(ANY_PROVIDER)}) where ${C('stop')} == false and ${L('pn')} == nil`);
  out.push(
    `set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.unknownProvider)}) where ${C('stop')} == false and ${C('ctx')} == nil`,
  );
  out.push(`set(${C('stop')}, true) where ${C('ctx')} == nil`);
}

/**
 * The key chunks as one list literal in L.T, index = bucket - 1 (empty buckets are ""): set once per
 * group, read by every lookup. A list keeps each string literal short (OTTL parses long literals in
 * superlinear time) and replaces one statement per bucket by one indexed read.
 */
function keyTable(out: Out, t: ModelTables): void {
  const list = Array.from({ length: 2 * t.buckets - 1 }, (_, i) => t.keyChunks.get(i + 1) ?? '');
  out.push(`set(${L('T')}, [${list.map(str).join(', ')}]) where ${C('stop')} == false`);
}

/** Exact lookup of cache[name] in the key tables -> cache['ref']. */
function lookup(out: Out, t: ModelTables, name: string): void {
  out.push(`delete_key(span.cache["L"], "k")`);
  out.push(
    `set(${L('k')}, Concat([${str(KEY_START)}, ${C('ctx')}, ${L(name)}, ${str(KEY_END)}], "")) where ${C('ref')} == nil and ${L(name)} != nil`,
  );
  out.push(`set(${L('h')}, FNV(${L('k')})) where ${L('k')} != nil`);
  out.push(
    `set(${L('b')}, ${L('h')} - (${L('h')} / ${int(t.buckets)}) * ${int(t.buckets)} + ${int(t.buckets)}) where ${L('k')} != nil`,
  );
  // The bucket's chunk from the table list (keyTable): one indexed read instead of a statement per bucket.
  out.push(`delete_key(span.cache["L"], "kt")`);
  out.push(`set(${L('kt')}, ${L('T')}[${L('b')} - 1]) where ${L('k')} != nil`);
  out.push(`set(${L('ki')}, Index(${L('kt')}, ${L('k')})) where ${L('kt')} != nil`);
  out.push(
    `set(${C('ref')}, Substring(${L('kt')}, ${L('ki')} + Len(${L('k')}), ${int(REF_WIDTH)})) where ${L('kt')} != nil and ${L('ki')} >= 0`,
  );
}

/** Longest-prefix rules (engine order) for cache[name] -> cache['ref']. */
function prefix(out: Out, t: ModelTables, name: string): void {
  const codes = [...t.prefixes.keys()];
  if (codes.length === 0) return;
  const table = [...t.prefixes]
    .flatMap(([code, list]) => list.map((p) => KEY_START + code + p.prefix + KEY_END + p.ref))
    .join('');
  out.push(`delete_key(span.cache["L"], "pm")`);
  out.push(
    `set(${L('pm')}, ${L(name)}) where ${C('ref')} == nil and ${L(name)} != nil and (${codes.map((c) => `${C('ctx')} == ${str(c)}`).join(' or ')})`,
  );
  for (const [code, list] of t.prefixes) {
    const re = `(?s)^(${list.map((p) => reEscape(p.prefix)).join('|')}).*$`;
    out.push(`replace_pattern(${L('pm')}, ${str(re)}, "$1") where ${L('pm')} != nil and ${C('ctx')} == ${str(code)}`);
  }
  out.push(
    `set(${L('pk2')}, Concat([${str(KEY_START)}, ${C('ctx')}, ${L('pm')}, ${str(KEY_END)}], "")) where ${L('pm')} != nil`,
  );
  out.push(`set(${L('ppi')}, Index(${str(table)}, ${L('pk2')})) where ${L('pm')} != nil and ${L('pk2')} != nil`);
  out.push(
    `set(${C('ref')}, Substring(${str(table)}, ${L('ppi')} + Len(${L('pk2')}), ${int(REF_WIDTH)})) where ${L('pm')} != nil and ${L('pk2')} != nil and ${L('ppi')} >= 0`,
  );
  out.push(`delete_key(span.cache["L"], "pk2")`);
}

/**
 * findModel(): response model, then request model, then OpenInference's, each with index.lookup().
 * `fast`: only the first non-empty name, by its full name (what nearly every span needs); a miss
 * hands the span to the complete group (see costStatements) instead of deciding unknown_model.
 */
function model(out: Out, t: ModelTables, fast: boolean): void {
  if (fast) {
    // The first non-empty name only (the engine's first lookup), one table lookup.
    MODEL_NAMES.forEach((attr, i) =>
      out.push(
        `set(${L('n0')}, ${A(attr)}) where ${C('stop')} == false${i ? ` and ${L('n0')} == nil` : ''} and IsString(${A(attr)}) and ${A(attr)} != ""`,
      ),
    );
    out.push(`replace_pattern(${L('n0')}, ${str(TRIM)}, "") where ${L('n0')} != nil`);
    out.push(`set(${L('n0')}, ToLowerCase(${L('n0')})) where ${L('n0')} != nil`);
    escapeName(out, 'n0');
    keyTable(out, t);
    lookup(out, t, 'n0');
  }
  if (!fast) keyTable(out, t);
  if (!fast)
    MODEL_NAMES.forEach((attr, i) => {
      const n = `n${i}`;
      const s = `s${i}`;
      out.push(
        `set(${L(n)}, ${A(attr)}) where ${C('stop')} == false and ${C('ref')} == nil and IsString(${A(attr)}) and ${A(attr)} != ""`,
      );
      out.push(`replace_pattern(${L(n)}, ${str(TRIM)}, "") where ${L(n)} != nil`);
      out.push(`set(${L(n)}, ToLowerCase(${L(n)})) where ${L(n)} != nil`);
      escapeName(out, n);
      lookup(out, t, n);
      prefix(out, t, n);
      // A dated snapshot not known by its full name: the same rules on the name without the date.
      out.push(
        `set(${L(s)}, ${L(n)}) where ${C('ref')} == nil and ${L(n)} != nil and IsMatch(${L(n)}, ${str(DATE_SUFFIX)})`,
      );
      out.push(`replace_pattern(${L(s)}, ${str(DATE_SUFFIX)}, "") where ${L(s)} != nil`);
      lookup(out, t, s);
      prefix(out, t, s);
    });
  if (fast) {
    out.push(`set(${A(S.ATTR_COLLECTOR_RETRY)}, true) where ${C('stop')} == false and ${C('ref')} == nil`);
  } else {
    out.push(
      `set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.unknownModel)}) where ${C('stop')} == false and ${C('ref')} == nil`,
    );
  }
  out.push(`set(${C('stop')}, true) where ${C('ref')} == nil`);
}

/** Reads the record a 12-digit ref points to (chunk, offset, length) into cache[target]. */
function fetchRecord(out: Out, chunks: string[], ref: string, target: string): void {
  out.push(`set(${L('rc')}, Int(Substring(${C(ref)}, 0, 3))) where ${C('stop')} == false`);
  out.push(`set(${L('ro')}, Int(Substring(${C(ref)}, 3, 5))) where ${C('stop')} == false`);
  out.push(`set(${L('rl')}, Int(Substring(${C(ref)}, 8, 4))) where ${C('stop')} == false`);
  out.push(`set(${L('RT')}, [${chunks.map(str).join(', ')}]) where ${C('stop')} == false`);
  out.push(`set(${L('rt')}, ${L('RT')}[${L('rc')}]) where ${C('stop')} == false`);
  out.push(
    `set(${C(target)}, ParseJSON(Substring(${L('rt')}, ${L('ro')}, ${L('rl')}))) where ${C('stop')} == false and ${L('rt')} != nil`,
  );
}

/** periodAt(): the last period whose start is <= the span's start time, into X.p. */
function period(out: Out, f: Features, rec: string, X: string, guard: string): void {
  const P = `${rec}["P"]`;
  for (let j = 0; j < f.periods; j++) {
    const has = f.periods > 1 ? ` and Len(${P}) > ${j}` : '';
    out.push(
      `set(${M(X, 'p')}, ${P}[${j}]) where ${guard}${has} and (${P}[${j}]["f"] == nil or ${P}[${j}]["f"] <= ${C('t')})`,
    );
  }
}

/** priceUsage(): X.usd or X.fail for the period X[pk], counts scaled by `factor`; only the
 *  statements the records' features need. */
function price(out: Out, f: Features, X: string, pk: string, factor: string | undefined): void {
  const K = M(X, pk);
  const c = (k: string): string => M(X, k);
  const fail = c('fail');
  const ok = `${fail} == 0 and ${K} != nil`;
  const scaled = (v: string): string => (factor ? `${v} * ${factor}` : v);
  out.push(`set(${c('usd')}, 0.0) where ${ok}`);
  if (f.tokens) {
    out.push(`set(${fail}, ${FAIL.missing}) where ${ok} and ${K}["k"] != nil and ${C('tok')} != true`);
    const G = `${ok} and ${K}["k"] != nil`;
    out.push(`set(${c('in')}, ${scaled(C('inv'))}) where ${G}`);
    out.push(`set(${c('rd')}, ${scaled(C('rd0'))}) where ${G}`);
    out.push(`set(${c('wr')}, ${scaled(C('wr0'))}) where ${G}`);
    out.push(`set(${c('ou')}, ${scaled(C('outv'))}) where ${G}`);
    for (let j = 0; j < f.tiers; j++) {
      out.push(
        `set(${c('T')}, ${K}["t"][${j}]) where ${G} and ${K}["t"] != nil and Len(${K}["t"]) > ${j} and ${c('in')} >= ${K}["t"][${j}]["m"]`,
      );
    }
    const tier = (p: string): void => {
      if (f.tiers) out.push(`set(${c(`p${p}`)}, ${c('T')}["${p}"]) where ${G} and ${c('T')} != nil`);
    };
    out.push(`set(${c('pi')}, ${K}["i"]) where ${G}`);
    tier('i');
    for (const p of ['c', 'w']) {
      out.push(`set(${c(`p${p}`)}, ${c('pi')}) where ${G}`);
      out.push(`set(${c(`p${p}`)}, ${K}["${p}"]) where ${G}`);
      tier(p);
    }
    out.push(`set(${c('po')}, ${K}["o"]) where ${G}`);
    tier('o');
    out.push(`set(${c('un')}, ${c('in')} - ${c('rd')} - ${c('wr')}) where ${G}`);
    out.push(
      `set(${fail}, ${FAIL.unsupported}) where ${G} and ((${c('un')} > 0.0 and ${c('pi')} == nil) or (${c('rd')} > 0.0 and ${c('pc')} == nil) or (${c('wr')} > 0.0 and ${c('pw')} == nil) or (${c('ou')} > 0.0 and ${c('po')} == nil))`,
    );
    const parts: Array<[string, string, string]> = [
      ['a1', 'un', 'pi'],
      ['a2', 'rd', 'pc'],
      ['a3', 'wr', 'pw'],
      ['a4', 'ou', 'po'],
    ];
    for (const [a, q, p] of parts) {
      out.push(`set(${c(a)}, 0.0) where ${G}`);
      out.push(`set(${c(a)}, ${c(q)} * ${c(p)}) where ${G} and ${c(q)} > 0.0`);
    }
    out.push(
      `set(${c('usd')}, ${c('usd')} + (${c('a1')} + ${c('a2')} + ${c('a3')} + ${c('a4')}) / 1000000.0) where ${G}`,
    );
  }
  if (f.perRequest) {
    // Flat per-request price: null in the data means flat but unpublished (user config needed).
    out.push(`set(${fail}, ${FAIL.noPrice}) where ${ok} and ${K}["qn"] != nil`);
    out.push(`set(${c('usd')}, ${c('usd')} + ${K}["q"]) where ${ok} and ${K}["q"] != nil`);
  }
  if (f.image) {
    const IG = `${ok} and (${K}["g"] != nil or ${K}["gm"] != nil)`;
    out.push(`set(${fail}, ${FAIL.missing}) where ${IG} and ${C('im')} == nil`);
    out.push(`set(${fail}, ${FAIL.invalid}) where ${IG} and ${C('imbad')} == true`);
    out.push(`set(${c('ge')}, ${K}["g"]) where ${IG}`);
    if (f.imageMap) {
      out.push(
        `set(${c('gk')}, Concat([${C('iq')}, "/", ${C('isz')}], "")) where ${IG} and ${K}["gm"] != nil and ${C('iq')} != nil and ${C('isz')} != nil`,
      );
      out.push(`set(${c('ge')}, ${K}["gm"][${c('gk')}]) where ${IG} and ${c('gk')} != nil`);
      out.push(
        `set(${c('ge')}, ${K}["gm"][${C('iq')}]) where ${IG} and ${c('ge')} == nil and ${K}["gm"] != nil and ${C('iq')} != nil`,
      );
      out.push(`set(${c('ge')}, ${K}["gm"]["default"]) where ${IG} and ${c('ge')} == nil and ${K}["gm"] != nil`);
    }
    out.push(`set(${fail}, ${FAIL.noPrice}) where ${IG} and ${c('ge')} == nil`);
    out.push(`set(${c('usd')}, ${c('usd')} + ${c('ge')} * ${C('imv')}) where ${IG}`);
  }
  if (f.audio) {
    const AG = `${ok} and ${K}["a"] != nil`;
    out.push(`set(${fail}, ${FAIL.missing}) where ${AG} and ${C('au')} == nil`);
    out.push(`set(${fail}, ${FAIL.invalid}) where ${AG} and ${C('aubad')} == true`);
    out.push(`set(${c('am')}, ${C('aum')}) where ${AG}`);
    if (f.audioMin)
      out.push(
        `set(${c('am')}, ${K}["am"]) where ${AG} and ${K}["am"] != nil and ${C('aum')} > 0.0 and ${C('aum')} < ${K}["am"]`,
      );
    out.push(`set(${c('usd')}, ${c('usd')} + ${K}["a"] * ${c('am')}) where ${AG}`);
  }
  // Minimum charge per request.
  if (f.minUsd) out.push(`set(${c('usd')}, ${K}["mu"]) where ${ok} and ${K}["mu"] != nil and ${c('usd')} < ${K}["mu"]`);
}

function actual(out: Out, t: ModelTables): void {
  fetchRecord(out, t.records.chunks, 'ref', 'R');
  out.push(
    `set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.unknownModel)}) where ${C('stop')} == false and ${C('R')} == nil`,
  );
  out.push(`set(${C('stop')}, true) where ${C('R')} == nil`);
  out.push(`set(${C('t')}, Double(span.start_time_unix_nano) / 1000000.0) where ${C('stop')} == false`);
  out.push(`set(${C('a')}, {"fail": 0}) where ${C('stop')} == false`);
  period(out, t.recordFeatures, C('R'), 'a', `${C('stop')} == false`);
  out.push(`set(${M('a', 'fail')}, ${FAIL.noPrice}) where ${C('stop')} == false and ${M('a', 'p')} == nil`);
  price(out, t.recordFeatures, 'a', 'p', undefined);
  const reasons: Array<[number, string]> = [
    [FAIL.missing, S.UNPRICED.missingUsage],
    [FAIL.invalid, S.UNPRICED.invalidUsage],
    [FAIL.unsupported, S.UNPRICED.unsupportedUnit],
    [FAIL.noPrice, S.UNPRICED.noPrice],
  ];
  out.push(`set(${C('af')}, ${M('a', 'fail')}) where ${C('stop')} == false`);
  out.push(`set(${C('ausd')}, ${M('a', 'usd')}) where ${C('stop')} == false and ${C('af')} == 0`);
  for (const [code, reason] of reasons)
    out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(reason)}) where ${C('af')} == ${code}`);
  out.push(`set(${A(S.ATTR_COST_USD)}, ${C('ausd')}) where ${C('ausd')} != nil`);
  // Without a usable usage there is nothing to compare; a flat call without a price still gets scenarios.
  out.push(`set(${C('stop')}, true) where ${C('af')} != 0 and ${C('af')} != ${FAIL.noPrice}`);
}

function standInClass(out: Out, t: ModelTables): void {
  out.push(`set(${C('cls')}, ${str(DEFAULT_CLASS)}) where ${C('stop')} == false`);
  for (const [op, cls] of Object.entries(t.operationClasses)) {
    if (op === '') continue; // an empty operation is "no operation" in the engine
    out.push(`set(${C('cls')}, ${str(cls)}) where ${C('stop')} == false and ${C('op')} == ${str(op)}`);
  }
  for (const [cls, refs] of t.classStandIns) {
    out.push(
      `set(${C('cv')}, [${refs.map((r) => int(r)).join(', ')}]) where ${C('stop')} == false and ${C('cls')} == ${str(cls)}`,
    );
  }
}

function scenario(out: Out, t: ModelTables, s: Scenario, i: number): void {
  const X = `x${i}`;
  const store = t.standIns[i];
  const f = t.standInFeatures[i];
  const c = (k: string): string => M(X, k);
  const infeasible = A(S.scenarioInfeasibleAttr(s.id));
  out.push(`set(${C(X)}, {"fail": 0}) where ${C('stop')} == false`);
  out.push(`set(${c('si')}, Int(${C('R')}["s"][${i}])) where ${C('stop')} == false`);
  out.push(`set(${c('si')}, ${C('cv')}[${i}]) where ${C('stop')} == false and ${c('si')} == 1`);
  out.push(`set(${infeasible}, ${str(S.INFEASIBLE.noModel)}) where ${C('stop')} == false and ${c('si')} == 0`);
  if (store.chunks.length === 0) return;
  out.push(`set(${c('sx')}, ${c('si')} - 2) where ${C('stop')} == false and ${c('si')} >= 2`);
  const live = `${c('sx')} != nil`;
  if (store.chunks.length > 1) out.push(`set(${c('sc')}, ${c('sx')} / ${int(store.perChunk)}) where ${live}`);
  else out.push(`set(${c('sc')}, 0) where ${live}`);
  store.chunks.forEach((chunk, j) =>
    out.push(`set(${c('st')}, ${str(chunk)}) where ${live} and ${c('sc')} == ${int(j)}`),
  );
  out.push(
    `set(${c('S')}, ParseJSON(Substring(${c('st')}, (${c('sx')} - ${c('sc')} * ${int(store.perChunk)}) * ${int(store.width)}, ${int(store.width)}))) where ${live}`,
  );
  out.push(`set(${A(S.scenarioModelAttr(s.id))}, ${c('S')}["id"]) where ${live}`);
  period(out, f, c('S'), X, live);
  out.push(`set(${infeasible}, ${str(S.INFEASIBLE.noPrice)}) where ${live} and ${c('p')} == nil`);
  const has = `${c('p')} != nil`;
  out.push(`set(${c('f')}, ${c('S')}["r"] / ${C('R')}["r"]) where ${has}`);
  // fitsWindow() on translated counts, only when the tokens are usable.
  if (f.window || f.maxInput) {
    out.push(`set(${c('wi')}, ${C('inv')} * ${c('f')}) where ${has} and ${C('tok')} == true`);
    if (f.maxInput)
      out.push(
        `set(${c('cw')}, true) where ${has} and ${c('wi')} != nil and ${c('S')}["m"] != nil and ${c('wi')} > ${c('S')}["m"]`,
      );
    if (f.window)
      out.push(
        `set(${c('cw')}, true) where ${has} and ${c('wi')} != nil and ${c('S')}["w"] != nil and ${c('wi')} + ${C('o0')} * ${c('f')} > ${c('S')}["w"]`,
      );
    out.push(`set(${infeasible}, ${str(S.INFEASIBLE.contextWindow)}) where ${has} and ${c('cw')} == true`);
  }
  out.push(`set(${c('q')}, ${c('p')}) where ${has} and ${c('cw')} == nil`);
  price(out, f, X, 'q', c('f'));
  const reasons: Array<[number, string]> = [
    [FAIL.missing, S.INFEASIBLE.missingUsage],
    [FAIL.invalid, S.INFEASIBLE.missingUsage],
    [FAIL.unsupported, S.INFEASIBLE.unsupportedOperation],
    [FAIL.noPrice, S.INFEASIBLE.noPrice],
  ];
  out.push(`set(${c('ok')}, false) where ${has}`);
  out.push(`set(${c('ok')}, true) where ${has} and ${c('q')} != nil and ${c('fail')} == 0`);
  for (const [code, reason] of reasons)
    out.push(`set(${infeasible}, ${str(reason)}) where ${has} and ${c('ok')} == false and ${c('fail')} == ${code}`);
  const priced = `${has} and ${c('ok')} == true`;
  out.push(`set(${A(S.scenarioCostAttr(s.id))}, ${c('usd')}) where ${priced}`);
  // Strictly cheaper wins: the first scenario keeps a tie, as in the engine.
  out.push(`set(${C('bid')}, ${str(s.id)}) where ${priced} and (${C('best')} == nil or ${c('usd')} < ${C('best')})`);
  out.push(`set(${C('best')}, ${c('usd')}) where ${priced} and ${C('bid')} == ${str(s.id)}`);
}

function cheapest(out: Out): void {
  const live = `${C('stop')} == false`;
  const wins = `${C('bid')} != nil and ${C('best')} < ${C('ausd')}`;
  out.push(`set(${C('win')}, false) where ${live} and ${C('af')} == 0`);
  out.push(`set(${C('win')}, true) where ${live} and ${C('af')} == 0 and ${wins}`);
  out.push(`set(${A(S.ATTR_COST_CHEAPEST)}, ${C('bid')}) where ${C('win')} == true`);
  out.push(`set(${A(S.ATTR_COST_SAVINGS_USD)}, ${C('ausd')} - ${C('best')}) where ${C('win')} == true`);
  out.push(`set(${A(S.ATTR_COST_CHEAPEST)}, ${str(S.CHEAPEST_ACTUAL)}) where ${C('win')} == false`);
  out.push(`set(${A(S.ATTR_COST_SAVINGS_USD)}, 0.0) where ${C('win')} == false`);
  out.push(`set(${A(S.ATTR_COST_CHEAPEST)}, ${C('bid')}) where ${live} and ${C('af')} != 0 and ${C('bid')} != nil`);
}

/** The group condition: spans the in-process processor would price (a model name, not yet priced). */
export function gateCondition(): string {
  const named = MODEL_NAMES.map((n) => `(IsString(${A(n)}) and ${A(n)} != "")`).join(' or ');
  return `${A(S.ATTR_PRICING_VERSION)} == nil and ${A(S.ATTR_DUPLICATE)} != true and (${named})`;
}

/** Spans that arrive carrying the internal hand-over attribute (a client's, or a collector's before
 *  this one): it is dropped first, so only this processor's own groups can set it. */
export const inboundRetryCondition = (): string => `${A(S.ATTR_COLLECTOR_RETRY)} != nil`;
export const dropInboundRetry = (): string => `delete_key(span.attributes, ${str(S.ATTR_COLLECTOR_RETRY)})`;

/** The complete group's condition: spans the fast group handed over. */
export const retryCondition = (): string => `${A(S.ATTR_COLLECTOR_RETRY)} == true`;

/** The fast group's condition: the gate, for spans the express group neither priced nor handed over. */
export const fastCondition = (): string => `${gateCondition()} and ${A(S.ATTR_COLLECTOR_RETRY)} == nil`;

/**
 * The statements of one group. `fast`: the common path (the first model name found by its full
 * name); otherwise every rule of the engine, for the spans the fast group marked. `part` splits the
 * complete path in two groups: 'lookup' finds the model (or decides unpriced) and hands the record
 * reference on in the retry attribute (a string then); 'price' reads usage again and prices. A span
 * whose model is unknown so skips the pricing statements instead of evaluating each one's condition.
 */
export function costStatements(
  t: ModelTables,
  version: string,
  scenarios: readonly Scenario[],
  fast: boolean,
  part: 'all' | 'lookup' | 'price' = 'all',
): string[] {
  const out: Out = [];
  if (part === 'price') out.push(`set(${C('ref')}, ${A(S.ATTR_COLLECTOR_RETRY)})`);
  if (!fast) out.push(`delete_key(span.attributes, ${str(S.ATTR_COLLECTOR_RETRY)})`);
  // pcommon maps are scanned linearly and a missing key scans them all: the keys read by nearly every
  // statement go in first, with explicit values instead of "absent".
  out.push(`set(${C('stop')}, false)`, `set(${C('tok')}, false)`);
  out.push(`set(${A(S.ATTR_PRICING_VERSION)}, ${str(version)})`, `set(span.cache["L"], {})`);
  usage(out);
  if (part !== 'price') {
    provider(out, t);
    model(out, t, fast);
  }
  if (part === 'lookup') {
    out.push(`set(${A(S.ATTR_COLLECTOR_RETRY)}, ${C('ref')}) where ${C('stop')} == false`);
    return out;
  }
  actual(out, t);
  standInClass(out, t);
  scenarios.forEach((s, i) => scenario(out, t, s, i));
  cheapest(out);
  return out;
}

/** The pricing half of the complete path: spans whose record reference the lookup half handed on. */
export const priceCondition = (): string =>
  `IsString(${A(S.ATTR_COLLECTOR_RETRY)}) and IsMatch(${A(S.ATTR_COLLECTOR_RETRY)}, "^[0-9]{12}$")`;
