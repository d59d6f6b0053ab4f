/**
 * Real host names on loopback: an OpenAI-compatible server on 127.0.0.1 and a DNS lookup that maps
 * every name to 127.0.0.1, so the real `openai` client connects to "api.deepseek.com:<port>" by name
 * (Host header and all) without touching the network.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { LookupFunction } from 'node:net';

/** Every name resolves to 127.0.0.1 (and only to it); the names asked for are recorded. */
export function loopbackLookup(asked: string[]): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    asked.push(hostname);
    if (options?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  }) as LookupFunction;
}

/** A fetch over node:http with the loopback lookup, for the fetch-based majors (5+). */
export function loopbackFetch(asked: string[]): typeof fetch {
  const agent = new http.Agent({ lookup: loopbackLookup(asked) });
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.protocol !== 'http:') throw new Error(`loopback fetch: only http:// (got ${url.href})`);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string')
      throw new Error('loopback fetch: string bodies only');
    return new Promise<Response>((resolve, reject) => {
      const req = http.request(
        url,
        { method: init?.method ?? 'GET', headers, agent, signal: init?.signal ?? undefined },
        (res) => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(Readable.toWeb(res) as ReadableStream, { status: res.statusCode ?? 500, headers: out }));
        },
      );
      req.on('error', reject);
      if (typeof body === 'string') req.write(body);
      req.end();
    });
  }) as typeof fetch;
}

export interface Seen {
  host: string;
  path: string;
  model: string;
}

export interface ChatServer {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

/** Usage every answer reports: the cost assertions price exactly this. */
export const USAGE = { prompt_tokens: 1000, completion_tokens: 100 };

/** Answers chat completions with the requested model (or `answerModel(model)`) and USAGE. */
export async function startChatServer(answerModel: (model: string) => string = (m) => m): Promise<ChatServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as { model?: string }) : {};
      const model = body.model ?? 'unknown';
      seen.push({ host: req.headers.host ?? '', path: req.url ?? '', model });
      if (!/\/chat\/completions(\?|$)/.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${seen.length}`,
          object: 'chat.completion',
          created: 1_765_000_000,
          model: answerModel(model),
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { ...USAGE, total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
