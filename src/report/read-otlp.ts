/**
 * OTLP/JSON trace export requests (one per line in the Collector's file exporter format and ours)
 * -> SpanRecords. Accepts what protobuf JSON allows: intValue as string or number, camelCase keys,
 * and the pre-1.0 instrumentationLibrarySpans wrapper.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { SpanSink } from './span-record';

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number | string;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

function scalar(v: AnyValue): string | number | boolean | undefined {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue;
  return undefined;
}

function value(v: AnyValue | undefined): AttributeValue | undefined {
  if (!v) return undefined;
  const s = scalar(v);
  if (s !== undefined) return s;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(scalar).filter((x) => x !== undefined) as AttributeValue;
  return undefined;
}

export function otlpAttributes(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list as Array<{ key?: string; value?: AnyValue }>) {
    if (typeof kv?.key !== 'string') continue;
    const v = value(kv.value);
    if (v !== undefined) out[kv.key] = v;
  }
  return out;
}

/** Number of spans read, or a reason when the document is not an OTLP trace request. */
export function readOtlpRequest(doc: unknown, sink: SpanSink): number | string {
  const resourceSpans = (doc as { resourceSpans?: unknown })?.resourceSpans;
  if (!Array.isArray(resourceSpans)) return 'not an OTLP trace export request (no resourceSpans)';
  let n = 0;
  for (const rs of resourceSpans) {
    const scopes = rs?.scopeSpans ?? rs?.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (const ss of scopes) {
      const spans = ss?.spans;
      if (!Array.isArray(spans)) continue;
      for (const span of spans) {
        const start = Number(span?.startTimeUnixNano);
        sink({ attributes: otlpAttributes(span?.attributes), startMs: start / 1e6 });
        n++;
      }
    }
  }
  return n;
}
