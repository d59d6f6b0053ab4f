/**
 * A local HTTP server on 127.0.0.1 that stands in for the OpenAI API: it replays recorded exchanges
 * (matched on method, path and request body) or answers with handlers a test supplies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from './recordings';

export type Handler = (req: IncomingMessage, body: any, res: ServerResponse) => void | Promise<void>;

export class ReplayServer {
  private server?: Server;
  private exchanges: Exchange[] = [];
  private handler?: Handler;
  readonly requests: Array<{ method: string; path: string; body: any; headers: IncomingMessage['headers'] }> = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.baseURL;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** The baseURL to give the OpenAI client. */
  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  replay(exchanges: Exchange[]): void {
    this.exchanges = exchanges;
    this.handler = undefined;
  }

  handle(handler: Handler): void {
    this.handler = handler;
    this.exchanges = [];
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const path = (req.url ?? '').split('?')[0];
    this.requests.push({ method: req.method ?? '', path, body, headers: req.headers });
    try {
      if (this.handler) return await this.handler(req, body, res);
      const ex = this.exchanges.find(
        (e) => e.method === req.method && e.path === path && isDeepStrictEqual(e.body, body),
      );
      if (!ex) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no recording for ${req.method} ${path}`, type: 'replay_miss' } }));
        return;
      }
      const headers: Record<string, string> = { 'content-type': ex.headers['content-type'] ?? 'application/json' };
      for (const h of ['content-encoding', 'x-request-id', 'openai-processing-ms'])
        if (ex.headers[h]) headers[h] = ex.headers[h];
      res.writeHead(ex.status, headers);
      res.end(ex.raw);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  }
}

/** Writes an SSE stream of JSON events, then [DONE]. */
export function sendSSE(res: ServerResponse, events: unknown[], done = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  if (done) res.write('data: [DONE]\n\n');
  res.end();
}

export function sendJSON(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
