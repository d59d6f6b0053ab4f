/**
 * Suite-wide privacy check: everything the tests' telemetry exports (spans and metrics from the
 * in-memory SDK, OTLP bodies received from child processes) is appended to a per-run folder, and the
 * global teardown scans it for API keys and bearer tokens, which must never leave the process.
 * (Prompt text is not scanned here: some tests turn content capture on on purpose.)
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXPORT_DIR_ENV = 'TOKENTAX_TEST_EXPORT_DIR';
const SECRETS = [/\bsk-[A-Za-z0-9_-]+/, /\bBearer\s+[A-Za-z0-9._~+/-]+/];

export function recordExport(text: string): void {
  const dir = process.env[EXPORT_DIR_ENV];
  if (!dir) return;
  try {
    appendFileSync(join(dir, `${process.pid}.txt`), `${text}\n`);
  } catch {
    // A test's own temp dir handling must not fail other tests; the scan reports what it finds.
  }
}

export function safeJSON(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  } catch {
    return '';
  }
}

/** Lines (file: excerpt) where a secret appears; and how many bytes were scanned. */
export function scanExports(dir: string): { hits: string[]; bytes: number } {
  const hits: string[] = [];
  let bytes = 0;
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    bytes += text.length;
    for (const re of SECRETS) {
      const m = re.exec(text);
      if (m) hits.push(`${file}: ...${text.slice(Math.max(0, m.index - 60), m.index + 40)}...`);
    }
  }
  return { hits, bytes };
}
