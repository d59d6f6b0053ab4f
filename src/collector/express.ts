/**
 * The express statement group: runs early and prices, in about 95 cheap statements, the spans that
 * need none of the engine's rarer rules; every other span is left untouched for the complete groups
 * (statements.ts), which then price it exactly as before.
 *
 * Why a separate path: in OTTL, materialising values is what costs (measured on the built collector:
 * ParseJSON of a 600-byte record ~18 µs, a math operator ~0.2 µs, an executed set ~0.1 µs), so the
 * express path reads one pre-computed record per (provider, model name) with one Split, and prices
 * each scenario with one arithmetic expression on pre-scaled coefficients.
 *
 * A span takes the express path only when all of these hold (checked in statement `ok`, and by the
 * record existing at all): provider attribute absent or a provider id (any case, no padding, no
 * alias); the first model name, lower-cased, a known name or a dated snapshot of one; integer token
 * counts (input and output, or embeddings without output), cache reads + writes <= input; span start
 * at or after the record's latest price
 * period (+1 ms); input + output below every tier threshold and context limit of the actual model and
 * the stand-ins (with a margin), so tiers and windows cannot apply; prices per token only (no
 * per-request, image, audio or minimum charges), stand-ins that do not depend on the operation.
 * Results equal the engine's up to floating-point rounding of the 13-digit pre-scaled coefficients
 * (relative ~1e-12; the contract is 1e-9).
 */
import * as S from '../semconv';
import {
  CACHE_READ_NAMES,
  CACHE_WRITE_NAMES,
  INPUT_NAMES,
  MODEL_NAMES,
  OUTPUT_NAMES,
  PROVIDER_NAMES,
} from '../pricing/usage';
import type { Pricing, PricingSources } from '../pricing';
import type { ModelEntry, PricePeriod } from '../pricing/types';
import type { ResolvedConfig } from '../config';
import { createStandInResolver } from '../pricing/equivalence';
import { A, C, DATE_SUFFIX_PATTERN, bucketOf, int, num, str } from './ottl';
import { DATE_SUFFIX } from '../pricing/match';
import { universe } from './tables';

const SEP = '\u0001';
const KEY_START = '\u0001';
const KEY_MID = '\u0002';
const KEY_END = '\u0003';
/** Ends the key of a dated snapshot's base name: "name-YYYY-MM-DD" not known by its full name. */
const KEY_DATED = '\u0004';
const REF_WIDTH = 12;
/** A needle whose provider and name hold no key delimiter (else it could match across keys). */
const SAFE = '^\\x{1}[^\\x{1}-\\x{4}]*\\x{2}[^\\x{1}-\\x{4}]*\\x{3}$';
const SAFE_DATED = '^\\x{1}[^\\x{1}-\\x{4}]*\\x{2}[^\\x{1}-\\x{4}]*\\x{4}$';
const MAX_COUNT = '9007199254740991';
/** Margin on every limit: a span within it of a tier or window takes the complete path. */
const MARGIN = 1 - 1e-9;
/**
 * Chunk size of the key and record lists. Each span copies every element of both lists into its cache
 * (per element ~0.15 µs measured), while Index() over a bigger chunk costs little; literal parse time
 * grows faster than linearly with length, so chunks stay at a size that still starts quickly.
 */
const CHUNK_BYTES = 12000;
/** Fields per scenario in a record: stand-in id, constant infeasible reason, four coefficients, and the
 *  window bounds: fits when input + output <= fit; exceeds when input > xm or input + output > xw. */
const PER_SLOT = 9;
const NONE = '1e300';
const HEAD = 9; // start ns, tier limit, output-must-be-0 flag, actual coefficients (4), output shape, all-fit limit

export interface ExpressTables {
  buckets: number;
  keyChunks: string[];
  recordChunks: string[];
  /** Per output shape: for each scenario 'm' (stand-in id) 'r' (constant reason) 'c' (cost), or '-'. */
  shapes: string[];
}

/** A coefficient in 13 significant digits (relative error < 1e-12, far inside the 1e-9 contract): shorter records, fewer chunks. */
const short = (x: number): string => String(Number(x.toPrecision(13)));

type Slot = { id: string; reason: string; coef: number[] | undefined; fit: number; xm: number; xw: number };

function lastPeriod(e: ModelEntry): PricePeriod | undefined {
  return e.periods[e.periods.length - 1];
}

/** Per-token prices of a period with nothing else (no flat, image, audio or minimum parts). */
function tokenOnly(p: PricePeriod): boolean {
  return (
    p.tokenMetered &&
    p.inputMtok !== undefined &&
    p.perRequest === undefined &&
    p.perImage === undefined &&
    p.perAudioMinute === undefined &&
    !(p.minUsd > 0)
  );
}

/** The express record for an actual model, or undefined when the complete path must price it. */
function record(
  shapeOf: (shape: string) => number,
  e: ModelEntry,
  stand: ReadonlyArray<ModelEntry | undefined>,
): string | undefined {
  const p = lastPeriod(e);
  if (!p || !tokenOnly(p)) return undefined;
  let from = p.fromMs;
  let limit = Infinity;
  let outZero = p.outputMtok === undefined;
  const tierLimit = (q: PricePeriod, f: number): void => {
    for (const t of q.tiers ?? []) limit = Math.min(limit, (t.min_input_tokens / f) * MARGIN - 1);
  };
  tierLimit(p, 1);
  // Per token, scaled: uncached input, cache read, cache write, output (absent cache prices = input's).
  const coef = (q: PricePeriod, f: number): number[] => {
    const pin = q.inputMtok!;
    return [pin, q.cachedInputMtok ?? pin, q.cacheWriteMtok ?? pin, q.outputMtok ?? 0].map((x) => (f * x) / 1e6);
  };
  const slots: Slot[] = [];
  for (const st of stand) {
    const none = { fit: Infinity, xm: Infinity, xw: Infinity };
    if (!st) {
      slots.push({ id: '', reason: S.INFEASIBLE.noModel, coef: undefined, ...none });
      continue;
    }
    if (st.id === '' || st.id.includes(SEP)) return undefined;
    const q = lastPeriod(st);
    if (!q) {
      slots.push({ id: st.id, reason: S.INFEASIBLE.noPrice, coef: undefined, ...none });
      continue;
    }
    from = Math.max(from, q.fromMs);
    const f = st.tokenRatio / e.tokenRatio;
    // The engine's window check (fitsWindow, translated counts) with margins both ways: a span between
    // "surely fits" and "surely exceeds" takes the complete path.
    const win = { fit: Infinity, xm: Infinity, xw: Infinity };
    for (const w of [st.maxInput, st.window])
      if (w !== undefined) win.fit = Math.min(win.fit, Math.floor((w / f) * MARGIN - 1));
    if (st.maxInput !== undefined) win.xm = Math.ceil(st.maxInput / f / MARGIN + 1);
    if (st.window !== undefined) win.xw = Math.ceil(st.window / f / MARGIN + 1);
    if (
      q.perRequest === null &&
      (!q.tokenMetered || (q.inputMtok !== undefined && q.outputMtok !== undefined)) &&
      q.perImage === undefined &&
      q.perAudioMinute === undefined
    ) {
      slots.push({ id: st.id, reason: S.INFEASIBLE.noPrice, coef: undefined, ...win });
      continue;
    }
    if (!tokenOnly(q)) return undefined;
    if (q.outputMtok === undefined) outZero = true;
    tierLimit(q, f);
    slots.push({ id: st.id, reason: '', coef: coef(q, f), ...win });
  }
  if (!(limit > 0)) return undefined;
  // Start bound in ns as a double, 1 ms late: Double(ns) >= it implies the engine's ms time is past the period start.
  const startNs = from === -Infinity ? '-1e300' : num((from + 1) * 1e6);
  // Which attributes each scenario gets (model id, reason, cost): one output statement per shape.
  const shape = slots.map((s) => (s.id ? 'm' : '-') + (s.reason ? 'r' : '-') + (s.coef ? 'c' : '-')).join('');
  const bound = (x: number): string => (Number.isFinite(x) ? String(x) : NONE);
  const fitAll = Math.min(...slots.map((x) => x.fit));
  if (!(fitAll > 0)) return undefined;
  const fields = [
    startNs,
    bound(Math.floor(limit)),
    outZero ? '1' : '',
    ...coef(p, 1).map(short),
    String(shapeOf(shape)),
    bound(fitAll),
  ];
  for (const s of slots)
    fields.push(
      s.id,
      s.reason,
      ...(s.coef ? s.coef.map(short) : ['', '', '', '']),
      bound(s.fit),
      bound(s.xm),
      bound(s.xw),
    );
  return fields.join(SEP);
}

export function buildExpressTables(
  pricing: Pricing,
  sources: PricingSources,
  config: Partial<ResolvedConfig>,
): ExpressTables {
  const index = pricing.index;
  const scenarios = pricing.scenarios;
  const standIn = createStandInResolver(pricing, scenarios);
  const classOps = [...new Set(Object.values(pricing.operationClasses))].map(
    (cls) => Object.entries(pricing.operationClasses).find(([, c]) => c === cls)![0],
  );
  const shapes: string[] = [];
  const shapeOf = (shape: string): number => {
    if (!shapes.includes(shape)) shapes.push(shape);
    return shapes.indexOf(shape);
  };
  const recordOf = new Map<ModelEntry, string | null>();
  const recordFor = (e: ModelEntry): string | undefined => {
    let r = recordOf.get(e);
    if (r === undefined) {
      const fixed = standIn(e, undefined);
      // A class-less model whose stand-ins follow the operation: the complete path decides.
      const varies = e.class === undefined && classOps.some((op) => standIn(e, op).some((st, s) => st !== fixed[s]));
      r = (varies ? undefined : record(shapeOf, e, fixed)) ?? null;
      recordOf.set(e, r);
    }
    return r ?? undefined;
  };
  const textRef = new Map<string, string>();
  const chunks: string[] = [];
  let cur = '';
  const refOf = (text: string): string => {
    let ref = textRef.get(text);
    if (ref !== undefined) return ref;
    if (cur.length > 0 && Buffer.byteLength(cur) + Buffer.byteLength(text) > CHUNK_BYTES) {
      chunks.push(cur);
      cur = '';
    }
    ref =
      String(chunks.length).padStart(3, '0') +
      String(Buffer.byteLength(cur)).padStart(5, '0') +
      String(Buffer.byteLength(text)).padStart(4, '0');
    cur += text;
    textRef.set(text, ref);
    return ref;
  };
  const keys: string[] = [];
  const prefixes = Object.values(sources.prices.providers).flatMap((p) =>
    p.models.flatMap((m) => m.prefixes ?? []).map((x) => x.toLowerCase()),
  );
  // Names with a key delimiter (\x01-\x04) stay with the complete path: a needle could match inside them.
  const names = [...universe(sources, config)].filter((n) => !/[\u0001-\u0004]/.test(n) && n !== '');
  const spellings: Array<[string, string | undefined]> = [['', undefined]];
  for (const id of index.providers()) {
    const p = id.toLowerCase();
    if (p !== '' && !/[\u0001-\u0004]/.test(p) && p === p.trim() && index.provider(p) === id) spellings.push([p, id]);
  }
  for (const [spelling, id] of spellings) {
    for (const name of names) {
      const e = index.lookup(id, name);
      const rec = e && recordFor(e);
      if (rec) keys.push(refOf(rec) + KEY_START + spelling + KEY_MID + name + KEY_END);
      // The same name with any date suffix, when every date resolves alike (no longer prefix rule
      // can catch the dated form first): one key serves all the snapshots the index would find.
      if (DATE_SUFFIX.test(name) || prefixes.some((p) => p.length > name.length && p.startsWith(name))) continue;
      const dated = ['-2099-12-31', '-19990101', '-2024-08-06'].map((d) => index.lookup(id, name + d));
      if (!dated[0] || dated.some((d) => d !== dated[0]) || names.includes(name + '-2024-08-06')) continue;
      const drec = recordFor(dated[0]);
      if (drec) keys.push(refOf(drec) + KEY_START + spelling + KEY_MID + name + KEY_DATED);
    }
  }
  if (cur.length > 0) chunks.push(cur);
  if (chunks.length > 999) throw new Error('pricing data too large for the collector express records');
  const total = keys.reduce((n, k) => n + Buffer.byteLength(k), 0);
  const buckets = Math.max(1, Math.ceil(total / (CHUNK_BYTES * 0.8)));
  const keyChunks = Array.from({ length: buckets }, () => '');
  for (const k of keys) {
    // Bucket by provider + name without its date suffix: a dated name's exact and base keys share it.
    const base = k.slice(REF_WIDTH, -1).replace(DATE_SUFFIX, '');
    keyChunks[bucketOf(base, buckets) % buckets] += k;
  }
  return { buckets, keyChunks, recordChunks: chunks, shapes };
}

/** The express group's statements (same gate as the complete groups). */
export function expressStatements(t: ExpressTables, version: string, scenarioIds: readonly string[]): string[] {
  const out: string[] = [];
  const firstString = (key: string, names: readonly string[]): void => {
    out.push(`set(${C(key)}, "")`);
    for (const n of names) out.push(`set(${C(key)}, ${A(n)}) where ${C(key)} == "" and IsString(${A(n)})`);
  };
  // Last write wins and a nil value is not written: reversed, this is "first present".
  const firstPresent = (key: string, names: readonly string[]): void => {
    for (const n of [...names].reverse()) out.push(`set(${C(key)}, ${A(n)})`);
  };
  firstString('m', MODEL_NAMES);
  out.push(`set(${C('m')}, ToLowerCase(${C('m')}))`);
  firstString('p', PROVIDER_NAMES);
  out.push(`set(${C('p')}, ToLowerCase(${C('p')}))`);
  firstPresent('i', INPUT_NAMES);
  firstPresent('o', OUTPUT_NAMES);
  out.push(`set(${C('d')}, 0)`);
  firstPresent('d', CACHE_READ_NAMES);
  out.push(`set(${C('w')}, 0)`);
  firstPresent('w', CACHE_WRITE_NAMES);
  out.push(
    `set(${C('o')}, 0) where ${C('o')} == nil and (${A(S.ATTR_GEN_AI_OPERATION_NAME)} == ${str(S.OPERATION.embeddings)} or (not IsString(${A(S.ATTR_GEN_AI_OPERATION_NAME)}) and ${A(S.ATTR_LLM_REQUEST_TYPE)} == "embedding"))`,
  );
  // Key lookup: the FNV bucket of provider + base name (date suffix removed) picks one chunk of
  // "ref \x01 provider \x02 name \x03|\x04" keys (\x04: the base name of any dated snapshot). (A chain of
  // `set(chunk) where bucket == j` statements measured slower than this list: each statement costs more.)
  const B = int(t.buckets);
  out.push(`set(${C('n')}, ${C('m')})`);
  out.push(`replace_pattern(${C('n')}, ${str(DATE_SUFFIX_PATTERN)}, "")`);
  out.push(`set(${C('h')}, FNV(Concat([${str(KEY_START)}, ${C('p')}, ${str(KEY_MID)}, ${C('n')}], "")))`);
  out.push(`set(${C('h')}, ${C('h')} - (${C('h')} / ${B}) * ${B} + ${B})`);
  out.push(`set(${C('h')}, ${C('h')} - (${C('h')} / ${B}) * ${B})`);
  out.push(`set(${C('T')}, [${t.keyChunks.map(str).join(', ')}])`);
  out.push(`set(${C('t')}, ${C('T')}[${C('h')}])`);
  const lookup = (name: string, end: string, safe: string, guard: string): void => {
    out.push(
      `set(${C('k')}, Concat([${str(KEY_START)}, ${C('p')}, ${str(KEY_MID)}, ${C(name)}, ${str(end)}], "")) where ${guard}`,
    );
    out.push(`set(${C('x')}, Index(${C('t')}, ${C('k')})) where ${guard}`);
    // A name or provider containing a key delimiter could match across keys: such spans go the complete way.
    out.push(
      `set(${C('r')}, Substring(${C('t')}, ${C('x')} - ${int(REF_WIDTH)}, ${int(REF_WIDTH)})) where ${guard} and ${C('x')} >= ${int(REF_WIDTH)} and IsMatch(${C('k')}, ${str(safe)})`,
    );
  };
  lookup('m', KEY_END, SAFE, `${C('t')} != nil`);
  // Not known by its full name but dated: the base name's dated key.
  lookup('n', KEY_DATED, SAFE_DATED, `${C('r')} == nil and ${C('t')} != nil and ${C('n')} != ${C('m')}`);
  // Not found even as a dated snapshot: the complete group decides (aliases, padding, prefixes, fall-backs,
  // unknown model); the fast group, which knows only exact names too, is skipped.
  out.push(`set(${A(S.ATTR_COLLECTOR_RETRY)}, true) where ${C('r')} == nil`);
  out.push(`set(${C('c')}, Int(Substring(${C('r')}, 0, 3))) where ${C('r')} != nil`);
  out.push(`set(${C('R')}, [${t.recordChunks.map(str).join(', ')}]) where ${C('r')} != nil`);
  out.push(`set(${C('y')}, ${C('R')}[${C('c')}]) where ${C('r')} != nil`);
  out.push(
    `set(${C('S')}, Split(Substring(${C('y')}, Int(Substring(${C('r')}, 3, 5)), Int(Substring(${C('r')}, 8, 4))), ${str(SEP)})) where ${C('y')} != nil`,
  );
  const F = (j: number): string => `${C('S')}[${int(j)}]`;
  const valid = (k: string): string => `IsInt(${C(k)}) and ${C(k)} >= 0 and ${C(k)} <= ${MAX_COUNT}`;
  out.push(
    `set(${C('ok')}, true) where ${C('S')} != nil and ${valid('i')} and ${valid('o')} and ${valid('d')} and ${valid('w')} and ${C('d')} + ${C('w')} <= ${C('i')}` +
      ` and span.start_time_unix_nano >= Double(${F(0)}) and ${C('i')} + ${C('o')} <= Double(${F(1)}) and (${F(2)} == "" or ${C('o')} == 0)`,
  );
  // Above every stand-in's "surely fits" bound: per scenario, surely exceeds (context_window) or bail.
  out.push(`set(${C('g')}, true) where ${C('ok')} == true and ${C('i')} + ${C('o')} > Double(${F(8)})`);
  scenarioIds.forEach((_, s) => {
    const j = HEAD + s * PER_SLOT;
    out.push(
      `set(${C(`x${s}`)}, true) where ${C('g')} == true and (${C('i')} > Double(${F(j + 7)}) or ${C('i')} + ${C('o')} > Double(${F(j + 8)}))`,
    );
    out.push(
      `set(${C('ok')}, false) where ${C('g')} == true and ${C(`x${s}`)} == nil and ${C('i')} + ${C('o')} > Double(${F(j + 6)})`,
    );
  });
  out.push(`set(${C('u')}, ${C('i')} - ${C('d')} - ${C('w')}) where ${C('ok')} == true`);
  // Cache reads are absent from most spans: without them one term (two operators, one Double) less;
  // every operator and conversion costs (measured ~0.3-0.5 µs each), so the plain case is its own statement.
  const plain = (j: number): string => `${C('u')} * Double(${F(j)}) + ${C('o')} * Double(${F(j + 3)})`;
  const cost = (j: number): string =>
    `${C('u')} * Double(${F(j)}) + ${C('d')} * Double(${F(j + 1)}) + ${C('w')} * Double(${F(j + 2)}) + ${C('o')} * Double(${F(j + 3)})`;
  const priced = (key: string, j: number, guard: string): void => {
    out.push(`set(${C(key)}, ${plain(j)}) where ${guard} and ${C('d')} == 0 and ${C('w')} == 0`);
    out.push(`set(${C(key)}, ${cost(j)}) where ${guard} and (${C('d')} > 0 or ${C('w')} > 0)`);
  };
  priced('a', 3, `${C('ok')} == true`);
  // Cheapest so far in two scalars (a list per candidate measured slower); the first strictly cheaper wins.
  out.push(`set(${C('bv')}, ${C('a')}) where ${C('ok')} == true`);
  out.push(`set(${C('bi')}, ${str(S.CHEAPEST_ACTUAL)}) where ${C('ok')} == true`);
  scenarioIds.forEach((id, s) => {
    const j = HEAD + s * PER_SLOT;
    priced(`u${s}`, j + 2, `${C('ok')} == true and ${F(j + 2)} != "" and ${C(`x${s}`)} == nil`);
    out.push(`set(${C('bi')}, ${str(id)}) where ${C(`u${s}`)} != nil and ${C(`u${s}`)} < ${C('bv')}`);
    out.push(`set(${C('bv')}, ${C(`u${s}`)}) where ${C('bi')} == ${str(id)}`);
  });
  // Outputs only now, all together: a span that failed a check above carries nothing from this group.
  // One merge of a map literal per output shape (a handful), instead of a statement per attribute.
  out.push(`set(${C('v')}, ${C('a')} - ${C('bv')}) where ${C('ok')} == true`);
  t.shapes.forEach((shape, k) => {
    const entries: string[] = [`${str(S.ATTR_PRICING_VERSION)}: ${str(version)}`, `${str(S.ATTR_COST_USD)}: ${C('a')}`];
    scenarioIds.forEach((id, s) => {
      const j = HEAD + s * PER_SLOT;
      const [m, r, c] = shape.slice(3 * s, 3 * s + 3);
      if (m === 'm') entries.push(`${str(S.scenarioModelAttr(id))}: ${F(j)}`);
      if (r === 'r') entries.push(`${str(S.scenarioInfeasibleAttr(id))}: ${F(j + 1)}`);
      if (c === 'c') entries.push(`${str(S.scenarioCostAttr(id))}: ${C(`u${s}`)}`);
    });
    entries.push(`${str(S.ATTR_COST_CHEAPEST)}: ${C('bi')}`, `${str(S.ATTR_COST_SAVINGS_USD)}: ${C('v')}`);
    out.push(
      `merge_maps(span.attributes, {${entries.join(', ')}}, "upsert") where ${C('ok')} == true and ${F(7)} == ${str(String(k))}`,
    );
  });
  scenarioIds.forEach((id, s) => {
    out.push(
      `set(${A(S.scenarioInfeasibleAttr(id))}, ${str(S.INFEASIBLE.contextWindow)}) where ${C('ok')} == true and ${C(`x${s}`)} == true`,
    );
    out.push(
      `delete_key(span.attributes, ${str(S.scenarioCostAttr(id))}) where ${C('ok')} == true and ${C(`x${s}`)} == true`,
    );
  });
  return out;
}
