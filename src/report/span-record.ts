/** One span as the report reads it, whatever file format it came from. */
import type { Attributes } from '@opentelemetry/api';

export interface SpanRecord {
  attributes: Attributes;
  /** Start time in ms since the epoch (NaN when unknown: the latest prices apply). */
  startMs: number;
}

export type SpanSink = (span: SpanRecord) => void;
