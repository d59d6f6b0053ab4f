/**
 * The recorded real OpenAI traffic in ../shared/fixtures/openai-recordings (nock format). A fresh
 * clone without ../shared has none: callers then report that the recorded-traffic tests did not run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const RECORDINGS_DIR = resolve(__dirname, '../../../shared/fixtures/openai-recordings');

export interface Exchange {
  method: string;
  path: string;
  body: Record<string, unknown>;
  status: number;
  /** The bytes as recorded (gzip where the API sent gzip). */
  raw: Buffer;
  headers: Record<string, string>;
  /** Decoded JSON body, or the SSE text for streams. */
  decoded: unknown;
}

export interface Recording {
  name: string;
  exchanges: Exchange[];
}

export function recordingsAvailable(): boolean {
  return existsSync(RECORDINGS_DIR);
}

export function loadRecordings(): Recording[] {
  if (!recordingsAvailable()) return [];
  return readdirSync(RECORDINGS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ name: file.replace(/\.json$/, ''), exchanges: readExchanges(join(RECORDINGS_DIR, file)) }));
}

function readExchanges(file: string): Exchange[] {
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
  return entries.map((e) => {
    const headers = Object.fromEntries(
      Object.entries((e.rawHeaders ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const response = e.response;
    let raw: Buffer;
    if (Array.isArray(response)) raw = Buffer.from(response.join(''), 'hex');
    else if (typeof response === 'string') raw = Buffer.from(response, 'utf8');
    else raw = Buffer.from(JSON.stringify(response), 'utf8');
    const text = headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    const isSSE = (headers['content-type'] ?? '').includes('event-stream');
    return {
      method: String(e.method),
      path: String(e.path),
      body: (e.body ?? {}) as Record<string, unknown>,
      status: Number(e.status),
      raw,
      headers,
      decoded: isSSE ? text : JSON.parse(text),
    };
  });
}

export interface ExpectedUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  reasoning?: number;
}

/** The usage block the API returned in an exchange (last usage chunk/event for streams). */
export function recordedUsage(ex: Exchange): ExpectedUsage | undefined {
  let usage: Record<string, any> | undefined;
  if (typeof ex.decoded === 'string') {
    for (const line of ex.decoded.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const event = JSON.parse(line.slice(6));
      if (event.usage) usage = event.usage;
      if (event.response?.usage) usage = event.response.usage;
    }
  } else usage = (ex.decoded as Record<string, any>).usage;
  if (!usage) return undefined;
  return {
    input: usage.prompt_tokens ?? usage.input_tokens,
    output: usage.completion_tokens ?? usage.output_tokens,
    cacheRead: (usage.prompt_tokens_details ?? usage.input_tokens_details)?.cached_tokens,
    reasoning: (usage.completion_tokens_details ?? usage.output_tokens_details)?.reasoning_tokens,
  };
}
