/** responses.create (plain and streaming) and the helpers built on it. */
import { ERROR_TYPE, OPERATION } from '../../semconv';
import { responsesOutputMessages, UNFINISHED } from '../messages';
import { readUsage } from '../usage';
import { samplingAttributes } from './common-request';
import { isObject, str } from '../values';
import { type OperationSpec, type ResponseSummary, type StreamAccumulator } from './types';

export const responses: OperationSpec = {
  name: OPERATION.chat,
  resource: ['Responses'],
  method: 'create',
  measuresContext: true,
  requestAttributes: samplingAttributes,
  readResponse: (result) => summarise(result, true),
  accumulator: () => new ResponsesStreamAccumulator(),
};

/** Statuses that end a response; `in_progress` and `queued` (a created event) say nothing finished. */
const FINAL_STATUSES = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

function summarise(response: unknown, withText: boolean): ResponseSummary {
  if (!isObject(response)) return {};
  const texts: string[] = [];
  if (withText && Array.isArray(response.output)) for (const item of response.output) collectItemText(item, texts);
  const reason = isObject(response.incomplete_details) ? str(response.incomplete_details.reason) : undefined;
  const status = str(response.status);
  const finish = reason ?? (status && FINAL_STATUSES.has(status) ? status : undefined);
  const conversation = isObject(response.conversation) ? str(response.conversation.id) : undefined;
  const output = response.output;
  return {
    id: str(response.id),
    model: str(response.model),
    finishReasons: finish ? [finish] : undefined,
    usage: readUsage(response.usage),
    outputText: withText ? texts.join('') : undefined,
    outputMessages: Array.isArray(output) ? () => responsesOutputMessages(output, status, reason) : undefined,
    conversationId: conversation,
    serviceTier: str(response.service_tier),
    // The API answered but the response failed (a server error mid-generation).
    errorType:
      status === 'failed'
        ? ((isObject(response.error) ? str(response.error.code) : undefined) ?? ERROR_TYPE.other)
        : undefined,
  };
}

function collectItemText(item: unknown, out: string[]): void {
  if (!isObject(item)) return;
  if (Array.isArray(item.content)) {
    for (const part of item.content) if (isObject(part)) out.push(str(part.text) ?? str(part.refusal) ?? '');
  }
  const args = str(item.arguments) ?? str(item.input);
  if (args) out.push(str(item.name) ?? '', args);
}

/** Terminal events carry the whole response (with usage); deltas carry text. */
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const TEXT_DELTAS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
]);

class ResponsesStreamAccumulator implements StreamAccumulator {
  private last: ResponseSummary = {};
  private ended = false;
  private readonly texts: string[] = [];

  add(event: unknown): void {
    if (!isObject(event)) return;
    const type = str(event.type);
    if (!type) return;
    if (TEXT_DELTAS.has(type)) {
      const delta = str(event.delta);
      if (delta) this.texts.push(delta);
    } else if (TERMINAL.has(type) || type === 'response.created') {
      const summary = summarise(event.response, false);
      // Only a terminal event's output is the whole output.
      if (TERMINAL.has(type)) this.ended = true;
      else summary.outputMessages = undefined;
      this.last = { ...this.last, ...definedOnly(summary) };
    }
  }

  complete(): boolean {
    return this.ended;
  }

  summary(): ResponseSummary {
    const outputText = this.texts.join('');
    // Stopped before the terminal event: what was streamed, as one unfinished message.
    const outputMessages =
      this.last.outputMessages ??
      (() => [{ role: 'assistant', parts: [{ type: 'text', content: outputText }], finish_reason: UNFINISHED }]);
    return { ...this.last, outputText, outputMessages };
  }
}

function definedOnly(summary: ResponseSummary): ResponseSummary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(summary)) if (v !== undefined) out[k] = v;
  return out as ResponseSummary;
}
