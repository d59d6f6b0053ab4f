/** An OTLP/HTTP JSON receiver on 127.0.0.1: what the real OTLP exporters of a child process send. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordExport } from './export-scan';

export interface ReceivedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status?: { code?: number };
  scope: string;
}

export class OtlpReceiver {
  private server?: Server;
  readonly spans: ReceivedSpan[] = [];
  readonly metrics: Array<{ name: string; scope: string; data: any }> = [];
  readonly bodies: string[] = [];

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.bodies.push(text);
        recordExport(text);
        try {
          const body = JSON.parse(text);
          if (req.url?.endsWith('/v1/traces')) this.addSpans(body);
          if (req.url?.endsWith('/v1/metrics')) this.addMetrics(body);
        } catch {
          // Not JSON (a protobuf exporter): kept in bodies only.
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections?.();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private addSpans(body: any): void {
    for (const rs of body.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          this.spans.push({
            name: s.name,
            kind: s.kind,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            attributes: attributesOf(s.attributes),
            status: s.status,
            scope: ss.scope?.name,
          });
  }

  private addMetrics(body: any): void {
    for (const rm of body.resourceMetrics ?? [])
      for (const sm of rm.scopeMetrics ?? [])
        for (const m of sm.metrics ?? []) this.metrics.push({ name: m.name, scope: sm.scope?.name, data: m });
  }
}

export function attributesOf(list: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}

function valueOf(v: any): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}
