/**
 * Reads the recorded OpenAI traffic in ../shared/fixtures/openai-recordings (nock format; JSON bodies
 * may be stored gzipped as hex chunks, streams as raw SSE text) into request + recorded input tokens.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ContextRequest } from '../../src/contracts';
import { OPERATION } from '../../src/semconv';

export const RECORDINGS_DIR = resolve(__dirname, '../../../shared/fixtures/openai-recordings');

export interface Recording {
  file: string;
  request: ContextRequest;
  inputTokens: number;
  /** The recorded usage block, serialised (to spot usage copied between different requests). */
  usageKey: string;
}

function decodeResponse(response: unknown): unknown {
  if (Array.isArray(response) && response.every((c) => typeof c === 'string' && /^[0-9a-f]*$/.test(c))) {
    return JSON.parse(gunzipSync(Buffer.from(response.join(''), 'hex')).toString('utf8'));
  }
  return response;
}

function usageOf(response: unknown): Record<string, unknown> | undefined {
  if (typeof response === 'string') {
    let usage: Record<string, unknown> | undefined;
    for (const line of response.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const event = JSON.parse(line.slice(6));
      usage = event.usage ?? event.response?.usage ?? usage;
    }
    return usage;
  }
  const body = response as { usage?: Record<string, unknown> } | undefined;
  return body?.usage;
}

const OPERATION_BY_PATH: Record<string, ContextRequest['operation']> = {
  '/v1/chat/completions': OPERATION.chat,
  '/v1/responses': OPERATION.chat,
  '/v1/embeddings': OPERATION.embeddings,
  '/v1/completions': OPERATION.textCompletion,
};

export function loadRecordings(dir = RECORDINGS_DIR): Recording[] {
  const out: Recording[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const exchanges = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<Record<string, unknown>>;
    for (const ex of exchanges) {
      const operation = OPERATION_BY_PATH[String(ex.path)];
      const body = ex.body as Record<string, unknown> | undefined;
      if (!operation || ex.status !== 200 || !body) continue;
      const usage = usageOf(decodeResponse(ex.response));
      const input = usage?.prompt_tokens ?? usage?.input_tokens;
      if (typeof input !== 'number') continue;
      out.push({
        file,
        inputTokens: input,
        usageKey: JSON.stringify(usage),
        request: { operation, provider: 'openai', model: String(body.model), params: body },
      });
    }
  }
  return out;
}

export const recordingsPresent = (): boolean => existsSync(RECORDINGS_DIR);
