/**
 * Opt-in content capture (gen_ai.input.messages, gen_ai.output.messages,
 * gen_ai.system_instructions) in the conventions' structured shape, serialised as JSON strings (span
 * attributes hold no nested values). Only called when the user turned capture on; the SDK's attribute
 * length limits (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) truncate the strings.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  OPERATION,
  type OperationName,
} from '../semconv';
import { chatInputMessages, instructionParts, promptMessages, responsesInputMessages } from './messages';
import type { ResponseSummary } from './operations';

/** The request's messages; embeddings, audio and images have no messages in the conventions. */
export function inputContent(operation: OperationName, params: Record<string, unknown>, out: Attributes): void {
  let messages;
  if (operation === OPERATION.chat) {
    messages =
      params.messages !== undefined ? chatInputMessages(params.messages) : responsesInputMessages(params.input);
    const instructions = instructionParts(params.instructions);
    if (instructions) out[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = json(instructions);
  } else if (operation === OPERATION.textCompletion) messages = promptMessages(params.prompt);
  if (messages) out[ATTR_GEN_AI_INPUT_MESSAGES] = json(messages);
}

export function outputContent(summary: ResponseSummary, out: Attributes): void {
  const messages = summary.outputMessages?.();
  if (messages) out[ATTR_GEN_AI_OUTPUT_MESSAGES] = json(messages);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}
