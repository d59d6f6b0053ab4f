/**
 * Links the requests of one conversation and finds how much of each was resent from the previous one.
 * Per conversation only the segment ids (hashes) of its latest request and the turn count are kept, in
 * a bounded LRU, so memory stays flat however many conversations pass through.
 *
 * Without an explicit id, a request continues the conversation whose latest request its own messages
 * extend. Conversations that share an opening (system prompt + first user message) are candidates of
 * one another; among them:
 *   1. a candidate whose latest request is a strict prefix of this one is continued (the longest);
 *   2. a request identical to a candidate's latest (a second user sending the same opening) starts a
 *      conversation of its own, under a new key, at that candidate's turn;
 *   3. otherwise (history edited or trimmed) the candidate sharing the longest prefix is continued,
 *      unless the request is a bare opening without any assistant turn: that starts a new run.
 * So two live conversations with the same opening keep distinct keys and their own turn numbers.
 */
import { digest } from './digest';
import { Lru } from './lru';
import type { ReadRequest } from './segments';

interface ConversationState {
  turn: number;
  /** False when the conversation began before we saw it (a Responses chain from an unknown id). */
  turnKnown: boolean;
  ids: readonly string[];
  /** The latest request's input tokens, once completed: recycled tokens never exceed it. */
  inputTokens?: number;
}

/** Live conversations that share one opening, most recently active last. */
interface Opening {
  keys: string[];
  /** Conversations ever started with this opening: the next one's key suffix. */
  started: number;
}

export interface Observation {
  key: string;
  /** 1-based turn, undefined when earlier turns were not seen. */
  turn: number | undefined;
  /** Segments at the start of this request identical to the previous request's. */
  sharedSegments: number;
  /** The previous request's input tokens, when it was completed (the bound of recycled tokens). */
  previousInputTokens?: number;
  /** Call once this request's input tokens are known, so the next turn can bound its recycled tokens. */
  settle(inputTokens: number): void;
}

/** Live conversations remembered per opening (the candidates of a fingerprinted request). */
const MAX_PER_OPENING = 16;

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

function sharedPrefix(a: readonly string[], b: readonly string[]): number {
  const max = Math.min(a.length, b.length);
  let n = 0;
  while (n < max && a[n] === b[n]) n++;
  return n;
}

type Key = { key: string; chainStart: boolean; fingerprint?: undefined } | { fingerprint: string };

export class ConversationTracker {
  private readonly states: Lru<string, ConversationState>;
  private readonly openings: Lru<string, Opening>;
  /** Responses API response id -> conversation key, to follow previous_response_id chains. */
  private readonly responses: Lru<string, string>;

  constructor(maxConversations: number) {
    this.states = new Lru(maxConversations);
    this.openings = new Lru(maxConversations);
    this.responses = new Lru(maxConversations);
  }

  get size(): number {
    return this.states.size;
  }

  /** Explicit id, Responses conversation, response chain, or the opening's fingerprint. */
  private keyFor(read: ReadRequest, conversationId: string | undefined): Key | undefined {
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
    return fp ? { fingerprint: fp } : undefined;
  }

  /** Links this request to its conversation, records it as the latest, compares it with the previous. */
  observe(read: ReadRequest, conversationId: string | undefined): Observation | undefined {
    const found = this.keyFor(read, conversationId);
    if (!found) return undefined;
    const ids = read.segments.map((s) => s.id);
    if (found.fingerprint === undefined) {
      const prev = this.states.get(found.key);
      return this.record(found.key, ids, prev, !found.chainStart);
    }
    const opening = this.openingOf(found.fingerprint);
    const pick = this.pickCandidate(opening, ids, read);
    if (pick.kind === 'continue') {
      opening.keys.splice(opening.keys.indexOf(pick.key), 1);
      opening.keys.push(pick.key);
      return this.record(pick.key, ids, pick.state, true);
    }
    const key =
      opening.started === 0 ? found.fingerprint : `fp_${shortHash(`${found.fingerprint}#${opening.started}`)}`;
    opening.started++;
    opening.keys.push(key);
    if (opening.keys.length > MAX_PER_OPENING) opening.keys.shift();
    const turn = pick.kind === 'repeat' ? pick.state.turn : 1;
    const state: ConversationState = { turn, turnKnown: pick.kind === 'new' || pick.state.turnKnown, ids };
    this.states.set(key, state);
    return this.observation(key, state, 0, undefined);
  }

  private openingOf(fp: string): Opening {
    let opening = this.openings.get(fp);
    if (!opening) {
      opening = { keys: [], started: 0 };
      this.openings.set(fp, opening);
    }
    return opening;
  }

  private pickCandidate(
    opening: Opening,
    ids: readonly string[],
    read: ReadRequest,
  ): { kind: 'continue' | 'repeat'; key: string; state: ConversationState } | { kind: 'new' } {
    let extended: { key: string; state: ConversationState } | undefined;
    let repeated: { key: string; state: ConversationState } | undefined;
    let closest: { key: string; state: ConversationState; shared: number } | undefined;
    opening.keys = opening.keys.filter((key) => this.states.get(key) !== undefined);
    for (const key of opening.keys) {
      const state = this.states.get(key)!;
      const shared = sharedPrefix(state.ids, ids);
      if (shared === state.ids.length && shared < ids.length) {
        if (!extended || shared > extended.state.ids.length) extended = { key, state };
      } else if (shared === ids.length && shared === state.ids.length) repeated ??= { key, state };
      // Later keys were active more recently: on a tie the most recent wins.
      if (!closest || shared >= closest.shared) closest = { key, state, shared };
    }
    if (extended) return { kind: 'continue', ...extended };
    if (repeated) return { kind: 'repeat', ...repeated };
    const bareOpening = !read.segments.some((s) => s.side === 'assistant');
    if (closest && (!bareOpening || closest.shared > read.openingEnd)) return { kind: 'continue', ...closest };
    return { kind: 'new' };
  }

  private record(
    key: string,
    ids: readonly string[],
    prev: ConversationState | undefined,
    turnKnown: boolean,
  ): Observation {
    const shared = prev ? sharedPrefix(prev.ids, ids) : 0;
    const state: ConversationState = prev
      ? { turn: prev.turn + 1, turnKnown: prev.turnKnown, ids }
      : { turn: 1, turnKnown, ids };
    this.states.set(key, state);
    return this.observation(key, state, shared, prev?.inputTokens);
  }

  private observation(
    key: string,
    state: ConversationState,
    sharedSegments: number,
    previousInputTokens: number | undefined,
  ): Observation {
    return {
      key,
      turn: state.turnKnown ? state.turn : undefined,
      sharedSegments,
      previousInputTokens,
      settle: (inputTokens) => {
        state.inputTokens = inputTokens;
      },
    };
  }

  /** Remembers which conversation a Responses API response belongs to. */
  linkResponse(responseId: string, key: string): void {
    this.responses.set(responseId, key);
  }
}
