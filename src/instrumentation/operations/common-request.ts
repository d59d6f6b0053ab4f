import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
} from '../../semconv';
import { num, str, isObject } from '../values';

/** Sampling parameters shared by chat, completions and responses. */
export function samplingAttributes(p: Record<string, unknown>, out: Attributes): void {
  setNum(out, ATTR_GEN_AI_REQUEST_MAX_TOKENS, p.max_completion_tokens ?? p.max_tokens ?? p.max_output_tokens);
  setNum(out, ATTR_GEN_AI_REQUEST_TEMPERATURE, p.temperature);
  setNum(out, ATTR_GEN_AI_REQUEST_TOP_P, p.top_p);
  setNum(out, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, p.frequency_penalty);
  setNum(out, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, p.presence_penalty);
  setNum(out, ATTR_GEN_AI_REQUEST_SEED, p.seed);
  const n = num(p.n);
  if (n !== undefined && n !== 1) out[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = n;
  if (typeof p.stop === 'string') out[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = [p.stop];
  else if (Array.isArray(p.stop))
    out[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = p.stop.filter((s): s is string => typeof s === 'string');
  out[ATTR_GEN_AI_REQUEST_STREAM] = p.stream === true;
  // The conventions: set when the request names a tier other than 'auto'.
  const tier = str(p.service_tier);
  if (tier && tier !== 'auto') out[ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER] = tier;
  const format = isObject(p.response_format)
    ? str(p.response_format.type)
    : isObject(p.text) && isObject(p.text.format)
      ? str(p.text.format.type)
      : undefined;
  if (format) out[ATTR_GEN_AI_OUTPUT_TYPE] = format === 'text' ? 'text' : 'json';
}

function setNum(out: Attributes, key: string, v: unknown): void {
  const n = num(v);
  if (n !== undefined) out[key] = n;
}
