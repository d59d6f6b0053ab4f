/** responses.create (plain and streaming) and the helpers built on it. */
import { OPERATION } from '../../semconv';
import { readUsage } from '../usage';
import { samplingAttributes } from './common-request';
import { isObject, str, type OperationSpec, type ResponseSummary, type StreamAccumulator } from './types';

export const responses: OperationSpec = {
  name: OPERATION.chat,
  resource: ['Responses'],
  method: 'create',
  measuresContext: true,
  requestAttributes: samplingAttributes,
  readResponse: (result) => summarise(result, true),
  // Responses streams always end with the whole response, usage included.
  streamReportsUsage: () => true,
  accumulator: (keepText) => new ResponsesStreamAccumulator(keepText),
};

function summarise(response: unknown, withText: boolean): ResponseSummary {
  if (!isObject(response)) return {};
  const texts: string[] = [];
  if (withText && Array.isArray(response.output)) for (const item of response.output) collectItemText(item, texts);
  const reason = isObject(response.incomplete_details) ? str(response.incomplete_details.reason) : undefined;
  const status = reason ?? str(response.status);
  const conversation = isObject(response.conversation) ? str(response.conversation.id) : undefined;
  return {
    id: str(response.id),
    model: str(response.model),
    finishReasons: status ? [status] : undefined,
    usage: readUsage(response.usage),
    outputText: withText ? texts.join('') : undefined,
    outputMessages: withText && Array.isArray(response.output) ? response.output : undefined,
    conversationId: conversation,
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
  private readonly texts: string[] = [];

  constructor(private readonly keepText: boolean) {}

  add(event: unknown): void {
    if (!isObject(event)) return;
    const type = str(event.type);
    if (!type) return;
    if (TERMINAL.has(type) || type === 'response.created') {
      const summary = summarise(event.response, false);
      this.last = { ...this.last, ...definedOnly(summary) };
    } else if (this.keepText && TEXT_DELTAS.has(type)) {
      const delta = str(event.delta);
      if (delta) this.texts.push(delta);
    }
  }

  summary(): ResponseSummary {
    if (!this.keepText) return this.last;
    const outputText = this.texts.join('');
    return { ...this.last, outputText, outputMessages: [{ role: 'assistant', content: outputText }] };
  }
}

function definedOnly(summary: ResponseSummary): ResponseSummary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(summary)) if (v !== undefined) out[k] = v;
  return out as ResponseSummary;
}
