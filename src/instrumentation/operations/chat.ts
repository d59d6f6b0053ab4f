/** chat.completions.create: plain, streaming, and the parse/stream/runTools helpers built on it. */
import { OPERATION } from '../../semconv';
import { readUsage, type Usage } from '../usage';
import { samplingAttributes } from './common-request';
import {
  FinishReasons,
  includeUsageRequested,
  isObject,
  str,
  type OperationSpec,
  type ResponseSummary,
  type StreamAccumulator,
} from './types';

export const chatCompletions: OperationSpec = {
  name: OPERATION.chat,
  resource: ['Chat', 'Completions'],
  method: 'create',
  measuresContext: true,
  requestAttributes: samplingAttributes,
  readResponse(result) {
    if (!isObject(result)) return {};
    const finish = new FinishReasons();
    const texts: string[] = [];
    const messages: unknown[] = [];
    if (Array.isArray(result.choices)) {
      for (const choice of result.choices) {
        if (!isObject(choice)) continue;
        finish.set(choice.index, choice.finish_reason);
        if (isObject(choice.message)) {
          messages.push(choice.message);
          collectMessageText(choice.message, texts);
        }
      }
    }
    return {
      id: str(result.id),
      model: str(result.model),
      finishReasons: finish.list(),
      usage: readUsage(result.usage),
      outputText: texts.join(''),
      outputMessages: messages,
    };
  },
  streamReportsUsage: includeUsageRequested,
  streamUsageOption: true,
  accumulator: (keepText) => new ChatStreamAccumulator(keepText),
};

function collectMessageText(message: Record<string, unknown>, out: string[]): void {
  const content = str(message.content) ?? str(message.refusal);
  if (content) out.push(content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (isObject(call) && isObject(call.function)) {
        out.push(str(call.function.name) ?? '', str(call.function.arguments) ?? '');
      }
    }
  }
}

class ChatStreamAccumulator implements StreamAccumulator {
  private id?: string;
  private model?: string;
  private usage?: Usage;
  private readonly finish = new FinishReasons();
  private readonly texts: string[] = [];

  constructor(private readonly keepText: boolean) {}

  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    if (chunk.usage) this.usage = readUsage(chunk.usage) ?? this.usage;
    // The usage chunk of include_usage has `choices: []`; some providers omit choices entirely.
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      if (!isObject(choice)) continue;
      this.finish.set(choice.index, choice.finish_reason);
      if (this.keepText && isObject(choice.delta)) collectMessageText(choice.delta, this.texts);
    }
  }

  summary(): ResponseSummary {
    const outputText = this.keepText ? this.texts.join('') : undefined;
    return {
      id: this.id,
      model: this.model,
      finishReasons: this.finish.list(),
      usage: this.usage,
      outputText,
      outputMessages: outputText !== undefined ? [{ role: 'assistant', content: outputText }] : undefined,
    };
  }
}
