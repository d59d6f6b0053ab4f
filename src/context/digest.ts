/**
 * Content digests for the per-message memo and conversation fingerprints. node:crypto is loaded on
 * the first digest, not at import: loading it costs more than the rest of the context layer.
 */
type HashFn = (algorithm: string, data: string, encoding: 'hex' | 'base64') => string;
interface Hash {
  update(data: string): Hash;
  digest(encoding: 'base64'): string;
}
interface Crypto {
  hash: HashFn;
  createHash(algorithm: string): Hash;
}
let crypto: Crypto | undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): Crypto => (crypto ??= require('node:crypto') as Crypto);

export function digest(algorithm: 'sha1' | 'sha256', text: string, encoding: 'hex' | 'base64' = 'hex'): string {
  return load().hash(algorithm, text, encoding);
}

/** Characters hashed per step of digestSteps. */
const DIGEST_SLICE = 262_144;

/**
 * sha1 (base64) of a large text in steps of DIGEST_SLICE characters, yielding between them: hashing
 * megabytes at once would hold the event loop. Slices never split a surrogate pair.
 */
export function* digestSteps(text: string): Generator<0, string, void> {
  const hash = load().createHash('sha1');
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + DIGEST_SLICE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    hash.update(text.slice(start, end));
    start = end;
    yield 0;
  }
  return hash.digest('base64');
}
