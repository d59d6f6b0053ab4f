/**
 * A finished call's response summary and context measurement -> one typed outcome: the call's usage
 * (the API's, or estimated with the tokenizer), its completed context figures, and the span attributes
 * written from them. Metrics and cost take the typed values; nothing reads the attributes back.
 */
import type { Attributes } from '@opentelemetry/api';
import type { CallUsage, ContextMeasurement, ContextMeter, PendingCount } from '../contracts';
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_USAGE_AUDIO_SECONDS,
  ATTR_USAGE_ESTIMATED,
  ATTR_USAGE_IMAGES,
  ATTR_USAGE_INPUT_AUDIO_TOKENS,
  ATTR_USAGE_INPUT_IMAGE_TOKENS,
  ATTR_USAGE_OUTPUT_AUDIO_TOKENS,
  ATTR_USAGE_OUTPUT_IMAGE_TOKENS,
  ATTR_USAGE_PROVIDER_COST_USD,
} from '../semconv';
import { outputContent } from './content';
import type { ResponseSummary } from './operations';
import { guard } from './safe';

export type CompletedContext = ReturnType<ContextMeasurement['complete']>;

export interface Outcome {
  usage: CallUsage;
  /** Which of usage.input / usage.output came from the tokenizer (metrics keep them apart). */
  estimated: { input: boolean; output: boolean };
  /** The response reports a failure of its own (a failed Responses answer). */
  errorType?: string;
  context?: CompletedContext;
  responseModel?: string;
  /** The span's attributes at its end (response, usage, context). */
  attributes: Attributes;
}

export interface CompletionInput {
  /** undefined: the call failed before any response. */
  summary: ResponseSummary | undefined;
  measurement: ContextMeasurement | undefined;
  /** Output tokens counted by the tokenizer, when the API gives none (see outputCount). */
  outputCount: PendingCount | undefined;
  model: string;
  provider: string;
  /** gen_ai.conversation.id given with the request (the response's is then not written). */
  conversationId: string | undefined;
  timeToFirstChunk: number | undefined;
  captureContent: boolean;
  legacyAttributes: boolean;
}

/** Starts counting a response's output text when the API gave no output tokens (a stream without usage). */
export function outputCount(
  summary: ResponseSummary | undefined,
  meter: ContextMeter | undefined,
  model: string,
  provider: string,
): PendingCount | undefined {
  if (!meter || summary?.outputText === undefined || summary.usage?.output !== undefined) return undefined;
  const text = summary.outputText;
  return guard('output token estimate', () => meter.countText(model, text, provider));
}

export function completeCall(input: CompletionInput): Outcome {
  const out: Attributes = {};
  const { summary } = input;
  if (!summary) {
    const context = completeContext(input.measurement, undefined, out);
    return { usage: { estimated: false }, estimated: { input: false, output: false }, context, attributes: out };
  }
  if (summary.id) out[ATTR_GEN_AI_RESPONSE_ID] = summary.id;
  if (summary.model) out[ATTR_GEN_AI_RESPONSE_MODEL] = summary.model;
  if (summary.finishReasons) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = summary.finishReasons;
  if (summary.conversationId && !input.conversationId) out[ATTR_GEN_AI_CONVERSATION_ID] = summary.conversationId;
  if (input.timeToFirstChunk !== undefined) out[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = input.timeToFirstChunk;
  if (summary.serviceTier) out[ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER] = summary.serviceTier;

  const api = summary.usage ?? {};
  const context = completeContext(input.measurement, api.input, out, summary.id);
  let tokensIn = api.input;
  const estimatedIn = tokensIn === undefined && !!context?.estimated && !!input.measurement;
  if (estimatedIn) tokensIn = context?.inputTokens;
  let tokensOut = api.output;
  if (tokensOut === undefined && input.outputCount)
    tokensOut = guard('output token estimate', () => input.outputCount?.value());
  const estimated = { input: estimatedIn, output: api.output === undefined && tokensOut !== undefined };
  const usage: CallUsage = {
    input: tokensIn,
    output: tokensOut,
    cacheRead: api.cacheRead,
    cacheWrite: api.cacheWrite,
    reasoning: api.reasoning,
    inputAudio: api.inputAudio,
    inputImage: api.inputImage,
    outputAudio: api.outputAudio,
    outputImage: api.outputImage,
    providerCostUsd: api.costUsd,
    audioSeconds: api.seconds,
    images: summary.images,
    estimated: estimated.input || estimated.output,
  };
  writeUsage(usage, out, input.legacyAttributes);
  if (input.captureContent) outputContent(summary, out);
  return { usage, estimated, errorType: summary.errorType, context, responseModel: summary.model, attributes: out };
}

/** Completes context measurement with the API's input tokens (if any), adding its attributes to `out`. */
function completeContext(
  measurement: ContextMeasurement | undefined,
  apiInput: number | undefined,
  out: Attributes,
  responseId?: string,
): CompletedContext | undefined {
  if (!measurement) return undefined;
  Object.assign(out, measurement.attributes);
  const done = guard('context completion', () => measurement.complete(apiInput, { responseId }));
  if (done) Object.assign(out, done.attributes);
  return done;
}

/** The span attributes of a call's usage (the span contract's gen_ai.usage.* and tokentax.usage.*). */
export function writeUsage(usage: CallUsage, out: Attributes, legacy: boolean): void {
  const { input, output } = usage;
  if (input !== undefined) out[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = input;
  if (output !== undefined) out[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = output;
  if (usage.cacheRead !== undefined) out[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheRead;
  if (usage.cacheWrite !== undefined) out[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWrite;
  if (usage.reasoning !== undefined) out[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning;
  if (usage.inputAudio !== undefined) out[ATTR_USAGE_INPUT_AUDIO_TOKENS] = usage.inputAudio;
  if (usage.inputImage !== undefined) out[ATTR_USAGE_INPUT_IMAGE_TOKENS] = usage.inputImage;
  if (usage.outputAudio !== undefined) out[ATTR_USAGE_OUTPUT_AUDIO_TOKENS] = usage.outputAudio;
  if (usage.outputImage !== undefined) out[ATTR_USAGE_OUTPUT_IMAGE_TOKENS] = usage.outputImage;
  if (usage.providerCostUsd !== undefined) out[ATTR_USAGE_PROVIDER_COST_USD] = usage.providerCostUsd;
  if (usage.audioSeconds !== undefined) out[ATTR_USAGE_AUDIO_SECONDS] = usage.audioSeconds;
  if (usage.images !== undefined) out[ATTR_USAGE_IMAGES] = usage.images;
  if (input !== undefined || output !== undefined) out[ATTR_USAGE_ESTIMATED] = usage.estimated;
  if (legacy) {
    if (input !== undefined) out[ATTR_GEN_AI_USAGE_PROMPT_TOKENS] = input;
    if (output !== undefined) out[ATTR_GEN_AI_USAGE_COMPLETION_TOKENS] = output;
  }
}
