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
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReport } from '../../src/report';
import { get, waitFor } from '../alerts/support';
import type { Jaeger } from '../jaeger/support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';
import {
  CALLS,
  DUPLICATE,
  NOT_GENAI,
  callAttributes,
  reportFigures,
  reportPricing,
  tempDir,
  writeFixture,
} from './helpers';

const jaegerBin: string = process.env.TOKENTAX_JAEGER_BIN ?? harness.jaegerBinaryPath();
const SERVICE = 'tokentax-report-jaeger';

describe('report from a real Jaeger query API', () => {
  it('gives the same figures as the OTLP file of the same spans', async () => {
    expect(existsSync(jaegerBin), `no Jaeger binary at ${jaegerBin}: run collector/build-jaeger.sh`).toBe(true);
    const jaeger: Jaeger = await harness.startJaeger({ bin: jaegerBin });
    const api = jaeger.api;
    try {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': SERVICE }),
        spanProcessors: [
          new SimpleSpanProcessor(
            new OTLPTraceExporter({ url: `http://127.0.0.1:${jaeger.ports.otlpHttp}/v1/traces` }),
          ),
        ],
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
      expect(reportFigures(fromJaeger)).toEqual(reportFigures(fromFile));
    } finally {
      await jaeger.stop();
    }
  }, 90_000);
});
