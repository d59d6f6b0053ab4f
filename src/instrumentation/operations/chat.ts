/** chat.completions.create: plain, streaming, and the parse/stream/runTools helpers built on it. */
import { OPERATION } from '../../semconv';
import { chatOutputMessage } from '../messages';
import { readUsage, type Usage } from '../usage';
import { samplingAttributes } from './common-request';
import { isObject, str } from '../values';
import { type OperationSpec, type ResponseSummary, type StreamAccumulator } from './types';

export const chatCompletions: OperationSpec = {
  name: OPERATION.chat,
  resource: ['Chat', 'Completions'],
  method: 'create',
  measuresContext: true,
  requestAttributes: samplingAttributes,
  readResponse(result) {
    if (!isObject(result)) return {};
    const choices = Array.isArray(result.choices) ? result.choices.filter(isObject) : [];
    choices.sort((a, b) => (Number(a.index) || 0) - (Number(b.index) || 0));
    const reasons = choices.map((c) => str(c.finish_reason)).filter((r): r is string => r !== undefined);
    const texts: string[] = [];
    for (const choice of choices) if (isObject(choice.message)) collectMessageText(choice.message, texts);
    return {
      id: str(result.id),
      model: str(result.model),
      finishReasons: reasons.length ? reasons : undefined,
      usage: readUsage(result.usage),
      outputText: texts.join(''),
      outputMessages: () => choices.map((c) => chatOutputMessage(c.message, str(c.finish_reason))),
      serviceTier: str(result.service_tier),
    };
  },
  streamUsageOption: true,
  accumulator: () => new ChatStreamAccumulator(),
};

/** Reasoning text some providers return beside the answer (DeepSeek, OpenRouter, Groq): billed as output. */
const reasoningOf = (message: Record<string, unknown>): unknown => message.reasoning_content ?? message.reasoning;

function collectMessageText(message: Record<string, unknown>, out: string[]): void {
  const content = str(message.content) ?? str(message.refusal);
  if (content) out.push(content);
  const reasoning = str(reasoningOf(message));
  if (reasoning) out.push(reasoning);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (isObject(call) && isObject(call.function)) {
        out.push(str(call.function.name) ?? '', str(call.function.arguments) ?? '');
      }
    }
  }
}

interface StreamedToolCall {
  id?: string;
  name?: string;
  args: string[];
}

/** One choice as its deltas arrive: text pieces kept as they came, joined once at the end. */
interface StreamedChoice {
  content: string[];
  refusal: string[];
  reasoning: string[];
  tools: StreamedToolCall[];
  finish?: string;
}

class ChatStreamAccumulator implements StreamAccumulator {
  private id?: string;
  private model?: string;
  private serviceTier?: string;
  private usage?: Usage;
  private readonly choices: StreamedChoice[] = [];

  add(chunk: unknown): void {
    if (!isObject(chunk)) return;
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    this.serviceTier ??= str(chunk.service_tier);
    if (chunk.usage) this.usage = readUsage(chunk.usage) ?? this.usage;
    // The usage chunk of include_usage has `choices: []`; some providers omit choices entirely.
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      if (!isObject(choice)) continue;
      const index = typeof choice.index === 'number' ? choice.index : 0;
      const c = (this.choices[index] ??= { content: [], refusal: [], reasoning: [], tools: [] });
      if (typeof choice.finish_reason === 'string') c.finish = choice.finish_reason;
      const delta = choice.delta;
      if (!isObject(delta)) continue;
      if (typeof delta.content === 'string') c.content.push(delta.content);
      if (typeof delta.refusal === 'string') c.refusal.push(delta.refusal);
      const reasoning = reasoningOf(delta);
      if (typeof reasoning === 'string') c.reasoning.push(reasoning);
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) addToolDelta(c, call);
    }
  }

  complete(): boolean {
    let any = false;
    for (const c of this.choices) {
      if (!c) continue;
      if (c.finish === undefined) return false;
      any = true;
    }
    return any;
  }

  summary(): ResponseSummary {
    const choices = this.choices.filter((c) => c !== undefined);
    const reasons = choices.map((c) => c.finish).filter((r): r is string => r !== undefined);
    const texts: string[] = [];
    for (const c of choices) {
      texts.push(...c.content, ...c.refusal, ...c.reasoning);
      for (const t of c.tools) texts.push(t.name ?? '', ...t.args);
    }
    return {
      id: this.id,
      model: this.model,
      finishReasons: reasons.length ? reasons : undefined,
      usage: this.usage,
      outputText: texts.join(''),
      outputMessages: () => choices.map((c) => chatOutputMessage(assembled(c), c.finish)),
      serviceTier: this.serviceTier,
    };
  }
}

function addToolDelta(choice: StreamedChoice, call: unknown): void {
  if (!isObject(call)) return;
  const index = typeof call.index === 'number' ? call.index : choice.tools.length;
  const t = (choice.tools[index] ??= { args: [] });
  t.id ??= str(call.id);
  const fn = isObject(call.function) ? call.function : undefined;
  if (fn) {
    t.name ??= str(fn.name);
    if (typeof fn.arguments === 'string') t.args.push(fn.arguments);
  }
}

/** A streamed choice as the message it adds up to. */
function assembled(c: StreamedChoice): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: c.content.join('') };
  if (c.refusal.length) message.refusal = c.refusal.join('');
  if (c.reasoning.length) message.reasoning_content = c.reasoning.join('');
  const tools = c.tools.filter((t) => t !== undefined);
  if (tools.length)
    message.tool_calls = tools.map((t) => ({ id: t.id, function: { name: t.name, arguments: t.args.join('') } }));
  return message;
}
