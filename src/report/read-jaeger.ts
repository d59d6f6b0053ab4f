/**
 * Jaeger query API JSON (GET /api/traces?service=...): {data: [{traceID, spans: [{tags, startTime}]}]}.
 * Tag types string/bool/int64/float64; array attributes arrive as JSON text (Jaeger flattens them).
 */
import type { Attributes } from '@opentelemetry/api';
import type { SpanSink } from './span-record';

interface JaegerTag {
  key?: string;
  type?: string;
  value?: unknown;
}

function tagValue(t: JaegerTag): string | number | boolean | string[] | number[] | undefined {
  const v = t.value;
  switch (t.type) {
    case 'int64':
    case 'float64':
      return typeof v === 'number' ? v : Number(v);
    case 'bool':
      return v === true || v === 'true';
    default:
      if (typeof v === 'string' && v.startsWith('[')) {
        try {
          const arr = JSON.parse(v) as unknown;
          if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) return arr as string[];
          if (Array.isArray(arr) && arr.every((x) => typeof x === 'number')) return arr as number[];
        } catch {
          // plain text that starts with '['
        }
      }
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  }
}

export function isJaegerDocument(doc: unknown): boolean {
  return Array.isArray((doc as { data?: unknown })?.data);
}

/** Number of spans read. */
export function readJaegerDocument(doc: unknown, sink: SpanSink): number {
  let n = 0;
  for (const trace of (doc as { data: unknown[] }).data) {
    const spans = (trace as { spans?: unknown })?.spans;
    if (!Array.isArray(spans)) continue;
    for (const span of spans as Array<{ tags?: JaegerTag[]; startTime?: number }>) {
      const attributes: Attributes = {};
      for (const t of span.tags ?? []) {
        if (typeof t?.key !== 'string') continue;
        const v = tagValue(t);
        if (v !== undefined) attributes[t.key] = v;
      }
      sink({ attributes, startMs: Number(span.startTime) / 1000 });
      n++;
    }
  }
  return n;
}
