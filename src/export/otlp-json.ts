/**
 * ReadableSpans -> one OTLP/JSON ExportTraceServiceRequest, encoded as the OpenTelemetry Collector's
 * file exporter writes it (protobuf JSON mapping): hex trace/span ids, 64-bit integers and times as
 * strings, enums as numbers, attributes as {key, value: {stringValue|intValue|doubleValue|boolValue|
 * arrayValue}}. Written here rather than taken from @opentelemetry/otlp-transformer, whose JSON
 * serializer writes intValue as a number and is not a direct dependency.
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpAnyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

function hrToNanos(t: HrTime): string {
  return (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
}

function anyValue(v: unknown): OtlpAnyValue {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'number':
      // Integers within the safe range are ints (as the OTel SDK's own exporters decide).
      return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
    case 'bigint':
      return { intValue: v.toString() };
    default:
      if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
      return v == null ? {} : { stringValue: String(v) };
  }
}

export function toKeyValues(attributes: Attributes | undefined): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  if (!attributes) return out;
  for (const key of Object.keys(attributes)) {
    const v: AttributeValue | undefined = attributes[key];
    if (v === undefined) continue;
    out.push({ key, value: anyValue(v) });
  }
  return out;
}

function event(e: TimedEvent) {
  return {
    timeUnixNano: hrToNanos(e.time),
    name: e.name,
    attributes: toKeyValues(e.attributes),
    droppedAttributesCount: e.droppedAttributesCount ?? 0,
  };
}

/** OTLP span flags: W3C trace flags in the low byte, plus "is the parent/link remote" bits (8, 9). */
function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
}

function link(l: Link) {
  return {
    traceId: l.context.traceId,
    spanId: l.context.spanId,
    attributes: toKeyValues(l.attributes),
    droppedAttributesCount: l.droppedAttributesCount ?? 0,
    flags: spanFlags(l.context.traceFlags, l.context.isRemote),
  };
}

function parentOf(span: ReadableSpan): SpanContext | undefined {
  return (span as { parentSpanContext?: SpanContext }).parentSpanContext;
}

function spanJson(span: ReadableSpan) {
  const ctx = span.spanContext();
  const parent = parentOf(span);
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(ctx.traceState ? { traceState: ctx.traceState.serialize() } : {}),
    ...(parent?.spanId ? { parentSpanId: parent.spanId } : {}),
    flags: spanFlags(ctx.traceFlags, parent?.isRemote),
    name: span.name,
    kind: span.kind + 1, // API SpanKind INTERNAL=0 ... ; OTLP SPAN_KIND_INTERNAL=1 ...
    startTimeUnixNano: hrToNanos(span.startTime),
    endTimeUnixNano: hrToNanos(span.endTime),
    attributes: toKeyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    events: span.events.map(event),
    droppedEventsCount: span.droppedEventsCount ?? 0,
    links: span.links.map(link),
    droppedLinksCount: span.droppedLinksCount ?? 0,
    status: { code: span.status.code, ...(span.status.message ? { message: span.status.message } : {}) },
  };
}

/** Groups spans by resource, then instrumentation scope, as OTLP requires. */
export function toExportTraceServiceRequest(spans: readonly ReadableSpan[]) {
  const byResource = new Map<unknown, Map<string, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (!scopes) byResource.set(span.resource, (scopes = new Map()));
    const s = span.instrumentationScope;
    const key = `${s.name}\u0000${s.version ?? ''}\u0000${s.schemaUrl ?? ''}`;
    const list = scopes.get(key);
    if (list) list.push(span);
    else scopes.set(key, [span]);
  }
  const resourceSpans = [];
  for (const scopes of byResource.values()) {
    const first = scopes.values().next().value as ReadableSpan[];
    const resource = first[0].resource;
    const scopeSpans = [];
    for (const list of scopes.values()) {
      const s = list[0].instrumentationScope;
      scopeSpans.push({
        scope: { name: s.name, ...(s.version ? { version: s.version } : {}) },
        spans: list.map(spanJson),
        ...(s.schemaUrl ? { schemaUrl: s.schemaUrl } : {}),
      });
    }
    resourceSpans.push({
      resource: { attributes: toKeyValues(resource.attributes), droppedAttributesCount: 0 },
      scopeSpans,
      ...(resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {}),
    });
  }
  return { resourceSpans };
}
