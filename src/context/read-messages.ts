/**
 * Messages and Responses API input items -> segments. Content may be a string or an array of parts;
 * text parts are counted, images get a flat estimate, audio and files are excluded (see overheads.ts).
 */
import { IMAGE_TOKENS, MESSAGE_OVERHEAD, NAME_OVERHEAD, TOOL_CALL_OVERHEAD } from './overheads';
import { cachedSegment, collectText, isRecord, makeSegment, str, type Segment, type Side } from './segments';

function sideOfRole(role: string): Side {
  if (role === 'system' || role === 'developer') return 'system';
  if (role === 'assistant') return 'assistant';
  return 'input';
}

/** Text of a content value (string or parts) into `texts`; returns the flat tokens of non-text parts. */
function readContent(content: unknown, texts: string[]): number {
  if (typeof content === 'string') {
    texts.push(content);
    return 0;
  }
  if (!Array.isArray(content)) return 0;
  let fixed = 0;
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    if (!isRecord(part)) continue;
    switch (part.type) {
      case 'text':
      case 'input_text':
      case 'output_text':
        texts.push(str(part.text));
        break;
      case 'refusal':
        texts.push(str(part.refusal));
        break;
      case 'image_url':
      case 'input_image':
        fixed += IMAGE_TOKENS;
        break;
      default:
        // input_audio, file, input_file: excluded (their tokens are not visible in the request)
        break;
    }
  }
  return fixed;
}

/** Array length (-1 otherwise): a parts array that grew in place must not hit the cache. */
const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : -1);

function callText(name: unknown, args: unknown, texts: string[]): void {
  texts.push(str(name), typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args));
}

/** A chat completions message (system/developer/user/assistant incl. tool_calls/tool/function). */
export function chatMessageSegment(msg: unknown): Segment | undefined {
  if (!isRecord(msg)) return undefined;
  const lengths = lengthOf(msg.content) * 1024 + lengthOf(msg.tool_calls);
  return cachedSegment(msg, [msg.role, msg.content, msg.name, msg.tool_calls, msg.function_call, lengths], () => {
    const texts: string[] = [];
    let fixed = MESSAGE_OVERHEAD + readContent(msg.content, texts);
    if (typeof msg.name === 'string' && msg.name) {
      texts.push(msg.name);
      fixed += NAME_OVERHEAD;
    }
    if (Array.isArray(msg.tool_calls)) {
      for (const call of msg.tool_calls) {
        if (!isRecord(call)) continue;
        const fn = isRecord(call.function) ? call.function : isRecord(call.custom) ? call.custom : {};
        callText(fn.name, fn.arguments ?? fn.input, texts);
        fixed += TOOL_CALL_OVERHEAD;
      }
    }
    if (isRecord(msg.function_call)) {
      callText(msg.function_call.name, msg.function_call.arguments, texts);
      fixed += TOOL_CALL_OVERHEAD;
    }
    return makeSegment(sideOfRole(str(msg.role)), texts.filter(Boolean).join('\n'), fixed);
  });
}

const ITEM_BOOKKEEPING = new Set(['id', 'type', 'call_id', 'status', 'role', 'encrypted_content', 'container_id']);

/** A Responses API input item. `undefined` for items the server resolves (item_reference). */
export function responseItemSegment(item: unknown): Segment | undefined {
  if (typeof item === 'string') return makeSegment('input', item, MESSAGE_OVERHEAD);
  if (!isRecord(item)) return undefined;
  if (item.type === 'item_reference') return undefined;
  const guard = [
    item.type,
    item.role,
    item.content,
    item.arguments,
    item.output,
    item.input,
    item.summary,
    lengthOf(item.content),
  ];
  return cachedSegment(item, guard, () => {
    const texts: string[] = [];
    const type = str(item.type);
    if (type === '' || type === 'message') {
      const fixed = MESSAGE_OVERHEAD + readContent(item.content, texts);
      return makeSegment(sideOfRole(str(item.role)), texts.join('\n'), fixed);
    }
    if (type === 'function_call' || type === 'custom_tool_call') {
      callText(item.name, item.arguments ?? item.input, texts);
      return makeSegment('assistant', texts.join('\n'), TOOL_CALL_OVERHEAD);
    }
    if (type === 'reasoning') {
      // Only the readable summary: encrypted reasoning content is opaque to us.
      collectText(item.summary, ITEM_BOOKKEEPING, texts);
      return makeSegment('assistant', texts.join('\n'), MESSAGE_OVERHEAD);
    }
    const side: Side = type.endsWith('_output') ? 'input' : 'assistant';
    const fixed = MESSAGE_OVERHEAD + (typeof item.output === 'string' ? 0 : readContent(item.output, []));
    collectText(item, ITEM_BOOKKEEPING, texts);
    return makeSegment(side, texts.join('\n'), fixed);
  });
}
