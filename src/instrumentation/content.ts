/**
 * Opt-in content capture (gen_ai.input.messages, gen_ai.output.messages,
 * gen_ai.system_instructions). Only called when the user turned capture on; the SDK's attribute
 * length limits (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) truncate the JSON strings.
 */
import type { Attributes } from '@opentelemetry/api';
import { ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_OUTPUT_MESSAGES, ATTR_GEN_AI_SYSTEM_INSTRUCTIONS } from '../semconv';
import type { ResponseSummary } from './operations';

export function inputContent(params: Record<string, unknown>, out: Attributes): void {
  const input = params.messages ?? params.input ?? params.prompt;
  if (input !== undefined) out[ATTR_GEN_AI_INPUT_MESSAGES] = json(input);
  if (typeof params.instructions === 'string') out[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = params.instructions;
}

export function outputContent(summary: ResponseSummary, out: Attributes): void {
  if (summary.outputMessages) out[ATTR_GEN_AI_OUTPUT_MESSAGES] = json(summary.outputMessages);
}

function json(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}
