/**
 * The report tests' fixture: eight chat calls on "big" (openai, $10/M in, $20/M out) with round
 * token counts, in two conversations and three single calls, plus a duplicate span and a non-GenAI
 * span; priced against "cheap" ($1/M in, $2/M out, 30k window) and "flat" (per request, no price).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/config';
import { loadPricing, type Pricing } from '../../src/pricing';
import type { ReportData } from '../../src/report';

const read = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8'));

export function reportPricing(config: Partial<ResolvedConfig> = {}): Pricing {
  return loadPricing({
    sources: { prices: read('prices.json'), ratios: read('ratios.json'), equivalence: read('equivalence.json') },
    config,
  });
}

export interface Call {
  conv?: string;
  turn?: number;
  input: number;
  output: number;
  recycled?: number;
}

export const CALLS: Call[] = [
  { conv: 'A', turn: 1, input: 1000, output: 100 },
  { conv: 'A', turn: 2, input: 2000, output: 100, recycled: 900 },
  { conv: 'A', turn: 3, input: 40000, output: 100, recycled: 1900 },
  { conv: 'B', turn: 1, input: 500, output: 50 },
  { conv: 'B', turn: 2, input: 1500, output: 50, recycled: 400 },
  { input: 100, output: 10 },
  { input: 200, output: 20 },
  { input: 25000, output: 500 },
];

const T0 = Date.parse('2026-01-01T00:00:00Z');

export function callAttributes(c: Call): Record<string, string | number | boolean> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'big',
    'gen_ai.usage.input_tokens': c.input,
    'gen_ai.usage.output_tokens': c.output,
    ...(c.conv ? { 'tokentax.conversation.key': c.conv, 'tokentax.context.turn': c.turn! } : {}),
    ...(c.recycled ? { 'tokentax.context.recycled_tokens': c.recycled } : {}),
  };
}

/** Extra spans the report must leave out. */
export const DUPLICATE = { ...callAttributes({ input: 99999, output: 9999 }), 'tokentax.duplicate': true };
export const NOT_GENAI = { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1/v1/chat/completions' };

function otlpValue(v: string | number | boolean) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function otlpSpan(attrs: Record<string, string | number | boolean>, i: number) {
  const start = BigInt(T0 + i * 1000) * 1_000_000n;
  return {
    traceId: i.toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'chat big',
    kind: 3,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 1_000_000n).toString(),
    attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: otlpValue(v) })),
    status: { code: 0 },
  };
}

export function otlpLine(spans: Array<Record<string, string | number | boolean>>, offset = 0): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fixture' } }] },
        scopeSpans: [{ scope: { name: 'tokentax' }, spans: spans.map((a, i) => otlpSpan(a, offset + i)) }],
      },
    ],
  });
}

export function jaegerDocument(spans: Array<Record<string, string | number | boolean>>) {
  return {
    data: [
      {
        traceID: 'abc',
        spans: spans.map((a, i) => ({
          traceID: 'abc',
          spanID: String(i),
          operationName: 'chat big',
          startTime: (T0 + i * 1000) * 1000,
          duration: 1000,
          tags: Object.entries(a).map(([key, value]) => ({
            key,
            type:
              typeof value === 'string'
                ? 'string'
                : typeof value === 'boolean'
                  ? 'bool'
                  : Number.isInteger(value)
                    ? 'int64'
                    : 'float64',
            value,
          })),
          processID: 'p1',
        })),
        processes: { p1: { serviceName: 'fixture', tags: [] } },
      },
    ],
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tokentax-report-'));
}

/** The fixture as an OTLP JSON lines file: three calls per line, the extras on a line of their own. */
export function writeFixture(dir: string, extraLines: string[] = []): string {
  const path = join(dir, 'spans.jsonl');
  const all = CALLS.map(callAttributes);
  const lines = [
    otlpLine(all.slice(0, 3), 0),
    otlpLine(all.slice(3, 6), 3),
    otlpLine(all.slice(6), 6),
    otlpLine([DUPLICATE, NOT_GENAI], 8),
    ...extraLines,
  ];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const round = (v: unknown): unknown =>
  typeof v === 'number'
    ? Number(v.toPrecision(12))
    : Array.isArray(v)
      ? v.map(round)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]))
        : v;

/**
 * A report's figures to 12 digits, for comparing reports of the same spans read from different
 * inputs: sums depend on the order spans arrive in (Jaeger, for one, sorts them its own way).
 */
export const reportFigures = (r: ReportData) =>
  round({
    spans: r.spans,
    profile: r.profile,
    scenarios: r.scenarios,
    conversations: r.conversations,
    recycled: r.recycled,
    flat: r.flat,
    sizeBins: r.sizeBins,
  });
