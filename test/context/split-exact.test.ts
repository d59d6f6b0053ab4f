/**
 * With the API's usage, the system/history/new split and the recycled tokens of an OpenAI-model request
 * are within 1% of an exact o200k count of each part, on every kind of content; the API's hidden
 * formatting tokens go to the overheads, and recycled tokens never exceed the previous request's input.
 */
import { describe, expect, it } from 'vitest';
import { apportion } from '../../src/context/apportion';
import { createContextMeter } from '../../src/context';
import { MESSAGE_OVERHEAD, REPLY_PRIMING } from '../../src/context/overheads';
import { fitToTotal } from '../../src/context/split';
import { encodeLength } from '../../src/context/tokenizer';
import type { ContextRequest } from '../../src/contracts';
import {
  ATTR_CONTEXT_HISTORY_TOKENS,
  ATTR_CONTEXT_NEW_TOKENS,
  ATTR_CONTEXT_RECYCLED_TOKENS,
  ATTR_CONTEXT_SPLIT_ESTIMATED,
  ATTR_CONTEXT_SYSTEM_TOKENS,
  ATTR_CONTEXT_TOKENS,
  ATTR_CONTEXT_TOOLS_TOKENS,
  OPERATION,
} from '../../src/semconv';
import { CONTENT_KINDS, englishProse } from './content-kinds';
import { testCatalog } from './helpers';

type Msg = { role: string; content: string };
const o200k = (s: string): number => encodeLength('o200k_base', s);
const exactMessage = (m: Msg): number => o200k(m.content) + MESSAGE_OVERHEAD;
const request = (messages: Msg[], model = 'gpt-test'): ContextRequest => ({
  operation: OPERATION.chat,
  provider: 'openai',
  model,
  params: { model, messages },
});

/**
 * A conversation mixing `kind` with prose, as applications do: a prose system prompt, a first message
 * that pastes some of `kind`, a prose answer, then a large new message of `kind` (an attachment).
 */
function conversation(kind: (chars: number, seed: number) => string): { turn1: Msg[]; turn2: Msg[] } {
  const turn1: Msg[] = [
    { role: 'system', content: englishProse(3_000, 1) },
    { role: 'user', content: `${englishProse(300, 2)}\n${kind(8_000, 3)}` },
  ];
  const turn2: Msg[] = [
    ...turn1,
    { role: 'assistant', content: englishProse(1_500, 4) },
    { role: 'user', content: `Now this one:\n${kind(40_000, 5)}` },
  ];
  return { turn1, turn2 };
}

const rel = (got: number, want: number): number => Math.abs(got - want) / want;

describe('the split with usage, against exact o200k counts of each part', () => {
  const table: string[] = ['kind | part | exact | split | error | chars/4 error'];
  for (const [name, kind] of Object.entries(CONTENT_KINDS)) {
    for (const hidden of [0, 9, -5]) {
      it(`${name}: every part within 1% (API total ${hidden >= 0 ? '+' : ''}${hidden} hidden tokens)`, () => {
        const { turn1, turn2 } = conversation(kind);
        const exact1 = turn1.reduce((a, m) => a + exactMessage(m), 0) + REPLY_PRIMING;
        const exact = {
          system: exactMessage(turn2[0]),
          history: exactMessage(turn2[1]) + exactMessage(turn2[2]),
          new: exactMessage(turn2[3]) + REPLY_PRIMING,
        };
        const api1 = exact1 + hidden;
        const api2 = exact.system + exact.history + exact.new + hidden;
        const meter = createContextMeter({ catalog: testCatalog });
        meter.measure(request(turn1)).complete(api1);
        const done = meter.measure(request(turn2)).complete(api2);
        const a = done.attributes;
        expect(a[ATTR_CONTEXT_TOKENS]).toBe(api2);
        expect(a[ATTR_CONTEXT_SPLIT_ESTIMATED]).toBeUndefined();
        const split = {
          system: a[ATTR_CONTEXT_SYSTEM_TOKENS] as number,
          history: a[ATTR_CONTEXT_HISTORY_TOKENS] as number,
          new: a[ATTR_CONTEXT_NEW_TOKENS] as number,
        };
        expect(split.system + split.history + split.new + (a[ATTR_CONTEXT_TOOLS_TOKENS] as number)).toBe(api2);
        // What characters/4 apportioning (the former method) gives, for the record.
        const quarter = apportion(api2, [
          ...turn2.map((m) => Math.ceil(m.content.length / 4) + MESSAGE_OVERHEAD),
          REPLY_PRIMING,
        ]);
        const old = { system: quarter[0], history: quarter[1] + quarter[2], new: quarter[3] + quarter[4] };
        for (const part of ['system', 'history', 'new'] as const) {
          const err = rel(split[part], exact[part]);
          if (hidden === 9) {
            const oldErr = rel(old[part], exact[part]);
            table.push(
              `${name} | ${part} | ${exact[part]} | ${split[part]} | ${(err * 100).toFixed(3)}% | ${(oldErr * 100).toFixed(1)}%`,
            );
          }
          expect(err, `${name} ${part}`).toBeLessThanOrEqual(0.01);
          // The hidden difference went to the framing: a part moves by at most its messages' share.
          expect(Math.abs(split[part] - exact[part])).toBeLessThanOrEqual(Math.abs(hidden));
        }
        // Recycled: the first two messages, resent; exactly counted, never above the previous request.
        const recycled = a[ATTR_CONTEXT_RECYCLED_TOKENS] as number;
        const exactRecycled = exactMessage(turn2[0]) + exactMessage(turn2[1]);
        expect(rel(recycled, exactRecycled)).toBeLessThanOrEqual(0.01);
        expect(recycled).toBeLessThanOrEqual(api1);
        if (hidden === 9)
          table.push(
            `${name} | recycled | ${exactRecycled} | ${recycled} | ${(rel(recycled, exactRecycled) * 100).toFixed(3)}% |`,
          );
      });
    }
  }
  it('prints the measured errors', () => {
    console.info(table.join('\n'));
    expect(table.length).toBe(1 + Object.keys(CONTENT_KINDS).length * 4);
  });
});

describe('recycled tokens never exceed what the previous request held', () => {
  it('with a large base64 attachment, even when the API counted less than we see', () => {
    const attachment = CONTENT_KINDS.base64(200_000, 7);
    const turn1: Msg[] = [
      { role: 'system', content: 'You review attachments.' },
      { role: 'user', content: `Summarise:\n${attachment}` },
    ];
    const turn2: Msg[] = [...turn1, { role: 'assistant', content: 'It is binary.' }, { role: 'user', content: 'Why?' }];
    for (const api1 of [o200k(attachment) + 30, Math.round(o200k(attachment) / 2), 12]) {
      const meter = createContextMeter({ catalog: testCatalog });
      meter.measure(request(turn1)).complete(api1);
      const done = meter.measure(request(turn2)).complete(api1 + 20);
      expect(done.recycledTokens).toBeLessThanOrEqual(api1);
      expect(done.recycledTokens).toBeGreaterThan(0);
    }
  });
});

describe('fitting the counted parts to the API total', () => {
  it('puts a difference on the formatting overheads, in proportion to them, not on the content', () => {
    const fit = fitToTotal([1004, 54, 504], [4, 4, 4], 3, 1565 + 15, true);
    expect(fit.segments).toEqual([1008, 58, 508]);
    expect(fit.request).toBe(6);
    const less = fitToTotal([1004, 54, 504], [4, 4, 4], 3, 1565 - 6, true);
    expect(less.segments.reduce((a, b) => a + b, 0) + less.request).toBe(1559);
    less.segments.forEach((s, i) => expect(s).toBeGreaterThanOrEqual([1000, 50, 500][i]));
  });

  it('scales the content down only when the API total is below the content alone', () => {
    const fit = fitToTotal([1004, 504], [4, 4], 3, 750, true);
    expect(fit.request).toBe(0);
    expect(fit.segments).toEqual([500, 250]);
  });

  it('spreads the difference pro rata for a ratio estimate (a family we do not ship), and says so', () => {
    const fit = fitToTotal([1000, 100], [4, 4], 3, 1213, false);
    expect(fit.segments.reduce((a, b) => a + b, 0) + fit.request).toBe(1213);
    expect(fit.segments[0]).toBeGreaterThan(1090);
    const meter = createContextMeter({ catalog: testCatalog, tokenizerRatios: { llama3: 1.1 } });
    const a = meter.measure(request([{ role: 'user', content: englishProse(4000, 3) }], 'llama-test')).complete(1234);
    expect(a.attributes[ATTR_CONTEXT_SPLIT_ESTIMATED]).toBe(true);
    expect(a.attributes[ATTR_CONTEXT_NEW_TOKENS]).toBe(1234);
  });
});
