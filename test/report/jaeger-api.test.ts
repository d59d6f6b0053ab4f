/**
 * `tokentax report <Jaeger URL>` against a real Jaeger v2 (built by collector/build-jaeger.sh;
 * in-memory storage, loopback only): the fixture's spans go in over OTLP/HTTP, come back from
 * /api/traces as Jaeger JSON (typed tags, arrays flattened to JSON text), and the report's figures
 * must equal those from the same spans read as an OTLP JSON lines file.
 * Without the Jaeger binary the test fails with the reason and the build command (no skip).
 */
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReport, type ReportData } from '../../src/report';
import { freePort, get, startProcess, waitFor } from '../alerts/support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';
import { CALLS, DUPLICATE, NOT_GENAI, callAttributes, reportPricing, tempDir, writeFixture } from './helpers';

const jaegerBin: string = process.env.TOKENTAX_JAEGER_BIN ?? harness.jaegerBinaryPath();
const SERVICE = 'tokentax-report-jaeger';

const config = (otlp: number, query: number, grpc: number) => `
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces: { receivers: [otlp], exporters: [jaeger_storage_exporter] }
  telemetry: { metrics: { level: none } }
extensions:
  jaeger_query:
    storage: { traces: memstore }
    http: { endpoint: 127.0.0.1:${query} }
    grpc: { endpoint: 127.0.0.1:${grpc} }
  jaeger_storage:
    backends: { memstore: { memory: { max_traces: 1000 } } }
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${otlp} } } }
exporters:
  jaeger_storage_exporter: { trace_storage: memstore }
`;

/** Sums depend on the order spans arrive in (Jaeger sorts them its own way): compare to 12 digits. */
const round = (v: unknown): unknown =>
  typeof v === 'number'
    ? Number(v.toPrecision(12))
    : Array.isArray(v)
      ? v.map(round)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]))
        : v;

const figures = (r: ReportData) =>
  round({
    spans: r.spans,
    profile: r.profile,
    scenarios: r.scenarios,
    conversations: r.conversations,
    recycled: r.recycled,
    flat: r.flat,
    sizeBins: r.sizeBins,
  });

describe('report from a real Jaeger query API', () => {
  it('gives the same figures as the OTLP file of the same spans', async () => {
    expect(existsSync(jaegerBin), `no Jaeger binary at ${jaegerBin}: run collector/build-jaeger.sh`).toBe(true);
    const [otlp, query, grpc] = [await freePort(), await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-report-jaeger-'));
    writeFileSync(join(dir, 'config.yaml'), config(otlp, query, grpc));
    const jaeger = startProcess(jaegerBin, ['--config', join(dir, 'config.yaml')]);
    const api = `http://127.0.0.1:${query}`;
    try {
      await waitFor('Jaeger to answer', 30_000, async () =>
        (await get(`${api}/api/services`)).status === 200 ? true : undefined,
      );
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': SERVICE }),
        spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${otlp}/v1/traces` }))],
      });
      const tracer = provider.getTracer('tokentax');
      const start = Date.parse('2026-01-01T00:00:00Z');
      [...CALLS.map(callAttributes), DUPLICATE, NOT_GENAI].forEach((attributes, i) => {
        tracer
          .startSpan('chat big', {
            kind: SpanKind.CLIENT,
            attributes: { ...attributes, 'gen_ai.response.finish_reasons': ['stop'] },
            startTime: start + i * 1000,
          })
          .end(start + i * 1000 + 500);
      });
      await provider.shutdown();
      const url = `${api}/api/traces?service=${SERVICE}&limit=100&start=${(start - 60_000) * 1000}&end=${(start + 3_600_000) * 1000}`;
      await waitFor('10 spans in Jaeger', 20_000, async () => {
        const data = JSON.parse((await get(url)).body).data as Array<{ spans: unknown[] }>;
        return data.reduce((n, t) => n + t.spans.length, 0) >= 10 ? true : undefined;
      });

      const pricing = reportPricing();
      const fromJaeger = await createReport([url], { pricing });
      const fromFile = await createReport([writeFixture(tempDir())], { pricing });
      expect(fromJaeger.inputs[0]).toMatchObject({ format: 'jaeger', spans: 10, corruptLines: 0 });
      expect(figures(fromJaeger)).toEqual(figures(fromFile));
    } finally {
      await jaeger.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
