import type { Attributes } from '@opentelemetry/api';
import type { OperationName } from '../../semconv';
import type { Usage } from '../usage';
import type { OutputMessage } from '../messages';

/** What a finished call returned, in the terms the span needs. */
export interface ResponseSummary {
  id?: string;
  model?: string;
  finishReasons?: string[];
  usage?: Usage;
  /** Generated text: kept for token estimation (no usage, or a stream stopped before its usage). */
  outputText?: string;
  /** Output messages in the conventions' shape, built only when content capture is on. */
  outputMessages?: () => OutputMessage[];
  /** The API said the call failed though it answered (a Responses `failed` status): its error code. */
  errorType?: string;
  images?: number;
  conversationId?: string;
  /** The service tier that served the request (openai.response.service_tier). */
  serviceTier?: string;
}

/** Folds stream chunks into a summary, without holding the chunks (it keeps the generated text). */
export interface StreamAccumulator {
  add(chunk: unknown): void;
  /** The whole response arrived (every choice finished, or a terminal event), usage aside. */
  complete(): boolean;
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
  accumulator?(): StreamAccumulator;
  /** The endpoint accepts stream_options.include_usage (the includeStreamUsage option may add it). */
  readonly streamUsageOption?: boolean;
}
