/**
 * Content digests for the per-message memo and conversation fingerprints. node:crypto is loaded on
 * the first digest, not at import: loading it costs more than the rest of the context layer.
 */
type HashFn = (algorithm: string, data: string, encoding: 'hex' | 'base64') => string;
let hashFn: HashFn | undefined;

export function digest(algorithm: 'sha1' | 'sha256', text: string, encoding: 'hex' | 'base64' = 'hex'): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  hashFn ??= (require('node:crypto') as { hash: HashFn }).hash;
  return hashFn(algorithm, text, encoding);
}
