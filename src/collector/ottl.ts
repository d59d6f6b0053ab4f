/**
 * OTTL spelling helpers: string literals, paths, and the two hash/number rules the generated
 * statements share with the Go side (FNV-1a 64 as OTTL's FNV() returns it, Go's int64 division).
 *
 * Every string that can come from data or user configuration goes through `str()`: a model name with
 * a quote, backslash or control character stays one OTTL string and never becomes OTTL syntax.
 * `${` is escaped later, once, for the collector's own config expansion (see pipeline.ts).
 */

import { DATE_SUFFIX } from '../pricing/match';

/** The engine's dated-snapshot suffix rule as an RE2 pattern for the generated statements. */
export const DATE_SUFFIX_PATTERN = DATE_SUFFIX.source.replace(/\\d/g, '[0-9]');

/** An OTTL string literal (Go strconv.Unquote syntax) for any JS string. */
export function str(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    // C0/C1 controls, and characters the collector's YAML parser (libyaml rules) reads as line breaks
    // or rejects (NEL, U+2028, U+2029, BOM, U+FFFE/U+FFFF): escaped, so the statement survives YAML.
    else if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0xfeff ||
      code === 0xfffe ||
      code === 0xffff
    ) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff)
      out += '\\ufffd'; // a lone surrogate cannot be UTF-8; OTLP carries U+FFFD
    else out += ch;
  }
  return `${out}"`;
}

/** A number literal OTTL parses to the same float64 (JS prints the shortest round-trip form). */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  const s = String(n);
  // OTTL needs a digit before the exponent and a '.' to make a float; keep ints as floats on purpose:
  // int/int division truncates in OTTL, and every price computation here is float arithmetic.
  if (/[eE]/.test(s)) {
    const [m, e] = s.split(/[eE]/);
    return `${m.includes('.') ? m : `${m}.0`}e${e}`;
  }
  return s.includes('.') ? s : `${s}.0`;
}

/** An integer literal. */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  return String(n);
}

/** span.cache["key"]: per-span scratch space inside one statement group. */
export const C = (key: string): string => `span.cache[${str(key)}]`;
/** span.attributes["name"]. */
export const A = (name: string): string => `span.attributes[${str(name)}]`;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** OTTL FNV(s): FNV-1a 64 over the UTF-8 bytes, as a signed int64. */
export function fnv64a(s: string): bigint {
  let h = FNV_OFFSET;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & MASK;
  }
  return BigInt.asIntN(64, h);
}

/** The bucket the generated statements compute: h - (h / n) * n + n with Go's truncating division. */
export function bucketOf(s: string, n: number): number {
  const h = fnv64a(s);
  const N = BigInt(n);
  return Number(h - (h / N) * N + N); // BigInt division truncates toward zero, like Go
}

/** Escapes a string for use inside a Go RE2 pattern (then wrapped by str()). */
export function reEscape(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}
