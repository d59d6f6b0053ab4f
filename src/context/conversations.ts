/**
 * Links the requests of one conversation and finds how much of each was resent from the previous one.
 * Per conversation only the segment ids (hashes) of the latest request and the turn count are kept,
 * in a bounded LRU, so memory stays flat however many conversations pass through.
 */
import { digest } from './digest';
import { Lru } from './lru';
import type { ReadRequest } from './segments';

interface ConversationState {
  turn: number;
  /** False when the conversation began before we saw it (a Responses chain from an unknown id). */
  turnKnown: boolean;
  ids: readonly string[];
}

export interface Observation {
  key: string;
  /** 1-based turn, undefined when earlier turns were not seen. */
  turn: number | undefined;
  /** Segments at the start of this request identical to the previous request's. */
  sharedSegments: number;
}

function shortHash(text: string): string {
  return digest('sha1', text).slice(0, 20);
}

/** Opening segment ids -> fingerprint: an agent loop resends the same opening on every turn, and a
 *  digest call costs more than the rest of the measurement of a small request. */
const fingerprints = new Lru<string, string>(10_000);

/** Fingerprint of the opening messages (system/developer + first user message), never the text. */
export function fingerprint(read: ReadRequest): string | undefined {
  let ids = '';
  for (let i = 0; i < read.openingEnd && i < read.segments.length; i++) {
    const s = read.segments[i];
    if (s.side !== 'tools') ids = ids ? `${ids}|${s.id}` : s.id;
  }
  if (!ids) return undefined;
  let fp = fingerprints.get(ids);
  if (fp === undefined) {
    fp = `fp_${shortHash(ids)}`;
    fingerprints.set(ids, fp);
  }
  return fp;
}

export class ConversationTracker {
  private readonly states: Lru<string, ConversationState>;
  /** Responses API response id -> conversation key, to follow previous_response_id chains. */
  private readonly responses: Lru<string, string>;

  constructor(maxConversations: number) {
    this.states = new Lru(maxConversations);
    this.responses = new Lru(maxConversations);
  }

  get size(): number {
    return this.states.size;
  }

  /** The key for a request: explicit id, Responses conversation, response chain, or fingerprint. */
  keyFor(read: ReadRequest, conversationId: string | undefined): { key: string; chainStart: boolean } | undefined {
    if (conversationId) return { key: conversationId, chainStart: false };
    if (read.conversationId) return { key: read.conversationId, chainStart: false };
    if (read.previousResponseId) {
      const known = this.responses.get(read.previousResponseId);
      return known
        ? { key: known, chainStart: false }
        : { key: `rs_${shortHash(read.previousResponseId)}`, chainStart: true };
    }
    if (!read.conversational) return undefined;
    const fp = fingerprint(read);
    return fp ? { key: fp, chainStart: false } : undefined;
  }

  /** Records this request as the conversation's latest and compares it with the previous one. */
  observe(key: string, read: ReadRequest, options: { fingerprinted: boolean; chainStart: boolean }): Observation {
    const ids = read.segments.map((s) => s.id);
    const prev = this.states.get(key);
    // A fingerprinted request without any assistant turn is the opening of a new run of that
    // conversation (same system prompt and question), not a continuation of the last one.
    const restart = options.fingerprinted && prev !== undefined && !read.segments.some((s) => s.side === 'assistant');
    let shared = 0;
    if (prev && !restart) {
      const max = Math.min(prev.ids.length, ids.length);
      while (shared < max && prev.ids[shared] === ids[shared]) shared++;
    }
    const state: ConversationState =
      prev && !restart
        ? { turn: prev.turn + 1, turnKnown: prev.turnKnown, ids }
        : { turn: 1, turnKnown: !options.chainStart, ids };
    this.states.set(key, state);
    return { key, turn: state.turnKnown ? state.turn : undefined, sharedSegments: shared };
  }

  /** Remembers which conversation a Responses API response belongs to. */
  linkResponse(responseId: string, key: string): void {
    this.responses.set(responseId, key);
  }
}
