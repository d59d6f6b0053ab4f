/**
 * Token counting with the BPE ranks shipped by js-tiktoken (o200k_base, cl100k_base), loaded lazily:
 * nothing is loaded at import, and only the encodings actually used are built.
 *
 * Counting uses js-tiktoken's own algorithm (regex split, then lowest-rank-first byte-pair merges per
 * piece) over a compact rank table (./rank-table), not js-tiktoken's Tiktoken class, whose table keyed
 * by comma-joined byte lists is several times slower to build and larger (docs/benchmarks.md). Tests
 * check every count against js-tiktoken's encode() (property tests + recordings).
 *
 * Text is always counted as plain text (special-token look-alikes such as "<|endoftext|>" are ordinary
 * characters), which is also what the API does with user content. A count is the sum of per-piece
 * counts; memoising pieces makes natural text (few distinct words) several times faster.
 */

import { RankTable } from './rank-table';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** How a model's text is counted: an encoding, times a ratio for tokenizers we do not ship. */
export interface CountingRule {
  encoding: EncodingName;
  /** Tokens of the model's own tokenizer per token of `encoding` (1 for OpenAI models). */
  ratio: number;
  /** The model's own tokenizer: counts are exact, not a ratio estimate. */
  exact: boolean;
}

/** js-tiktoken's rank files: pat_str, special_tokens, and bpe_ranks lines "name offset tok64 tok64 ...". */
interface RankFile {
  pat_str: string;
  bpe_ranks: string;
}

interface LoadedEncoding {
  /** Token bytes (one char per byte, 0-255) -> rank. */
  ranks: RankTable;
  pieces: RegExp;
  pieceCounts: Map<string, number>;
}

const PIECE_CACHE_MAX = 200_000;
const loaded = new Map<EncodingName, LoadedEncoding>();

const B64 = new Int16Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  .split('')
  .forEach((c, i) => (B64[c.charCodeAt(0)] = i));

/**
 * Decodes the base64 token at text[start, end) into `bytes`, reading the big rank text in place: no
 * substring, split array or intermediate string per token.
 */
function decodeToken(text: string, start: number, end: number, bytes: number[]): void {
  bytes.length = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const v = B64[text.charCodeAt(i)];
    if (v < 0) break; // '=' padding
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
}

function rankFile(name: EncodingName): RankFile {
  // require() inside the function keeps the ranks (MBs of data) out of the import path.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const mod = (
    name === 'cl100k_base' ? require('js-tiktoken/ranks/cl100k_base') : require('js-tiktoken/ranks/o200k_base')
  ) as RankFile & { default?: RankFile };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return mod.default ?? mod;
}

/**
 * The rank file in two steps (read, then parse), each a few ms: require() compiles the module in one
 * step of 15-50 ms and keeps its MBs of text in the module cache for good. Falls back to require()
 * when the file is not where, or not what, js-tiktoken ships (e.g. inside a bundle).
 */
function* rankFileSteps(name: EncodingName): Generator<0, RankFile, void> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const path =
      name === 'cl100k_base'
        ? require.resolve('js-tiktoken/ranks/cl100k_base')
        : require.resolve('js-tiktoken/ranks/o200k_base');
    const source = readFileSync(path, 'utf8');
    yield 0;
    const parsed = JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1)) as Partial<RankFile>;
    if (typeof parsed.pat_str === 'string' && typeof parsed.bpe_ranks === 'string') return parsed as RankFile;
  } catch {
    // not the layout we know: load it as a module
  }
  return rankFile(name);
}

/** Tokens added to the rank table between two yields of loadingSteps (a few ms of work). */
const LOAD_STEP_TOKENS = 4096;

/**
 * Builds an encoding in steps (yielding every LOAD_STEP_TOKENS tokens), so a scheduler can build it
 * without holding the event loop (each yield is 0: nothing counted yet); the table is published only
 * once complete.
 */
export function* loadingSteps(name: EncodingName): Generator<0, LoadedEncoding, void> {
  let enc = loaded.get(name);
  if (enc) return enc;
  const file = yield* rankFileSteps(name);
  yield 0;
  const ranks = new RankTable();
  const text = file.bpe_ranks;
  const bytes: number[] = [];
  // Lines: "name offset tok64 tok64 ...": the i-th token of a line has rank offset + i.
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const nameEnd = text.indexOf(' ', pos);
    const offsetEnd = nameEnd < 0 || nameEnd >= nl ? -1 : text.indexOf(' ', nameEnd + 1);
    if (offsetEnd > 0 && offsetEnd < nl) {
      let rank = Number.parseInt(text.slice(nameEnd + 1, offsetEnd), 10);
      let start = offsetEnd + 1;
      while (start < nl) {
        let end = text.indexOf(' ', start);
        if (end < 0 || end > nl) end = nl;
        decodeToken(text, start, end, bytes);
        ranks.add(bytes, rank++);
        start = end + 1;
        if (rank % LOAD_STEP_TOKENS === 0) yield 0;
      }
    }
    pos = nl + 1;
  }
  yield 0;
  yield* ranks.sealing(4 * LOAD_STEP_TOKENS);
  yield 0;
  // Another caller may have built it meanwhile (a synchronous count): keep the first.
  enc = loaded.get(name) ?? { ranks, pieces: new RegExp(file.pat_str, 'gu'), pieceCounts: new Map() };
  loaded.set(name, enc);
  return enc;
}

/** Runs a generator of steps to its end, synchronously. */
export function runToEnd<T>(steps: Generator<unknown, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

function load(name: EncodingName): LoadedEncoding {
  return loaded.get(name) ?? runToEnd(loadingSteps(name));
}

/** UTF-8 bytes of `piece` as a byte string (ASCII is already its own byte string). */
function utf8Bytes(piece: string): string {
  for (let i = 0; i < piece.length; i++)
    if (piece.charCodeAt(i) > 0x7f) return Buffer.from(piece, 'utf8').toString('latin1');
  return piece;
}

/**
 * Merging is quadratic in a piece's length (as in js-tiktoken), so a pathological piece (100 kB of one
 * letter, a huge whitespace run) could block for minutes. Pieces longer than this are counted in
 * chunks of this many bytes: bounded time, and at most about one token per chunk off.
 */
const MAX_PIECE_BYTES = 256;

/** Tokens of one regex piece: js-tiktoken's bytePairMerge (lowest rank first, leftmost on ties). */
function countPiece(bytes: string, ranks: RankTable): number {
  if (ranks.has(bytes)) return 1;
  if (bytes.length > MAX_PIECE_BYTES) {
    let total = 0;
    for (let i = 0; i < bytes.length; i += MAX_PIECE_BYTES)
      total += countPiece(bytes.slice(i, i + MAX_PIECE_BYTES), ranks);
    return total;
  }
  const bounds: number[] = [];
  for (let i = 0; i <= bytes.length; i++) bounds.push(i);
  while (bounds.length > 2) {
    let minRank = Infinity;
    let at = -1;
    for (let i = 0; i < bounds.length - 2; i++) {
      const rank = ranks.get(bytes, bounds[i], bounds[i + 2]);
      if (rank !== undefined && rank < minRank) {
        minRank = rank;
        at = i;
      }
    }
    if (at < 0) break;
    bounds.splice(at + 1, 1);
  }
  let count = 0;
  for (let i = 0; i < bounds.length - 1; i++) if (ranks.has(bytes, bounds[i], bounds[i + 1])) count++;
  return count;
}

/** True once `name` has been built (benchmarks measure the cold load separately). */
export function isEncodingLoaded(name: EncodingName): boolean {
  return loaded.has(name);
}

/** Builds the encoding now (e.g. at startup, off the request path). */
export function preloadEncoding(name: EncodingName): void {
  load(name);
}

/** Forgets memoised piece counts (benchmarks use it to measure a cold first count honestly). */
export function clearPieceCaches(): void {
  for (const enc of loaded.values()) enc.pieceCounts.clear();
}

/**
 * A copy of a piece that does not keep its text alive: V8 keeps a substring of 13 or more characters
 * as a view into the string it was cut from, so caching one would retain the whole request text.
 */
function detached(piece: string): string {
  return piece.length < 13 ? piece : (JSON.parse(JSON.stringify(piece)) as string);
}

/**
 * Work between two yields of countingSteps, in characters of memoised pieces; a piece merged anew
 * costs more (merging is quadratic in its bytes: a cold 36-byte CJK piece takes ~0.5 ms).
 */
export const SLICE_CHARS = 1024;
const MERGE_WORK = (bytes: number): number => (bytes * bytes) >> 2;

/**
 * Counts `text` in slices: yields after every SLICE_CHARS characters of pieces, with the index up to
 * which the text is counted. Slices end between the tokenizer's own regex pieces (byte-pair merges
 * never cross a piece), so the sum over slices is exactly the count of the whole text. An over-long
 * piece yields between its chunks (the index then stays at the piece's start).
 */
export function* countingSteps(name: EncodingName, text: string): Generator<number, number, void> {
  if (text.length === 0) return 0;
  const enc = loaded.get(name) ?? (yield* loadingSteps(name));
  const cache = enc.pieceCounts;
  let total = 0;
  let work = 0;
  enc.pieces.lastIndex = 0;
  for (const match of text.matchAll(enc.pieces)) {
    const piece = match[0];
    if (cache.size > PIECE_CACHE_MAX) cache.clear();
    let n = cache.get(piece);
    if (n === undefined) {
      const bytes = utf8Bytes(piece);
      if (bytes.length > MAX_PIECE_BYTES && !enc.ranks.has(bytes)) {
        n = 0;
        for (let i = 0; i < bytes.length; i += MAX_PIECE_BYTES) {
          n += countPiece(bytes.slice(i, i + MAX_PIECE_BYTES), enc.ranks);
          work += MERGE_WORK(MAX_PIECE_BYTES);
          if (work >= SLICE_CHARS && i + MAX_PIECE_BYTES < bytes.length) {
            work = 0;
            yield match.index;
          }
        }
      } else {
        n = countPiece(bytes, enc.ranks);
        work += MERGE_WORK(bytes.length);
      }
      if (piece.length <= 64) cache.set(detached(piece), n);
    }
    total += n;
    work += piece.length;
    if (work >= SLICE_CHARS) {
      work = 0;
      yield match.index + piece.length;
    }
  }
  return total;
}

/** Exact token count of `text` as plain text in `name`; never throws on special-token text. */
export function countTokens(name: EncodingName, text: string): number {
  return runToEnd(countingSteps(name, text));
}

/** The type of js-tiktoken's Tiktoken class, as far as the reference count needs it. */
type TiktokenClass = new (ranks: unknown) => {
  encode(text: string, allowed: string[], disallowed: string[]): number[];
};
const references = new Map<EncodingName, InstanceType<TiktokenClass>>();

/**
 * The reference count: js-tiktoken's own encode() of the whole text, as plain text. For tests and
 * benchmarks (it builds js-tiktoken's heavy table on first use); production code uses countTokens.
 */
export function encodeLength(name: EncodingName, text: string): number {
  let ref = references.get(name);
  if (!ref) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Tiktoken } = require('js-tiktoken/lite') as { Tiktoken: TiktokenClass };
    ref = new Tiktoken(rankFile(name));
    references.set(name, ref);
  }
  return ref.encode(text, [], []).length;
}

// Older OpenAI models use cl100k_base; everything from gpt-4o on uses o200k_base.
const CL100K_MODELS =
  /^(gpt-3\.5|gpt-35|gpt-4(-|$)(?!o)|text-embedding-(ada-002|3-)|davinci-002|babbage-002|text-davinci)/;

/** The encoding a model name implies when the catalog does not know the model. */
export function encodingForModelName(model: string | undefined): EncodingName {
  if (typeof model !== 'string') return 'o200k_base';
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return CL100K_MODELS.test(bare) ? 'cl100k_base' : 'o200k_base';
}

// Model names of OpenAI's own families (counted exactly when the catalog does not know the model).
const OPENAI_MODELS = /^(gpt-|o\d|chatgpt-|codex-|computer-use-|text-embedding-|davinci-|babbage-|text-davinci)/;

/**
 * The counting rule for a tokenizer family from the model data: OpenAI families map to their encoding;
 * any other family is counted in o200k_base times its ratio (data: tokenizer-ratios, default 1).
 */
export function countingRule(
  family: string | undefined,
  model: string,
  ratios: Readonly<Record<string, number>>,
): CountingRule {
  if (family === 'o200k' || family === 'o200k_base') return { encoding: 'o200k_base', ratio: 1, exact: true };
  if (family === 'cl100k' || family === 'cl100k_base') return { encoding: 'cl100k_base', ratio: 1, exact: true };
  if (family === undefined) {
    const bare = typeof model === 'string' ? model.slice(model.lastIndexOf('/') + 1).toLowerCase() : '';
    return { encoding: encodingForModelName(model), ratio: 1, exact: OPENAI_MODELS.test(bare) };
  }
  const ratio = ratios[family];
  return {
    encoding: 'o200k_base',
    ratio: typeof ratio === 'number' && ratio > 0 && Number.isFinite(ratio) ? ratio : 1,
    exact: false,
  };
}
