/**
 * Token counting with js-tiktoken, loaded lazily: the ranks of one encoding cost about a second and
 * ~150 MB to build, so nothing is loaded at import and only the encodings actually used are built.
 *
 * Text is always counted as plain text (special-token look-alikes such as "<|endoftext|>" are ordinary
 * characters), which is also what the API does with user content.
 *
 * tiktoken splits text with a regular expression and byte-pair-encodes each piece on its own, so a count
 * is the sum of per-piece counts; memoising pieces makes natural text (few distinct words) several
 * times faster than encoding it whole. Tests check the sum equals js-tiktoken's own encode().
 */

/** The parts of js-tiktoken/lite used here (its types are ESM-only; this package builds as CommonJS). */
interface TiktokenBPE {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}
interface TiktokenType {
  encode(text: string, allowedSpecial?: string[] | 'all', disallowedSpecial?: string[] | 'all'): number[];
}
type TiktokenClass = new (ranks: TiktokenBPE) => TiktokenType;

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** How a model's text is counted: an encoding, times a ratio for tokenizers we do not ship. */
export interface CountingRule {
  encoding: EncodingName;
  /** Tokens of the model's own tokenizer per token of `encoding` (1 for OpenAI models). */
  ratio: number;
}

interface LoadedEncoding {
  tiktoken: TiktokenType;
  pieces: RegExp;
  pieceCounts: Map<string, number>;
}

const PIECE_CACHE_MAX = 200_000;
const loaded = new Map<EncodingName, LoadedEncoding>();

function load(name: EncodingName): LoadedEncoding {
  let enc = loaded.get(name);
  if (enc) return enc;
  // require() inside the function keeps the ranks (MBs of data) out of the import path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tiktoken } = require('js-tiktoken/lite') as { Tiktoken: TiktokenClass };
  const ranks: TiktokenBPE =
    name === 'cl100k_base'
      ? (require('js-tiktoken/ranks/cl100k_base') as TiktokenBPE)
      : (require('js-tiktoken/ranks/o200k_base') as TiktokenBPE);
  const plain = (ranks as unknown as { default?: TiktokenBPE }).default ?? ranks;
  enc = { tiktoken: new Tiktoken(plain), pieces: new RegExp(plain.pat_str, 'gu'), pieceCounts: new Map() };
  loaded.set(name, enc);
  return enc;
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

/** Exact token count of `text` as plain text in `name`; never throws on special-token text. */
export function countTokens(name: EncodingName, text: string): number {
  if (text.length === 0) return 0;
  const enc = load(name);
  const cache = enc.pieceCounts;
  if (cache.size > PIECE_CACHE_MAX) cache.clear();
  let total = 0;
  enc.pieces.lastIndex = 0;
  for (const match of text.matchAll(enc.pieces)) {
    const piece = match[0];
    let n = cache.get(piece);
    if (n === undefined) {
      n = enc.tiktoken.encode(piece, [], []).length;
      if (piece.length <= 64) cache.set(piece, n);
    }
    total += n;
  }
  return total;
}

/** The reference count (whole-text encode), used by tests to check countTokens. */
export function encodeLength(name: EncodingName, text: string): number {
  return load(name).tiktoken.encode(text, [], []).length;
}

// Older OpenAI models use cl100k_base; everything from gpt-4o on uses o200k_base.
const CL100K_MODELS = /^(gpt-3\.5|gpt-35|gpt-4(-|$)(?!o)|text-embedding-(ada-002|3-)|davinci-002|babbage-002|text-davinci)/;

/** The encoding a model name implies when the catalog does not know the model. */
export function encodingForModelName(model: string): EncodingName {
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return CL100K_MODELS.test(bare) ? 'cl100k_base' : 'o200k_base';
}

/**
 * The counting rule for a tokenizer family from the model data: OpenAI families map to their encoding;
 * any other family is counted in o200k_base times its ratio (data: tokenizer-ratios, default 1).
 */
export function countingRule(
  family: string | undefined,
  model: string,
  ratios: Readonly<Record<string, number>>,
): CountingRule {
  if (family === 'o200k' || family === 'o200k_base') return { encoding: 'o200k_base', ratio: 1 };
  if (family === 'cl100k' || family === 'cl100k_base') return { encoding: 'cl100k_base', ratio: 1 };
  if (family === undefined) return { encoding: encodingForModelName(model), ratio: 1 };
  const ratio = ratios[family];
  return { encoding: 'o200k_base', ratio: typeof ratio === 'number' && ratio > 0 && Number.isFinite(ratio) ? ratio : 1 };
}
