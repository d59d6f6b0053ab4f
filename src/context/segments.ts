/**
 * A request, as context measurement sees it: an ordered list of segments (tool definitions, output
 * schema, instructions, then one segment per message or input item). Each segment carries the plain
 * text the model reads, a fixed token overhead (chat framing, image estimates), and a content hash
 * used to memoise counts and to find the prefix shared with the previous request.
 *
 * Describing a message costs a hash of its text; agent loops resend the same message objects, so the
 * description is cached per object (WeakMap: no retention) and only new messages are hashed.
 */
import { digest, digestSteps } from './digest';

/** Where a segment's tokens are reported: tokentax.context.{system,history,new,tools}_tokens. */
export type Category = 'system' | 'history' | 'new' | 'tools';

/** Which side of the conversation a segment belongs to, before history/new is decided by position. */
export type Side = 'system' | 'tools' | 'assistant' | 'input';

export interface Segment {
  side: Side;
  /** Plain text the model reads (counted by the tokenizer when usage is missing). */
  text: string;
  /** Tokens added regardless of text: chat framing, flat image estimates, token-array inputs. */
  fixedTokens: number;
  /** Identity for prefix matching: side, overhead and a hash of the text (never the text itself).
   *  Empty until hashSteps has run, for a text longer than LARGE_TEXT. */
  id: string;
  /** Hash of the text alone: the key of the token-count memo (empty until hashed, as `id`). */
  textHash: string;
}

/** A request split into segments, plus what the reader learnt about conversation state. */
export interface ReadRequest {
  segments: Segment[];
  /** tokentax.context.messages: messages or input items (or inputs for embeddings/completions). */
  messageCount: number;
  /** Tokens added once per request (chat reply priming). */
  requestOverhead: number;
  /** Messages are chat turns (prefix/turn tracking applies). */
  conversational: boolean;
  /** The server holds earlier turns (Responses previous_response_id / conversation / item_reference). */
  serverState: boolean;
  previousResponseId?: string;
  /** A conversation id found in the request itself (Responses `conversation`). */
  conversationId?: string;
  /** Index of the segments that fingerprint the conversation (system + first user message). */
  openingEnd: number;
}

export function textHash(text: string): string {
  return digest('sha1', text, 'base64');
}

/** Texts longer than this are hashed later, in steps (hashSteps), off the synchronous measure. */
export const LARGE_TEXT = 65_536;

export function makeSegment(side: Side, text: string, fixedTokens: number): Segment {
  if (text.length > LARGE_TEXT) return { side, text, fixedTokens, textHash: '', id: '' };
  const h = textHash(text);
  return { side, text, fixedTokens, textHash: h, id: `${side}:${fixedTokens}:${h}` };
}

/** Hashes the large texts makeSegment left unhashed, in steps; the segments keep their hash. */
export function* hashSteps(segments: readonly Segment[]): Generator<0, void, void> {
  for (const s of segments) {
    if (s.textHash) continue;
    s.textHash = yield* digestSteps(s.text);
    s.id = `${s.side}:${s.fixedTokens}:${s.textHash}`;
  }
}

interface Cached {
  guard: unknown[];
  segment: Segment;
}

const byObject = new WeakMap<object, Cached>();

/**
 * The segment for `obj`, from cache when the fields that make it up are the same values as last time
 * (a message whose fields were reassigned, or whose parts array grew, is re-described; a part edited
 * inside an array that kept its length is not: arrays are compared by identity and length).
 */
export function cachedSegment(obj: object, guard: unknown[], build: () => Segment): Segment {
  const hit = byObject.get(obj);
  if (hit && hit.guard.length === guard.length && hit.guard.every((v, i) => v === guard[i])) return hit.segment;
  const segment = build();
  byObject.set(obj, { guard, segment });
  return segment;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Strings inside a value, depth-limited, skipping ids and other bookkeeping the model never reads. */
export function collectText(value: unknown, skip: ReadonlySet<string>, out: string[], depth = 0): void {
  if (depth > 6) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collectText(v, skip, out, depth + 1);
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) if (!skip.has(k)) collectText(v, skip, out, depth + 1);
  }
}
