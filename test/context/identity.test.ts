/**
 * Conversation identity without an explicit id: requests continue the conversation whose latest
 * request they extend, so live conversations that share an opening are never merged.
 */
import { describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import type { ContextRequest } from '../../src/contracts';
import { ATTR_CONTEXT_RECYCLED_TOKENS, ATTR_CONTEXT_TURN, ATTR_CONVERSATION_KEY, OPERATION } from '../../src/semconv';
import { rng } from '../support/rng';

type Msg = { role: string; content: string };
const SYSTEM: Msg = { role: 'system', content: 'You are a helpful support agent for Acme.' };
const OPENING: Msg = { role: 'user', content: 'Hi, I need help with my order.' };

const request = (messages: Msg[]): ContextRequest => ({
  operation: OPERATION.chat,
  provider: 'openai',
  model: 'gpt-4o',
  params: { model: 'gpt-4o', messages: messages.slice() },
});

/** One user's chat: the same opening as everyone's, then its own replies and questions. */
class Chat {
  readonly messages: Msg[] = [SYSTEM, OPENING];
  constructor(readonly name: string) {}
  next(turn: number): ContextRequest {
    if (turn > 1) {
      this.messages.push({ role: 'assistant', content: `Reply ${turn - 1} to ${this.name}.` });
      this.messages.push({ role: 'user', content: `${this.name} asks question ${turn}.` });
    }
    return request(this.messages);
  }
}

type Seen = { key: string; turn: number };
const observe = (meter: ReturnType<typeof createContextMeter>, r: ContextRequest, api?: number): Seen => {
  const m = meter.measure(r);
  m.complete(api);
  return { key: String(m.attributes[ATTR_CONVERSATION_KEY]), turn: Number(m.attributes[ATTR_CONTEXT_TURN]) };
};

describe('conversations that share an opening', () => {
  it('two interleaved ones each count turns 1..n under a key of their own', () => {
    const meter = createContextMeter();
    const a = new Chat('alice');
    const b = new Chat('bob');
    const seenA: Seen[] = [];
    const seenB: Seen[] = [];
    for (let turn = 1; turn <= 6; turn++) {
      seenA.push(observe(meter, a.next(turn)));
      seenB.push(observe(meter, b.next(turn)));
    }
    expect(seenA.map((s) => s.turn)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seenB.map((s) => s.turn)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(seenA.map((s) => s.key)).size).toBe(1);
    expect(new Set(seenB.map((s) => s.key)).size).toBe(1);
    expect(seenA[0].key).not.toBe(seenB[0].key);
    for (const s of [...seenA, ...seenB]) expect(s.key).toMatch(/^fp_[0-9a-f]{20}$/);
  });

  it('many, in random order, each keep their own count (property over seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const meter = createContextMeter();
      const chats = Array.from({ length: 2 + Math.floor(r() * 5) }, (_, i) => new Chat(`user${i}`));
      const turns = chats.map(() => 0);
      // Identical first requests cannot be told apart, so which of their keys a chat keeps is decided
      // by its second request; from then on each chat keeps one key of its own.
      const keys = chats.map(() => new Set<string>());
      const openings = new Set<string>();
      for (let step = 0; step < 40; step++) {
        const i = Math.floor(r() * chats.length);
        turns[i]++;
        const seen = observe(meter, chats[i].next(turns[i]));
        expect(seen.turn, `seed ${seed} chat ${i}`).toBe(turns[i]);
        if (turns[i] === 1) openings.add(seen.key);
        else keys[i].add(seen.key);
      }
      expect(openings.size).toBe(turns.filter((t) => t > 0).length);
      const continued = chats.map((_, i) => i).filter((i) => turns[i] > 1);
      for (const i of continued) expect(keys[i].size).toBe(1);
      expect(new Set(continued.map((i) => [...keys[i]][0])).size).toBe(continued.length);
    }
  });

  it('a second answer to the same turn (a regenerated reply) forks into its own key', () => {
    const meter = createContextMeter();
    const first = observe(meter, request([SYSTEM, OPENING]));
    const base = [SYSTEM, OPENING, { role: 'assistant', content: 'Sure, which order?' }];
    const left = observe(meter, request([...base, { role: 'user', content: 'Order 17.' }]));
    const right = observe(meter, request([SYSTEM, OPENING]));
    const rightNext = observe(meter, request([...base, { role: 'user', content: 'Order 99.' }]));
    expect([first.turn, left.turn, right.turn, rightNext.turn]).toEqual([1, 2, 1, 2]);
    expect(left.key).toBe(first.key);
    expect(rightNext.key).toBe(right.key);
    expect(right.key).not.toBe(first.key);
  });

  it('keeps a conversation whose history was edited or trimmed, and its recycled prefix', () => {
    const meter = createContextMeter();
    const chat = new Chat('carol');
    const keys = [1, 2, 3, 4].map((t) => observe(meter, chat.next(t), 100 * t).key);
    // The application drops an early exchange to save room: no earlier request is a prefix any more.
    const trimmed = [SYSTEM, OPENING, ...chat.messages.slice(4), { role: 'user', content: 'And one more.' }];
    const m = meter.measure(request(trimmed));
    expect(m.attributes[ATTR_CONVERSATION_KEY]).toBe(keys[0]);
    expect(m.attributes[ATTR_CONTEXT_TURN]).toBe(5);
    const done = m.complete(300);
    expect(done.attributes[ATTR_CONTEXT_RECYCLED_TOKENS]).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(1);
  });

  it('an explicit conversation id always wins over the derived identity', () => {
    const meter = createContextMeter();
    const seen = [1, 2, 3].map((t) => {
      const m = meter.measure({ ...request([SYSTEM, OPENING]), conversationId: 'conv-42' });
      return [m.attributes[ATTR_CONVERSATION_KEY], m.attributes[ATTR_CONTEXT_TURN], t];
    });
    expect(seen).toEqual([
      ['conv-42', 1, 1],
      ['conv-42', 2, 2],
      ['conv-42', 3, 3],
    ]);
  });
});
