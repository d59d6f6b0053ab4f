/**
 * Splits a request body into segments for each operation: chat completions, Responses API, legacy
 * completions and embeddings.
 */
import type { ContextRequest } from '../contracts';
import { OPERATION } from '../semconv';
import { chatMessageSegment, responseItemSegment } from './read-messages';
import { schemaSegment, toolsSegment } from './read-tools';
import { MESSAGE_OVERHEAD, REPLY_PRIMING } from './overheads';
import { isRecord, makeSegment, str, type ReadRequest, type Segment } from './segments';

function openingEnd(segments: Segment[]): number {
  const firstInput = segments.findIndex((s) => s.side === 'input');
  return firstInput < 0 ? segments.length : firstInput + 1;
}

function readChat(params: Record<string, unknown>): ReadRequest {
  const segments: Segment[] = [];
  const tools = toolsSegment(params.tools ?? params.functions);
  if (tools) segments.push(tools);
  const schema = schemaSegment(params.response_format);
  if (schema) segments.push(schema);
  const messages = Array.isArray(params.messages) ? params.messages : [];
  for (const msg of messages) {
    const seg = chatMessageSegment(msg);
    if (seg) segments.push(seg);
  }
  return {
    segments,
    messageCount: messages.length,
    requestOverhead: REPLY_PRIMING,
    conversational: true,
    serverState: false,
    openingEnd: openingEnd(segments),
  };
}

function conversationIdOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value) return value;
  if (isRecord(value) && typeof value.id === 'string' && value.id) return value.id;
  return undefined;
}

function readResponses(params: Record<string, unknown>): ReadRequest {
  const segments: Segment[] = [];
  const tools = toolsSegment(params.tools);
  if (tools) segments.push(tools);
  const schema = schemaSegment(isRecord(params.text) ? params.text.format : undefined);
  if (schema) segments.push(schema);
  const instructions = str(params.instructions);
  if (instructions) segments.push(makeSegment('system', instructions, MESSAGE_OVERHEAD));
  let serverState = false;
  let messageCount = 0;
  if (typeof params.input === 'string') {
    segments.push(makeSegment('input', params.input, MESSAGE_OVERHEAD));
    messageCount = 1;
  } else if (Array.isArray(params.input)) {
    messageCount = params.input.length;
    for (const item of params.input) {
      const seg = responseItemSegment(item);
      if (seg) segments.push(seg);
      else if (isRecord(item) && item.type === 'item_reference') serverState = true;
    }
  }
  const previousResponseId = str(params.previous_response_id) || undefined;
  const conversationId = conversationIdOf(params.conversation);
  return {
    segments,
    messageCount,
    requestOverhead: REPLY_PRIMING,
    conversational: true,
    serverState: serverState || previousResponseId !== undefined || conversationId !== undefined,
    previousResponseId,
    conversationId,
    openingEnd: openingEnd(segments),
  };
}

/** Prompts (completions) or inputs (embeddings): strings, token arrays, or arrays of either. */
function readPlain(input: unknown): ReadRequest {
  const segments: Segment[] = [];
  const items: unknown[] = Array.isArray(input) && input.length > 0 && typeof input[0] !== 'number' ? input : [input];
  let count = 0;
  for (const item of items) {
    if (typeof item === 'string') segments.push(makeSegment('input', item, 0));
    else if (Array.isArray(item))
      segments.push(makeSegment('input', '', item.length)); // token ids
    else continue;
    count++;
  }
  return {
    segments,
    messageCount: count,
    requestOverhead: 0,
    conversational: false,
    serverState: false,
    openingEnd: 0,
  };
}

/** Segments of a request, or undefined for operations without a text context (images, audio). */
export function readRequest(request: ContextRequest): ReadRequest | undefined {
  const params = isRecord(request.params) ? request.params : {};
  switch (request.operation) {
    case OPERATION.embeddings:
      return readPlain(params.input);
    case OPERATION.textCompletion:
      return readPlain(params.prompt);
    case OPERATION.chat:
    case OPERATION.generateContent:
      // Responses API requests carry `input`/`instructions`; chat completions carry `messages`.
      if (params.messages === undefined && (params.input !== undefined || params.instructions !== undefined)) {
        return readResponses(params);
      }
      return readChat(params);
    default:
      return undefined;
  }
}
