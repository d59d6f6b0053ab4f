import type { Attributes } from '@opentelemetry/api';
import type { OperationName } from '../../semconv';
import type { Usage } from '../usage';

/** What a finished call returned, in the terms the span needs. */
export interface ResponseSummary {
  id?: string;
  model?: string;
  finishReasons?: string[];
  usage?: Usage;
  /** Generated text: kept for token estimation (no usage) and opt-in content capture only. */
  outputText?: string;
  /** Output messages for opt-in content capture. */
  outputMessages?: unknown[];
  images?: number;
  conversationId?: string;
}

/** Folds stream chunks into a summary, without holding the chunks. */
export interface StreamAccumulator {
  add(chunk: unknown): void;
  summary(): ResponseSummary;
}

/** One patched SDK method: how to read its request, response and stream. */
export interface OperationSpec {
  readonly name: OperationName;
  /** Path from the OpenAI class to the resource class, and the method to patch. */
  readonly resource: readonly string[];
  readonly method: string;
  /** Whether context measurement applies (prompts and inputs; not images or audio). */
  readonly measuresContext: boolean;
  requestAttributes(params: Record<string, unknown>, out: Attributes): void;
  readResponse(result: unknown): ResponseSummary;
  /** keepText: also gather the generated text (usage may be missing, or content capture is on). */
  accumulator?(keepText: boolean): StreamAccumulator;
  /** Whether a stream of this request will end with the API's usage (then its text need not be kept). */
  streamReportsUsage?(params: Record<string, unknown>): boolean;
  /** The endpoint accepts stream_options.include_usage (the includeStreamUsage option may add it). */
  readonly streamUsageOption?: boolean;
}

/** Chat and legacy completions stream usage only when asked to (stream_options.include_usage). */
export const includeUsageRequested = (params: Record<string, unknown>): boolean =>
  isObject(params.stream_options) && params.stream_options.include_usage === true;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Collects finish reasons by choice index, so the span lists them in choice order. */
export class FinishReasons {
  private readonly byIndex: string[] = [];
  set(index: unknown, reason: unknown): void {
    if (typeof reason === 'string') this.byIndex[typeof index === 'number' ? index : this.byIndex.length] = reason;
  }
  list(): string[] | undefined {
    const out = this.byIndex.filter((r) => r !== undefined);
    return out.length ? out : undefined;
  }
}
