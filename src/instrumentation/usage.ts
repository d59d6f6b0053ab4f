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
  /** Audio seconds (transcriptions billed by duration). */
  seconds?: number;
}

type Loose = Record<string, unknown> | null | undefined;

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);

export function readUsage(raw: unknown): Usage | undefined {
  const u = obj(raw);
  if (!u) return undefined;
  const inputDetails = obj(u.prompt_tokens_details) ?? obj(u.input_tokens_details);
  const outputDetails = obj(u.completion_tokens_details) ?? obj(u.output_tokens_details);
  const usage: Usage = {
    input: count(u.prompt_tokens) ?? count(u.input_tokens),
    output: count(u.completion_tokens) ?? count(u.output_tokens),
    cacheRead: count(inputDetails?.cached_tokens),
    cacheWrite: count(inputDetails?.cache_creation_tokens) ?? count(inputDetails?.cache_write_tokens),
    reasoning: count(outputDetails?.reasoning_tokens),
    seconds: u.type === 'duration' ? count(u.seconds) : undefined,
  };
  const any = Object.values(usage).some((v) => v !== undefined);
  return any ? usage : undefined;
}
