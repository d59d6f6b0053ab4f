/**
 * The interfaces between layers, so each layer can be built and tested on its own:
 * instrumentation -> context (measure a request) and pricing (price a span, describe a model).
 * Plain data only; no behaviour lives here.
 */
import type { Attributes } from '@opentelemetry/api';
import type { OperationName } from './semconv';

/** Tokenizer families whose token counts differ; ratios between them are pricing data. */
export type TokenizerFamily =
  'o200k' | 'cl100k' | 'llama3' | 'qwen3' | 'deepseek_v3' | 'mistral_tekken' | 'mistral_spm' | string;

/** What the pricing/model data knows about a model, as far as context measurement needs it. */
export interface ModelInfo {
  /** Context window in tokens (input + output where the provider counts them together). */
  window?: number;
  /** Largest input the model accepts, when smaller than the window (e.g. gpt-5: 272k of 400k). */
  maxInputTokens?: number;
  tokenizer: TokenizerFamily;
}

/** Looks models up by the name seen on a span (aliases, dated snapshots, provider prefixes). */
export interface ModelCatalog {
  model(model: string, provider?: string): ModelInfo | undefined;
}

/** A request as the instrumentation hands it to context measurement. */
export interface ContextRequest {
  operation: OperationName;
  provider: string;
  model: string;
  /** The request body the application passed to the SDK (never modified). */
  params: Record<string, unknown>;
  /** gen_ai.conversation.id when the application or the API gives one. */
  conversationId?: string;
}

/** Returned before the request is sent; completed once usage is (or is not) known. */
export interface ContextMeasurement {
  /** Attributes known before the request is sent (messages, turn, conversation key, ...). */
  readonly attributes: Attributes;
  /**
   * The final context attributes: totals from the API's input tokens when given, otherwise counted with
   * the tokenizer (then `estimated` is true). Bloat, utilisation and size bucket are decided here.
   */
  complete(
    apiInputTokens: number | undefined,
    /** The API response's id (Responses API), so a later previous_response_id finds this conversation. */
    response?: { responseId?: string },
  ): {
    attributes: Attributes;
    inputTokens: number;
    estimated: boolean;
    /** Tokens resent from the previous request of the conversation (for the recycled-tokens counter);
     *  undefined when unknown (first sight of a server-held chain, unsupported operation). */
    recycledTokens?: number;
    /** tokentax.context.tokens, when the request's context was measured (or the API gave it). */
    contextTokens?: number;
    /** contextTokens / the model's window, when the window is known. */
    utilization?: number;
    /** The bloat rules that fired (empty when none, or nothing was measured). */
    bloatReasons?: readonly string[];
  };
}

/**
 * One call's usage, read once from the API's response (or estimated with the tokenizer): the typed
 * value the span's attributes, its metrics and its in-process cost are all made from.
 */
export interface CallUsage {
  /** All input tokens, cached reads and cache writes included. */
  input?: number;
  /** All output tokens, reasoning included. */
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** Audio / image parts of input and output (OpenAI's *_tokens_details), priced at their own rates. */
  inputAudio?: number;
  inputImage?: number;
  outputAudio?: number;
  outputImage?: number;
  /** USD the provider says it billed for the call (OpenRouter usage.cost): the actual cost when given. */
  providerCostUsd?: number;
  /** Seconds of audio (transcriptions billed by duration). */
  audioSeconds?: number;
  /** Images generated. */
  images?: number;
  /** input or output came from the tokenizer, not from the API's usage block. */
  estimated: boolean;
}

export interface ContextMeter {
  measure(request: ContextRequest): ContextMeasurement;
  /**
   * Counts output text (streams without usage) with the tokenizer of the model's family, in slices
   * between turns of the event loop when it is long (see context/counting).
   */
  countText(model: string, text: string, provider?: string): PendingCount;
}

/** A count that may still be running in slices. */
export interface PendingCount {
  /** The count is known: value() does no counting. */
  readonly done: boolean;
  /** The count; counts what is left at once when it is not done yet. */
  value(): number;
}

/** One alternative the cost engine prices every span against. */
export interface Scenario {
  id: string;
  provider: string;
  /** Fixed stand-in model; when absent the equivalence table decides per span. */
  model?: string;
}

/**
 * Prices a finished span's attributes; pure, never throws. `usage`, when given (the in-process
 * instrumentation's own span), replaces the usage counts the attributes would give: same numbers.
 */
export type PriceSpan = (attributes: Attributes, timeMs: number, usage?: CallUsage) => Attributes;
