/** The OTLP JSON lines file exporter: Collector file-exporter format, readable by the report. */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlFileExporter } from '../../src/export/jsonl-file-exporter';
import { createReport } from '../../src/report';
import { CALLS, callAttributes, reportPricing, tempDir, writeFixture } from './helpers';

function record(path: string) {
  const exporter = new JsonlFileExporter({ path, append: false });
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('tokentax', '0.1.0');
  const parent = tracer.startSpan('agent');
  const parentContext = trace.setSpan(context.active(), parent);
  {
    for (const c of CALLS) {
      const attributes = {
        ...callAttributes(c),
        'gen_ai.response.finish_reasons': ['stop'],
        'tokentax.context.utilization': 0.25,
      };
      const span = tracer.startSpan('chat big', { kind: SpanKind.CLIENT, attributes }, parentContext);
      span.addEvent('gen_ai.choice', { index: 0 });
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
    }
    parent.end();
  }
  return { provider, memory };
}

describe('JsonlFileExporter', () => {
  it('writes one ExportTraceServiceRequest per line in OTLP/JSON (hex ids, intValue as string)', async () => {
    const path = join(tempDir(), 'nested', 'spans.jsonl');
    const { provider, memory } = record(path);
    const finished = memory.getFinishedSpans().slice(0, 1); // shutdown empties the memory exporter
    await provider.shutdown();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(9); // SimpleSpanProcessor: one export per span
    const first = JSON.parse(lines[0]);
    const span = first.resourceSpans[0].scopeSpans[0].spans[0];
    expect(first.resourceSpans[0].scopeSpans[0].scope).toEqual({ name: 'tokentax', version: '0.1.0' });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(span.startTimeUnixNano).toMatch(/^\d{19}$/);
    const attr = (k: string) => span.attributes.find((a: { key: string }) => a.key === k)?.value;
    expect(attr('gen_ai.usage.input_tokens')).toEqual({ intValue: '1000' });
    expect(attr('gen_ai.request.model')).toEqual({ stringValue: 'big' });
    expect(attr('tokentax.context.utilization')).toEqual({ doubleValue: 0.25 });
    expect(attr('gen_ai.response.finish_reasons')).toEqual({ arrayValue: { values: [{ stringValue: 'stop' }] } });
    expect(span.events[0]).toMatchObject({
      name: 'gen_ai.choice',
      attributes: [{ key: 'index', value: { intValue: '0' } }],
    });
    expect(span.status).toEqual({ code: 1 });

    // Same structure as the OpenTelemetry JS JSON serializer, apart from its numeric intValue.
    const theirs = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(finished)!).toString(), (k, v) =>
      k === 'intValue' ? String(v) : v,
    );
    const ours = JSON.parse(lines[0]);
    const strip = (doc: any) => doc.resourceSpans[0].scopeSpans[0].spans[0];
    expect({
      ...strip(ours),
      events: strip(ours).events.map(({ droppedAttributesCount: _dropped, ...e }: any) => e),
    }).toEqual(
      expect.objectContaining({
        ...strip(theirs),
        events: strip(theirs).events.map(({ droppedAttributesCount: _dropped, ...e }: any) => e),
      }),
    );
  });

  it('its files give the report the same figures as the fixture', async () => {
    const path = join(tempDir(), 'spans.jsonl');
    const { provider } = record(path);
    await provider.shutdown();
    const pricing = reportPricing();
    const fromExporter = await createReport([path], { pricing });
    const fromFixture = await createReport([writeFixture(tempDir())], { pricing });
    expect(fromExporter.spans.genai).toBe(8);
    expect(fromExporter.scenarios).toEqual(fromFixture.scenarios);
    expect(fromExporter.profile).toEqual(fromFixture.profile);
    expect(fromExporter.flat).toEqual(fromFixture.flat);
  });

  it('appends by default, and refuses exports after shutdown', async () => {
    const path = join(tempDir(), 'spans.jsonl');
    await record(path).provider.shutdown();
    const again = new JsonlFileExporter({ path });
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(again)] });
    provider.getTracer('t').startSpan('one').end();
    await provider.shutdown();
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(10);
    const result = await new Promise<{ code: number }>((resolve) => again.export([], resolve));
    expect(result.code).toBe(1);
  });
});
