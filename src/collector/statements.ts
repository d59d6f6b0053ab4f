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
import { INPUT_NAMES, OUTPUT_NAMES, CACHE_READ_NAMES, CACHE_WRITE_NAMES, PROVIDER_NAMES, MODEL_NAMES } from '../pricing/usage';
import type { Scenario } from '../contracts';
import { A, C, int, reEscape, str } from './ottl';
import { ANY_PROVIDER, DEFAULT_CLASS, KEY_END, KEY_START, REF_WIDTH, type ModelTables } from './tables';

const MAX_COUNT = '9007199254740991.0';
/** JavaScript's String.prototype.trim() whitespace, as an RE2 class. */
const JS_SPACE = '[\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}]';
const TRIM = `^${JS_SPACE}+|${JS_SPACE}+$`;
const DATE_SUFFIX = '-([0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8})$';
const KEY_CHARS = '[\\x{1}\\x{2}]';
const FAIL = { noPrice: 1, unsupported: 2, missing: 3, invalid: 4 } as const;

type Out = string[];

/** Copies the first present attribute of `names` into cache[key] (present = not nil, any type). */
function firstPresent(out: Out, key: string, names: readonly string[]): void {
  names.forEach((n, i) => out.push(i === 0 ? `set(${C(key)}, ${A(n)})` : `set(${C(key)}, ${A(n)}) where ${C(key)} == nil`));
}

/** cache[key+'v'] = the count as a double when valid; cache[badKey] = true when present but unusable. */
function validateCount(out: Out, key: string, badKey: string): void {
  const v = C(`${key}v`);
  out.push(`set(${v}, Double(${C(key)})) where IsInt(${C(key)}) or IsDouble(${C(key)})`);
  out.push(`set(${C(badKey)}, true) where ${C(key)} != nil and not (${v} >= 0.0 and ${v} <= ${MAX_COUNT})`);
}

function usage(out: Out): void {
  out.push(`set(${C('op')}, ${A(S.ATTR_GEN_AI_OPERATION_NAME)}) where IsString(${A(S.ATTR_GEN_AI_OPERATION_NAME)})`);
  for (const [t, op] of [['completion', S.OPERATION.textCompletion], ['embedding', S.OPERATION.embeddings], ['chat', S.OPERATION.chat]]) {
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
  out.push(`set(${C('bad')}, true) where ${C('bad')} == nil and ${C('inv')} != nil and ${C('outv')} != nil and ${C('rd0')} + ${C('wr0')} > ${C('inv')}`);
  out.push(`set(${C('tok')}, true) where ${C('bad')} == nil and ${C('inv')} != nil and ${C('outv')} != nil`);
  out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.invalidUsage)}) where ${C('bad')} == true`);
  out.push(`set(${C('stop')}, true) where ${C('bad')} == true`);
}

function provider(out: Out, t: ModelTables): void {
  PROVIDER_NAMES.forEach((n) => out.push(`set(${C('pn')}, ${A(n)}) where ${C('stop')} == nil and ${C('pn')} == nil and IsString(${A(n)}) and ${A(n)} != ""`));
  out.push(`replace_pattern(${C('pn')}, ${str(TRIM)}, "") where ${C('pn')} != nil`);
  out.push(`set(${C('pn')}, ToLowerCase(${C('pn')})) where ${C('pn')} != nil`);
  const table = [...t.providerNames].map(([name, id]) => KEY_START + name + KEY_END + t.contexts.get(id)!).join('');
  out.push(`set(${C('pk')}, Concat([${str(KEY_START)}, ${C('pn')}, ${str(KEY_END)}], "")) where ${C('pn')} != nil and not IsMatch(${C('pn')}, ${str(KEY_CHARS)})`);
  out.push(`set(${C('pi')}, Index(${str(table)}, ${C('pk')})) where ${C('pk')} != nil`);
  out.push(`set(${C('ctx')}, Substring(${str(table)}, ${C('pi')} + Len(${C('pk')}), 2)) where ${C('pk')} != nil and ${C('pi')} >= 0`);
  out.push(`set(${C('ctx')}, ${str(ANY_PROVIDER)}) where ${C('stop')} == nil and ${C('pn')} == nil`);
  out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.unknownProvider)}) where ${C('stop')} == nil and ${C('ctx')} == nil`);
  out.push(`set(${C('stop')}, true) where ${C('ctx')} == nil`);
}

/** Exact lookup of cache[name] in the key tables -> cache['ref']. */
function lookup(out: Out, t: ModelTables, name: string): void {
  out.push(`delete_key(span.cache, "k")`);
  out.push(`set(${C('k')}, Concat([${str(KEY_START)}, ${C('ctx')}, ${C(name)}, ${str(KEY_END)}], "")) where ${C('ref')} == nil and ${C(name)} != nil and not IsMatch(${C(name)}, ${str(KEY_CHARS)})`);
  out.push(`set(${C('h')}, FNV(${C('k')})) where ${C('k')} != nil`);
  out.push(`set(${C('b')}, ${C('h')} - (${C('h')} / ${int(t.buckets)}) * ${int(t.buckets)} + ${int(t.buckets)}) where ${C('k')} != nil`);
  out.push(`delete_key(span.cache, "kt")`);
  for (const [b, chunk] of [...t.keyChunks].sort((x, y) => x[0] - y[0])) {
    out.push(`set(${C('kt')}, ${str(chunk)}) where ${C('b')} == ${int(b)} and ${C('k')} != nil`);
  }
  out.push(`set(${C('ki')}, Index(${C('kt')}, ${C('k')})) where ${C('kt')} != nil`);
  out.push(`set(${C('ref')}, Substring(${C('kt')}, ${C('ki')} + Len(${C('k')}), ${int(REF_WIDTH)})) where ${C('kt')} != nil and ${C('ki')} >= 0`);
}

/** Longest-prefix rules (engine order) for cache[name] -> cache['ref']. */
function prefix(out: Out, t: ModelTables, name: string): void {
  const codes = [...t.prefixes.keys()];
  if (codes.length === 0) return;
  const table = [...t.prefixes].flatMap(([code, list]) => list.map((p) => KEY_START + code + p.prefix + KEY_END + p.ref)).join('');
  out.push(`delete_key(span.cache, "pm")`);
  out.push(`set(${C('pm')}, ${C(name)}) where ${C('ref')} == nil and ${C(name)} != nil and (${codes.map((c) => `${C('ctx')} == ${str(c)}`).join(' or ')})`);
  for (const [code, list] of t.prefixes) {
    const re = `(?s)^(${list.map((p) => reEscape(p.prefix)).join('|')}).*$`;
    out.push(`replace_pattern(${C('pm')}, ${str(re)}, "$1") where ${C('pm')} != nil and ${C('ctx')} == ${str(code)}`);
  }
  out.push(`set(${C('pk2')}, Concat([${str(KEY_START)}, ${C('ctx')}, ${C('pm')}, ${str(KEY_END)}], "")) where ${C('pm')} != nil and not IsMatch(${C('pm')}, ${str(KEY_CHARS)})`);
  out.push(`set(${C('ppi')}, Index(${str(table)}, ${C('pk2')})) where ${C('pm')} != nil and ${C('pk2')} != nil`);
  out.push(`set(${C('ref')}, Substring(${str(table)}, ${C('ppi')} + Len(${C('pk2')}), ${int(REF_WIDTH)})) where ${C('pm')} != nil and ${C('pk2')} != nil and ${C('ppi')} >= 0`);
  out.push(`delete_key(span.cache, "pk2")`);
}

/** findModel(): response model, then request model, then OpenInference's, each with index.lookup(). */
function model(out: Out, t: ModelTables): void {
  MODEL_NAMES.forEach((attr, i) => {
    const n = `n${i}`;
    const s = `s${i}`;
    out.push(`set(${C(n)}, ${A(attr)}) where ${C('stop')} == nil and ${C('ref')} == nil and IsString(${A(attr)}) and ${A(attr)} != ""`);
    out.push(`replace_pattern(${C(n)}, ${str(TRIM)}, "") where ${C(n)} != nil`);
    out.push(`set(${C(n)}, ToLowerCase(${C(n)})) where ${C(n)} != nil`);
    lookup(out, t, n);
    prefix(out, t, n);
    // A dated snapshot not known by its full name: the same rules on the name without the date.
    out.push(`set(${C(s)}, ${C(n)}) where ${C('ref')} == nil and ${C(n)} != nil and IsMatch(${C(n)}, ${str(DATE_SUFFIX)})`);
    out.push(`replace_pattern(${C(s)}, ${str(DATE_SUFFIX)}, "") where ${C(s)} != nil`);
    lookup(out, t, s);
    prefix(out, t, s);
  });
  out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.unknownModel)}) where ${C('stop')} == nil and ${C('ref')} == nil`);
  out.push(`set(${C('stop')}, true) where ${C('ref')} == nil`);
}

/** Reads the record a 12-digit ref points to (chunk, offset, length) into cache[target]. */
function fetchRecord(out: Out, chunks: string[], ref: string, target: string): void {
  const p = target;
  out.push(`set(${C(`${p}c`)}, Int(Substring(${C(ref)}, 0, 3))) where ${C('stop')} == nil and ${C(ref)} != nil`);
  out.push(`set(${C(`${p}o`)}, Int(Substring(${C(ref)}, 3, 5))) where ${C(`${p}c`)} != nil`);
  out.push(`set(${C(`${p}l`)}, Int(Substring(${C(ref)}, 8, 4))) where ${C(`${p}c`)} != nil`);
  chunks.forEach((chunk, j) => out.push(`set(${C(`${p}t`)}, ${str(chunk)}) where ${C(`${p}c`)} == ${int(j)}`));
  out.push(`set(${C(p)}, ParseJSON(Substring(${C(`${p}t`)}, ${C(`${p}o`)}, ${C(`${p}l`)}))) where ${C(`${p}t`)} != nil`);
}

/** periodAt(): the last period whose start is <= the span's start time, into cache[X+'p']. */
function period(out: Out, t: ModelTables, rec: string, X: string, guard: string): void {
  const P = `${C(rec)}["P"]`;
  for (let j = 0; j < t.maxPeriods; j++) {
    out.push(`set(${C(`${X}p`)}, ${P}[${j}]) where ${guard} and Len(${P}) > ${j} and (${P}[${j}]["f"] == nil or ${P}[${j}]["f"] <= ${C('t')})`);
  }
}

/** priceUsage(): cache[X+'usd'] or cache[X+'fail'] for the period cache[X+pk], counts scaled by `factor`. */
function price(out: Out, t: ModelTables, X: string, pk: string, factor: string | undefined): void {
  const K = C(`${X}${pk}`);
  const fail = C(`${X}fail`);
  const ok = `${fail} == nil and ${K} != nil`;
  const scaled = (v: string): string => (factor ? `${v} * ${factor}` : v);
  const c = (k: string): string => C(`${X}${k}`);
  out.push(`set(${c('usd')}, 0.0) where ${ok}`);
  out.push(`set(${fail}, ${FAIL.missing}) where ${ok} and ${K}["k"] != nil and ${C('tok')} != true`);
  const G = `${ok} and ${K}["k"] != nil`;
  out.push(`set(${c('in')}, ${scaled(C('inv'))}) where ${G}`);
  out.push(`set(${c('rd')}, ${scaled(C('rd0'))}) where ${G}`);
  out.push(`set(${c('wr')}, ${scaled(C('wr0'))}) where ${G}`);
  out.push(`set(${c('ou')}, ${scaled(C('outv'))}) where ${G}`);
  for (let j = 0; j < t.maxTiers; j++) {
    out.push(`set(${c('T')}, ${K}["t"][${j}]) where ${G} and ${K}["t"] != nil and Len(${K}["t"]) > ${j} and ${c('in')} >= ${K}["t"][${j}]["m"]`);
  }
  const tier = (f: string): string => `set(${c(`p${f}`)}, ${c('T')}["${f}"]) where ${G} and ${c('T')} != nil`;
  out.push(`set(${c('pi')}, ${K}["i"]) where ${G}`);
  if (t.maxTiers) out.push(tier('i'));
  for (const f of ['c', 'w']) {
    out.push(`set(${c(`p${f}`)}, ${c('pi')}) where ${G}`);
    out.push(`set(${c(`p${f}`)}, ${K}["${f}"]) where ${G}`);
    if (t.maxTiers) out.push(tier(f));
  }
  out.push(`set(${c('po')}, ${K}["o"]) where ${G}`);
  if (t.maxTiers) out.push(tier('o'));
  out.push(`set(${c('un')}, ${c('in')} - ${c('rd')} - ${c('wr')}) where ${G}`);
  out.push(`set(${fail}, ${FAIL.unsupported}) where ${G} and ((${c('un')} > 0.0 and ${c('pi')} == nil) or (${c('rd')} > 0.0 and ${c('pc')} == nil) or (${c('wr')} > 0.0 and ${c('pw')} == nil) or (${c('ou')} > 0.0 and ${c('po')} == nil))`);
  const parts: Array<[string, string, string]> = [['a1', 'un', 'pi'], ['a2', 'rd', 'pc'], ['a3', 'wr', 'pw'], ['a4', 'ou', 'po']];
  for (const [a, q, p] of parts) {
    out.push(`set(${c(a)}, 0.0) where ${G}`);
    out.push(`set(${c(a)}, ${c(q)} * ${c(p)}) where ${G} and ${c(q)} > 0.0`);
  }
  out.push(`set(${c('usd')}, ${c('usd')} + (${c('a1')} + ${c('a2')} + ${c('a3')} + ${c('a4')}) / 1000000.0) where ${G}`);
  // Flat per-request price: null in the data means flat but unpublished (user config needed).
  out.push(`set(${fail}, ${FAIL.noPrice}) where ${ok} and ${K}["qn"] != nil`);
  out.push(`set(${c('usd')}, ${c('usd')} + ${K}["q"]) where ${ok} and ${K}["q"] != nil`);
  const IG = `${ok} and (${K}["g"] != nil or ${K}["gm"] != nil)`;
  out.push(`set(${fail}, ${FAIL.missing}) where ${IG} and ${C('im')} == nil`);
  out.push(`set(${fail}, ${FAIL.invalid}) where ${IG} and ${C('imbad')} == true`);
  out.push(`set(${c('ge')}, ${K}["g"]) where ${IG}`);
  out.push(`set(${c('gk')}, Concat([${C('iq')}, "/", ${C('isz')}], "")) where ${IG} and ${K}["gm"] != nil and ${C('iq')} != nil and ${C('isz')} != nil`);
  out.push(`set(${c('ge')}, ${K}["gm"][${c('gk')}]) where ${IG} and ${c('gk')} != nil`);
  out.push(`set(${c('ge')}, ${K}["gm"][${C('iq')}]) where ${IG} and ${c('ge')} == nil and ${K}["gm"] != nil and ${C('iq')} != nil`);
  out.push(`set(${c('ge')}, ${K}["gm"]["default"]) where ${IG} and ${c('ge')} == nil and ${K}["gm"] != nil`);
  out.push(`set(${fail}, ${FAIL.noPrice}) where ${IG} and ${c('ge')} == nil`);
  out.push(`set(${c('usd')}, ${c('usd')} + ${c('ge')} * ${C('imv')}) where ${IG}`);
  const AG = `${ok} and ${K}["a"] != nil`;
  out.push(`set(${fail}, ${FAIL.missing}) where ${AG} and ${C('au')} == nil`);
  out.push(`set(${fail}, ${FAIL.invalid}) where ${AG} and ${C('aubad')} == true`);
  out.push(`set(${c('usd')}, ${c('usd')} + ${K}["a"] * ${C('aum')}) where ${AG}`);
}

function actual(out: Out, t: ModelTables, recordChunks: string[]): void {
  fetchRecord(out, recordChunks, 'ref', 'R');
  out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(S.UNPRICED.unknownModel)}) where ${C('stop')} == nil and ${C('R')} == nil`);
  out.push(`set(${C('stop')}, true) where ${C('R')} == nil`);
  out.push(`set(${C('t')}, Double(span.start_time_unix_nano) / 1000000.0) where ${C('stop')} == nil`);
  period(out, t, 'R', 'a', `${C('stop')} == nil`);
  out.push(`set(${C('afail')}, ${FAIL.noPrice}) where ${C('stop')} == nil and ${C('ap')} == nil`);
  price(out, t, 'a', 'p', undefined);
  const reasons: Array<[number, string]> = [[FAIL.missing, S.UNPRICED.missingUsage], [FAIL.invalid, S.UNPRICED.invalidUsage], [FAIL.unsupported, S.UNPRICED.unsupportedUnit], [FAIL.noPrice, S.UNPRICED.noPrice]];
  for (const [code, reason] of reasons) out.push(`set(${A(S.ATTR_COST_UNPRICED)}, ${str(reason)}) where ${C('stop')} == nil and ${C('afail')} == ${code}`);
  out.push(`set(${A(S.ATTR_COST_USD)}, ${C('ausd')}) where ${C('stop')} == nil and ${C('afail')} == nil`);
  // Without a usable usage there is nothing to compare; a flat call without a price still gets scenarios.
  out.push(`set(${C('stop')}, true) where ${C('stop')} == nil and ${C('afail')} != nil and ${C('afail')} != ${FAIL.noPrice}`);
}

function standInClass(out: Out, t: ModelTables): void {
  out.push(`set(${C('cls')}, ${str(DEFAULT_CLASS)}) where ${C('stop')} == nil`);
  for (const [op, cls] of Object.entries(t.operationClasses)) {
    if (op === '') continue; // an empty operation is "no operation" in the engine
    out.push(`set(${C('cls')}, ${str(cls)}) where ${C('stop')} == nil and ${C('op')} == ${str(op)}`);
  }
  for (const [cls, refs] of t.classStandIns) {
    out.push(`set(${C('cv')}, [${refs.map((r) => int(r)).join(', ')}]) where ${C('stop')} == nil and ${C('cls')} == ${str(cls)}`);
  }
}

function scenario(out: Out, t: ModelTables, s: Scenario, i: number, chunks: string[], width: number, perChunk: number): void {
  const X = `x${i}`;
  const c = (k: string): string => C(`${X}${k}`);
  out.push(`set(${c('si')}, Int(${C('R')}["s"][${i}])) where ${C('stop')} == nil`);
  out.push(`set(${c('si')}, ${C('cv')}[${i}]) where ${c('si')} == 1`);
  out.push(`set(${A(S.scenarioInfeasibleAttr(s.id))}, ${str(S.INFEASIBLE.noModel)}) where ${c('si')} == 0`);
  out.push(`set(${c('sx')}, ${c('si')} - 2) where ${c('si')} != nil and ${c('si')} >= 2`);
  out.push(`set(${c('sc')}, ${c('sx')} / ${int(perChunk)}) where ${c('sx')} != nil`);
  chunks.forEach((chunk, j) => out.push(`set(${c('st')}, ${str(chunk)}) where ${c('sc')} == ${int(j)}`));
  out.push(`set(${c('S')}, ParseJSON(Substring(${c('st')}, (${c('sx')} - ${c('sc')} * ${int(perChunk)}) * ${int(width)}, ${int(width)}))) where ${c('st')} != nil`);
  out.push(`set(${A(S.scenarioModelAttr(s.id))}, ${c('S')}["id"]) where ${c('S')} != nil`);
  period(out, t, `${X}S`, X, `${c('S')} != nil`);
  out.push(`set(${A(S.scenarioInfeasibleAttr(s.id))}, ${str(S.INFEASIBLE.noPrice)}) where ${c('S')} != nil and ${c('p')} == nil`);
  out.push(`set(${c('f')}, ${c('S')}["r"] / ${C('R')}["r"]) where ${c('p')} != nil`);
  // fitsWindow() on translated counts, only when the tokens are usable.
  out.push(`set(${c('wi')}, ${C('inv')} * ${c('f')}) where ${c('p')} != nil and ${C('tok')} == true`);
  out.push(`set(${c('cw')}, true) where ${c('wi')} != nil and ${c('S')}["m"] != nil and ${c('wi')} > ${c('S')}["m"]`);
  out.push(`set(${c('cw')}, true) where ${c('wi')} != nil and ${c('S')}["w"] != nil and ${c('wi')} + ${C('o0')} * ${c('f')} > ${c('S')}["w"]`);
  out.push(`set(${A(S.scenarioInfeasibleAttr(s.id))}, ${str(S.INFEASIBLE.contextWindow)}) where ${c('cw')} == true`);
  out.push(`set(${c('q')}, ${c('p')}) where ${c('p')} != nil and ${c('cw')} == nil`);
  price(out, t, X, 'q', c('f'));
  const reasons: Array<[number, string]> = [[FAIL.missing, S.INFEASIBLE.missingUsage], [FAIL.invalid, S.INFEASIBLE.missingUsage], [FAIL.unsupported, S.INFEASIBLE.unsupportedOperation], [FAIL.noPrice, S.INFEASIBLE.noPrice]];
  for (const [code, reason] of reasons) out.push(`set(${A(S.scenarioInfeasibleAttr(s.id))}, ${str(reason)}) where ${c('q')} != nil and ${c('fail')} == ${code}`);
  const priced = `${c('q')} != nil and ${c('fail')} == nil`;
  out.push(`set(${A(S.scenarioCostAttr(s.id))}, ${c('usd')}) where ${priced}`);
  // Strictly cheaper wins: the first scenario keeps a tie, as in the engine.
  out.push(`set(${C('bid')}, ${str(s.id)}) where ${priced} and (${C('best')} == nil or ${c('usd')} < ${C('best')})`);
  out.push(`set(${C('best')}, ${c('usd')}) where ${priced} and (${C('best')} == nil or ${c('usd')} < ${C('best')})`);
}

function cheapest(out: Out): void {
  const live = `${C('stop')} == nil`;
  const wins = `${C('bid')} != nil and ${C('best')} < ${C('ausd')}`;
  out.push(`set(${A(S.ATTR_COST_CHEAPEST)}, ${C('bid')}) where ${live} and ${C('afail')} == nil and ${wins}`);
  out.push(`set(${A(S.ATTR_COST_SAVINGS_USD)}, ${C('ausd')} - ${C('best')}) where ${live} and ${C('afail')} == nil and ${wins}`);
  out.push(`set(${A(S.ATTR_COST_CHEAPEST)}, ${str(S.CHEAPEST_ACTUAL)}) where ${live} and ${C('afail')} == nil and not (${wins})`);
  out.push(`set(${A(S.ATTR_COST_SAVINGS_USD)}, 0.0) where ${live} and ${C('afail')} == nil and not (${wins})`);
  out.push(`set(${A(S.ATTR_COST_CHEAPEST)}, ${C('bid')}) where ${live} and ${C('afail')} != nil and ${C('bid')} != nil`);
}

/** The group condition: spans the in-process processor would price (a model name, not yet priced). */
export function gateCondition(): string {
  const named = MODEL_NAMES.map((n) => `(IsString(${A(n)}) and ${A(n)} != "")`).join(' or ');
  return `${A(S.ATTR_PRICING_VERSION)} == nil and ${A(S.ATTR_DUPLICATE)} != true and (${named})`;
}

export function costStatements(t: ModelTables, version: string, scenarios: readonly Scenario[]): string[] {
  const out: Out = [];
  out.push(`set(${A(S.ATTR_PRICING_VERSION)}, ${str(version)})`);
  usage(out);
  provider(out, t);
  model(out, t);
  actual(out, t, t.records.chunks);
  standInClass(out, t);
  scenarios.forEach((s, i) => scenario(out, t, s, i, t.standIns[i].chunks, t.standIns[i].width, t.standIns[i].perChunk));
  cheapest(out);
  return out;
}
