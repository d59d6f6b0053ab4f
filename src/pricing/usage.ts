/**
 * Reads what a span says about a call, whatever convention wrote it: the current OTel GenAI names
 * (ours and the contrib instrumentation's), OpenLLMetry's (gen_ai.usage.prompt_tokens, ...), and
 * OpenInference's (llm.token_count.*, llm.model_name, llm.provider). First name present wins, in the
 * order listed per field below.
 *
 * Counts must be finite numbers >= 0; anything else present (string, NaN, negative) makes the usage
 * invalid rather than silently 0. input_tokens INCLUDES cached reads and cache writes (OTel GenAI and
 * OpenAI semantics); output_tokens INCLUDES reasoning tokens, which are therefore never added again.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { CallUsage } from '../contracts';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OPENLLMETRY,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OPENLLMETRY,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_LLM_REQUEST_TYPE,
  ATTR_OPENINFERENCE_MODEL_NAME,
  ATTR_OPENINFERENCE_PROVIDER,
  ATTR_OPENINFERENCE_SYSTEM,
  ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_READ,
  ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_WRITE,
  ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION,
  ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT,
  ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_AUDIO,
  ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_AUDIO,
  ATTR_REQUEST_IMAGE_QUALITY,
  ATTR_REQUEST_IMAGE_SIZE,
  ATTR_USAGE_AUDIO_SECONDS,
  ATTR_USAGE_IMAGES,
  ATTR_USAGE_INPUT_AUDIO_TOKENS,
  ATTR_USAGE_INPUT_IMAGE_TOKENS,
  ATTR_USAGE_OUTPUT_AUDIO_TOKENS,
  ATTR_USAGE_OUTPUT_IMAGE_TOKENS,
  ATTR_USAGE_PROVIDER_COST_USD,
  OPERATION,
} from '../semconv';

export const INPUT_NAMES = [
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS,
  ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT,
] as const;
export const OUTPUT_NAMES = [
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS,
  ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION,
] as const;
export const CACHE_READ_NAMES = [
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_OPENLLMETRY,
  ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_READ,
] as const;
export const CACHE_WRITE_NAMES = [
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_OPENLLMETRY,
  ATTR_OPENINFERENCE_TOKEN_COUNT_CACHE_WRITE,
] as const;
export const INPUT_AUDIO_NAMES = [ATTR_USAGE_INPUT_AUDIO_TOKENS, ATTR_OPENINFERENCE_TOKEN_COUNT_PROMPT_AUDIO] as const;
export const OUTPUT_AUDIO_NAMES = [
  ATTR_USAGE_OUTPUT_AUDIO_TOKENS,
  ATTR_OPENINFERENCE_TOKEN_COUNT_COMPLETION_AUDIO,
] as const;
export const PROVIDER_NAMES = [
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_SYSTEM,
  ATTR_OPENINFERENCE_PROVIDER,
  ATTR_OPENINFERENCE_SYSTEM,
] as const;
export const MODEL_NAMES = [
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_OPENINFERENCE_MODEL_NAME,
] as const;

/** Token counts: a number >= 0, MISSING (-1) when no attribute is present, INVALID (-2) when one is unusable. */
export const MISSING = -1;
export const INVALID = -2;

/** What the engine needs from one span. Reused between spans (the engine is synchronous). */
export interface SpanUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Audio / image parts of input and output (counts, MISSING or INVALID). */
  inputAudio: number;
  inputImage: number;
  outputAudio: number;
  outputImage: number;
  /** USD the provider reported billing for the call, MISSING or INVALID. */
  providerCost: number;
  /** Images generated, or MISSING / INVALID. */
  images: number;
  /** Minutes of audio, or MISSING / INVALID. */
  audioMinutes: number;
  imageQuality: string | undefined;
  imageSize: string | undefined;
  operation: string | undefined;
  /** The span's attributes, for the per-image / per-minute fields read only when a price needs them. */
  attributes: Attributes;
  /** The typed usage the counts came from (in-process spans), else undefined (read from attributes). */
  given: CallUsage | undefined;
  extrasRead: boolean;
}

export function newUsage(): SpanUsage {
  return {
    input: MISSING,
    output: MISSING,
    cacheRead: MISSING,
    cacheWrite: MISSING,
    inputAudio: MISSING,
    inputImage: MISSING,
    outputAudio: MISSING,
    outputImage: MISSING,
    providerCost: MISSING,
    images: MISSING,
    audioMinutes: MISSING,
    imageQuality: undefined,
    imageSize: undefined,
    operation: undefined,
    attributes: {},
    given: undefined,
    extrasRead: false,
  };
}

/** A USD amount: a finite number >= 0 (ints too), MISSING or INVALID. */
function usdAmount(v: AttributeValue | undefined): number {
  if (v === undefined || v === null) return MISSING;
  return typeof v === 'number' && v >= 0 && v < Infinity ? v : INVALID;
}

/** The Images API's output is images: without a modality split, an image_generation span's output
 *  tokens are image tokens (priced at the image output rate where the model has one). */
function defaultImageOutput(u: SpanUsage): void {
  if (u.operation === OPERATION.imageGeneration && u.outputImage === MISSING && u.outputAudio === MISSING)
    u.outputImage = u.output >= 0 ? u.output : MISSING;
}

function count(v: AttributeValue | undefined): number {
  if (v === undefined || v === null) return MISSING;
  // NaN fails both comparisons; counts beyond 2^53 are not real token counts and would overflow costs.
  return typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : INVALID;
}

function firstCount(a: Attributes, names: readonly string[]): number {
  for (let i = 0; i < names.length; i++) {
    const v = a[names[i]];
    if (v !== undefined && v !== null) return count(v);
  }
  return MISSING;
}

export function firstString(a: Attributes, names: readonly string[]): string | undefined {
  for (let i = 0; i < names.length; i++) {
    const v = a[names[i]];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** OpenLLMetry's llm.request.type values -> GenAI operation names. */
function operationOf(a: Attributes): string | undefined {
  const op = a[ATTR_GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') return op;
  const t = a[ATTR_LLM_REQUEST_TYPE];
  if (t === 'completion') return OPERATION.textCompletion;
  if (t === 'embedding') return OPERATION.embeddings;
  if (t === 'chat') return OPERATION.chat;
  return undefined;
}

/** Fills the token part of `u` from the attributes (the rest on demand: readExtras). */
export function readUsage(a: Attributes, u: SpanUsage): void {
  u.attributes = a;
  u.given = undefined;
  u.extrasRead = false;
  u.operation = operationOf(a);
  u.input = firstCount(a, INPUT_NAMES);
  u.output = firstCount(a, OUTPUT_NAMES);
  u.cacheRead = firstCount(a, CACHE_READ_NAMES);
  u.cacheWrite = firstCount(a, CACHE_WRITE_NAMES);
  u.inputAudio = firstCount(a, INPUT_AUDIO_NAMES);
  u.inputImage = count(a[ATTR_USAGE_INPUT_IMAGE_TOKENS]);
  u.outputAudio = firstCount(a, OUTPUT_AUDIO_NAMES);
  u.outputImage = count(a[ATTR_USAGE_OUTPUT_IMAGE_TOKENS]);
  u.providerCost = usdAmount(a[ATTR_USAGE_PROVIDER_COST_USD]);
  // Embeddings have no output; spans commonly leave the attribute out.
  if (u.output === MISSING && u.operation === OPERATION.embeddings) u.output = 0;
  defaultImageOutput(u);
}

/**
 * Fills `u` from the typed usage of an in-process call instead of its attributes (same checks, same
 * numbers as readUsage on the attributes the instrumentation wrote from it). The operation and the
 * request's image quality/size still come from `a`: they describe the request, not its usage.
 */
export function readCallUsage(a: Attributes, given: CallUsage, u: SpanUsage): void {
  u.attributes = a;
  u.given = given;
  u.extrasRead = false;
  u.operation = operationOf(a);
  u.input = count(given.input);
  u.output = count(given.output);
  u.cacheRead = count(given.cacheRead);
  u.cacheWrite = count(given.cacheWrite);
  u.inputAudio = count(given.inputAudio);
  u.inputImage = count(given.inputImage);
  u.outputAudio = count(given.outputAudio);
  u.outputImage = count(given.outputImage);
  u.providerCost = usdAmount(given.providerCostUsd);
  if (u.output === MISSING && u.operation === OPERATION.embeddings) u.output = 0;
  defaultImageOutput(u);
}

/** Typed usage of in-process spans, by span, from the instrumentation to the cost processor. */
const handedOver = new WeakMap<object, CallUsage>();

/** The instrumentation hands a call's typed usage over before it ends the call's span. */
export function handOverUsage(span: object, usage: CallUsage): void {
  handedOver.set(span, usage);
}

/** The typed usage handed over for `span`, if any (taken once). */
export function takeUsage(span: object): CallUsage | undefined {
  const usage = handedOver.get(span);
  if (usage) handedOver.delete(span);
  return usage;
}

/** Images, audio minutes and image quality/size: only per-image / per-minute prices need them. */
export function readExtras(u: SpanUsage): void {
  if (u.extrasRead) return;
  u.extrasRead = true;
  const a = u.attributes;
  let images = count(u.given ? u.given.images : a[ATTR_USAGE_IMAGES]);
  if (images === MISSING) images = count(a[ATTR_GEN_AI_REQUEST_CHOICE_COUNT]);
  if (images === MISSING && u.operation === OPERATION.imageGeneration) images = 1; // the API's default n
  u.images = images;
  const seconds = count(u.given ? u.given.audioSeconds : a[ATTR_USAGE_AUDIO_SECONDS]);
  u.audioMinutes = seconds >= 0 ? seconds / 60 : seconds;
  const q = a[ATTR_REQUEST_IMAGE_QUALITY];
  const s = a[ATTR_REQUEST_IMAGE_SIZE];
  u.imageQuality = typeof q === 'string' ? q : undefined;
  u.imageSize = typeof s === 'string' ? s : undefined;
}

/**
 * The token part of the usage: 'ok', 'missing' (no input or output count) or 'invalid' (a count
 * present but unusable, or cached parts larger than the input they are part of).
 */
export function tokenState(u: SpanUsage): 'ok' | 'missing' | 'invalid' {
  if (
    u.input === INVALID ||
    u.output === INVALID ||
    u.cacheRead === INVALID ||
    u.cacheWrite === INVALID ||
    u.inputAudio === INVALID ||
    u.inputImage === INVALID ||
    u.outputAudio === INVALID ||
    u.outputImage === INVALID
  )
    return 'invalid';
  if (u.input === MISSING || u.output === MISSING) return 'missing';
  const read = u.cacheRead > 0 ? u.cacheRead : 0;
  const write = u.cacheWrite > 0 ? u.cacheWrite : 0;
  if (read + write > u.input) return 'invalid';
  // Modality counts are parts of input / output.
  if ((u.inputAudio > 0 ? u.inputAudio : 0) + (u.inputImage > 0 ? u.inputImage : 0) > u.input) return 'invalid';
  if ((u.outputAudio > 0 ? u.outputAudio : 0) + (u.outputImage > 0 ? u.outputImage : 0) > u.output) return 'invalid';
  return 'ok';
}
