/**
 * Normalises the usage blocks of the different OpenAI endpoints (chat/completions use
 * prompt/completion names, Responses and newer audio use input/output names) to one shape.
 * Values are taken exactly as reported; anything that is not a finite non-negative number is dropped.
 */
export interface Usage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** Audio / image parts of input and output. */
  inputAudio?: number;
  inputImage?: number;
  outputAudio?: number;
  outputImage?: number;
  /** USD billed, as the provider reported it (OpenRouter usage.cost). */
  costUsd?: number;
  /** Audio seconds (transcriptions billed by duration). */
  seconds?: number;
}

type Loose = Record<string, unknown> | null | undefined;

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/** A modality part: only when > 0 (chat usage says audio_tokens: 0 on every text call). */
const part = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 && v < Infinity ? v : undefined);

const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);

export function readUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  // Transcriptions billed by tokens say input_token_details (singular).
  const inputDetails = obj(u.prompt_tokens_details) ?? obj(u.input_tokens_details) ?? obj(u.input_token_details);
  const outputDetails = obj(u.completion_tokens_details) ?? obj(u.output_tokens_details);
  const usage: Usage = {
    input: count(u.prompt_tokens) ?? count(u.input_tokens),
    output: count(u.completion_tokens) ?? count(u.output_tokens),
    // Together reports cached input at the top level, DeepSeek as prompt_cache_hit_tokens.
    cacheRead: count(inputDetails?.cached_tokens) ?? count(u.cached_tokens) ?? count(u.prompt_cache_hit_tokens),
    cacheWrite: count(inputDetails?.cache_creation_tokens) ?? count(inputDetails?.cache_write_tokens),
    reasoning: count(outputDetails?.reasoning_tokens),
    inputAudio: part(inputDetails?.audio_tokens),
    inputImage: part(inputDetails?.image_tokens),
    outputAudio: part(outputDetails?.audio_tokens),
    outputImage: part(outputDetails?.image_tokens),
    // OpenRouter's billed cost; with a user's own provider key (BYOK) it is only OpenRouter's fee.
    costUsd: u.is_byok === true ? undefined : count(u.cost),
    seconds: u.type === 'duration' ? count(u.seconds) : undefined,
  };
  const any = Object.values(usage).some((v) => v !== undefined);
  return any ? usage : undefined;
}
