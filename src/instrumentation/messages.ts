/**
 * The GenAI conventions' structured message shape (gen_ai.input.messages, gen_ai.output.messages,
 * gen_ai.system_instructions): messages of role + parts, parts typed text, tool_call,
 * tool_call_response, reasoning, blob/uri/file media, server_tool_call. Built from the OpenAI request
 * and response shapes only when content capture is on.
 */
import { isObject, str } from './values';

export type Part = { type: string } & Record<string, unknown>;
export interface InputMessage {
  role: string;
  parts: Part[];
  name?: string;
}
export interface OutputMessage {
  role: string;
  parts: Part[];
  finish_reason: string;
}

/** Finish reason of an output message whose generation did not finish (a stream stopped early). */
export const UNFINISHED = 'error';

const text = (content: string): Part => ({ type: 'text', content });

/** OpenAI's finish reasons in the conventions' terms (stop, length, content_filter, tool_call, error). */
export function finishReasonOf(reason: string | undefined): string {
  if (reason === undefined) return UNFINISHED;
  return reason === 'tool_calls' || reason === 'function_call' ? 'tool_call' : reason;
}

/** Tool arguments as JSON when they parse (the conventions' examples carry objects), else the string. */
function argumentsOf(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function toolCallPart(id: unknown, name: unknown, args: unknown): Part {
  return { type: 'tool_call', id: str(id) ?? null, name: str(name) ?? '', arguments: argumentsOf(args) };
}

/** A media reference: inline data URLs become blob parts, other URLs uri parts. */
function mediaPart(url: string | undefined, modality: string): Part | undefined {
  if (!url) return undefined;
  const data = /^data:([^;,]+)?(?:;[^,]*)?,(.*)$/s.exec(url);
  if (data) return { type: 'blob', modality, mime_type: data[1] ?? null, content: data[2] };
  return { type: 'uri', modality, uri: url };
}

function filePart(file: Record<string, unknown>): Part | undefined {
  const id = str(file.file_id);
  if (id) return { type: 'file', modality: 'file', file_id: id };
  return mediaPart(str(file.file_data) ?? str(file.file_url), 'file');
}

/** Content parts of a Chat Completions or Responses message (string or array of typed parts). */
function contentParts(content: unknown, out: Part[]): void {
  if (typeof content === 'string') {
    if (content) out.push(text(content));
    return;
  }
  if (!Array.isArray(content)) return;
  for (const p of content) {
    if (!isObject(p)) continue;
    const type = str(p.type) ?? 'unknown';
    let part: Part | undefined;
    if (type === 'text' || type === 'input_text' || type === 'output_text') part = text(str(p.text) ?? '');
    else if (type === 'refusal') part = text(str(p.refusal) ?? '');
    else if (type === 'image_url') part = mediaPart(isObject(p.image_url) ? str(p.image_url.url) : undefined, 'image');
    else if (type === 'input_image')
      part = str(p.file_id)
        ? { type: 'file', modality: 'image', file_id: p.file_id }
        : mediaPart(str(p.image_url), 'image');
    else if (type === 'input_audio' && isObject(p.input_audio)) {
      const format = str(p.input_audio.format);
      part = {
        type: 'blob',
        modality: 'audio',
        mime_type: format ? `audio/${format}` : null,
        content: str(p.input_audio.data) ?? '',
      };
    } else if (type === 'file' && isObject(p.file)) part = filePart(p.file);
    else if (type === 'input_file') part = filePart(p);
    out.push(part ?? { type });
  }
}

const joinedText = (content: unknown): string => {
  if (typeof content === 'string') return content;
  const parts: Part[] = [];
  contentParts(content, parts);
  return parts.map((p) => (typeof p.content === 'string' ? p.content : '')).join('');
};

/** chat.completions messages -> input messages. */
export function chatInputMessages(messages: unknown): InputMessage[] {
  if (!Array.isArray(messages)) return [];
  const out: InputMessage[] = [];
  for (const m of messages) {
    if (!isObject(m)) continue;
    const role = str(m.role) ?? 'user';
    const parts: Part[] = [];
    if (role === 'tool' || role === 'function') {
      parts.push({ type: 'tool_call_response', id: str(m.tool_call_id) ?? null, response: joinedText(m.content) });
    } else {
      const reasoning = m.reasoning_content ?? m.reasoning;
      if (typeof reasoning === 'string' && reasoning) parts.push({ type: 'reasoning', content: reasoning });
      contentParts(m.content, parts);
      if (typeof m.refusal === 'string') parts.push(text(m.refusal));
      if (Array.isArray(m.tool_calls))
        for (const call of m.tool_calls)
          if (isObject(call) && isObject(call.function))
            parts.push(toolCallPart(call.id, call.function.name, call.function.arguments));
    }
    const message: InputMessage = { role, parts };
    if (typeof m.name === 'string' && role !== 'function') message.name = m.name;
    out.push(message);
  }
  return out;
}

/** One Responses item (input or output) as parts, with the role it speaks in. */
function itemParts(item: Record<string, unknown>): { role: string; parts: Part[] } {
  const type = str(item.type) ?? 'message';
  const parts: Part[] = [];
  if (type === 'message' || (item.role !== undefined && item.type === undefined)) {
    contentParts(item.content, parts);
    return { role: str(item.role) ?? 'user', parts };
  }
  if (type === 'function_call') parts.push(toolCallPart(item.call_id, item.name, item.arguments));
  else if (type === 'custom_tool_call') parts.push(toolCallPart(item.call_id, item.name, item.input));
  else if (type === 'reasoning') {
    for (const list of [item.summary, item.content])
      if (Array.isArray(list))
        for (const s of list)
          if (isObject(s) && typeof s.text === 'string') parts.push({ type: 'reasoning', content: s.text });
  } else if (type.endsWith('_call_output')) {
    const output = typeof item.output === 'string' ? item.output : (item.output ?? null);
    parts.push({ type: 'tool_call_response', id: str(item.call_id) ?? null, response: output });
    return { role: 'tool', parts };
  } else if (type.endsWith('_call')) {
    const name = type.slice(0, -'_call'.length);
    parts.push({ type: 'server_tool_call', id: str(item.id) ?? null, name, server_tool_call: { type: name } });
  } else parts.push({ type });
  return { role: 'assistant', parts };
}

/** responses.create input (a string or input items) -> input messages. */
export function responsesInputMessages(input: unknown): InputMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [text(input)] }];
  if (!Array.isArray(input)) return [];
  return input.filter(isObject).map(itemParts);
}

/** Legacy completions prompt (a string or strings) -> input messages. */
export function promptMessages(prompt: unknown): InputMessage[] {
  const prompts = Array.isArray(prompt) ? prompt : [prompt];
  return prompts.filter((p): p is string => typeof p === 'string').map((p) => ({ role: 'user', parts: [text(p)] }));
}

/** Responses `instructions` -> gen_ai.system_instructions parts. */
export function instructionParts(instructions: unknown): Part[] | undefined {
  if (typeof instructions === 'string') return [text(instructions)];
  if (!Array.isArray(instructions)) return undefined;
  return responsesInputMessages(instructions).flatMap((m) => m.parts);
}

/** A chat choice's message (or a stream's assembled delta) -> one output message. */
export function chatOutputMessage(message: unknown, finishReason: string | undefined): OutputMessage {
  const [input] = chatInputMessages([isObject(message) ? { role: 'assistant', ...message } : { role: 'assistant' }]);
  return { role: input.role, parts: input.parts, finish_reason: finishReasonOf(finishReason) };
}

/** A Responses output (items plus status) -> one assistant output message. */
export function responsesOutputMessages(
  output: unknown,
  status: string | undefined,
  incompleteReason: string | undefined,
): OutputMessage[] {
  const parts = Array.isArray(output) ? output.filter(isObject).flatMap((item) => itemParts(item).parts) : [];
  let finish: string;
  if (status === 'completed') finish = parts.some((p) => p.type === 'tool_call') ? 'tool_call' : 'stop';
  else if (status === 'incomplete')
    finish = incompleteReason === 'max_output_tokens' ? 'length' : (incompleteReason ?? UNFINISHED);
  else finish = UNFINISHED;
  return [{ role: 'assistant', parts, finish_reason: finish }];
}
