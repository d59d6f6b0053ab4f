/**
 * Large texts are counted in slices that end between the tokenizer's own pieces, so the slices add up
 * to exactly the whole count; the scheduler runs them between turns of the event loop. Structural
 * checks only: the time a slice takes is measured by bench/counting-stall.bench.mjs, not here.
 */
import { describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { countingPending, finishCounting, runCounting, type CountingJob } from '../../src/context/counting';
import { countingSteps, countTokens, encodeLength, SLICE_CHARS } from '../../src/context/tokenizer';
import {
  ATTR_CONTEXT_NEW_TOKENS,
  ATTR_CONTEXT_TOKENS,
  ATTR_CONTEXT_TURN,
  ATTR_CONVERSATION_KEY,
  OPERATION,
} from '../../src/semconv';
import { CONTENT_KINDS } from './content-kinds';

/** Runs countingSteps to its end, collecting the yielded slice ends. */
function slices(text: string): { ends: number[]; total: number } {
  const steps = countingSteps('o200k_base', text);
  const ends: number[] = [];
  for (;;) {
    const step = steps.next();
    if (step.done) return { ends, total: step.value };
    ends.push(step.value);
  }
}

describe('counting in slices', () => {
  for (const [name, kind] of Object.entries(CONTENT_KINDS)) {
    it(`${name}: slices are bounded and their counts add up to the exact count of the whole`, () => {
      const text = kind(60_000, 21);
      countTokens('o200k_base', 'warm'); // the encoding's build yields too; keep only text slices here
      const { ends, total } = slices(text);
      expect(total).toBe(encodeLength('o200k_base', text));
      const bounds = [0, ...ends.filter((e) => e > 0), text.length];
      expect(bounds.length).toBeGreaterThan(text.length / (SLICE_CHARS * 2));
      let sum = 0;
      for (let i = 1; i < bounds.length; i++) {
        const slice = text.slice(bounds[i - 1], bounds[i]);
        // A slice ends after the piece that reached SLICE_CHARS: never longer than that plus one piece.
        expect(slice.length).toBeLessThanOrEqual(SLICE_CHARS + 256);
        sum += encodeLength('o200k_base', slice);
      }
      // Each slice counted alone (by js-tiktoken itself) adds up to the whole: the boundaries are safe.
      expect(sum).toBe(total);
    });
  }

  it('an over-long single piece yields between its chunks, with the same total as one pass', () => {
    const text = `start ${'語'.repeat(20_000)} end`;
    const { ends, total } = slices(text);
    expect(total).toBe(countTokens('o200k_base', text));
    expect(ends.length).toBeGreaterThan((20_000 * 3) / SLICE_CHARS - 2);
  });
});

describe('the counting scheduler', () => {
  function job(ticks: number[]): CountingJob {
    return (function* () {
      for (let i = 0; i < 10_000; i++) {
        ticks.push(i);
        yield;
      }
    })();
  }

  it('lets the event loop run between slices of a long job, and finishCounting() ends it at once', async () => {
    const ticks: number[] = [];
    let turns = 0;
    const interval = setInterval(() => turns++, 0);
    // Each step busy-waits a little so the job cannot finish inside one turn's budget.
    const slow = (function* () {
      for (let i = 0; i < 400; i++) {
        const until = performance.now() + 0.2;
        while (performance.now() < until);
        yield;
      }
    })();
    expect(runCounting(slow)).toBe(false);
    expect(countingPending()).toBe(true);
    while (countingPending()) await new Promise((r) => setTimeout(r, 1));
    clearInterval(interval);
    expect(turns).toBeGreaterThan(1);

    // Queued (not inline): on a fast machine the whole job would fit the inline budget.
    expect(runCounting(job(ticks), false)).toBe(false);
    finishCounting();
    expect(countingPending()).toBe(false);
    expect(ticks.length).toBe(10_000);
  });

  it('a 1 MB request is counted in the background and completes with the same figures', async () => {
    const text = CONTENT_KINDS.JSON(1_000_000, 5);
    const req = {
      operation: OPERATION.chat,
      provider: 'openai',
      model: 'gpt-4o',
      params: { model: 'gpt-4o', messages: [{ role: 'user', content: text }] },
    };
    const meter = createContextMeter();
    const m = meter.measure(req);
    expect(countingPending()).toBe(true);
    let turns = 0;
    while (countingPending()) {
      await new Promise((r) => setImmediate(r));
      turns++;
    }
    expect(turns).toBeGreaterThan(2);
    const background = m.complete(undefined).attributes;
    const inline = createContextMeter().measure(req).complete(undefined).attributes;
    expect(background[ATTR_CONTEXT_TOKENS]).toBe(inline[ATTR_CONTEXT_TOKENS]);
    // Its large text was hashed in steps too, then linked to a conversation as a small one is.
    expect(background[ATTR_CONVERSATION_KEY]).toMatch(/^fp_/);
    expect(background[ATTR_CONVERSATION_KEY]).toBe(inline[ATTR_CONVERSATION_KEY]);
    expect(background[ATTR_CONTEXT_TURN]).toBe(1);
    expect(background[ATTR_CONTEXT_NEW_TOKENS]).toBe(encodeLength('o200k_base', text) + 4 + 3);
  });

  it('a long output (a stream without usage) is counted in the background, exactly', async () => {
    const text = CONTENT_KINDS['English prose'](400_000, 7);
    const count = createContextMeter().countText('gpt-4o', text);
    expect(count.done).toBe(false);
    let turns = 0;
    while (!count.done) {
      await new Promise((r) => setImmediate(r));
      turns++;
    }
    // Not done inline (above), so finished in later turns; how many depends on the machine's speed.
    expect(turns).toBeGreaterThan(0);
    expect(count.value()).toBe(encodeLength('o200k_base', text));
    // value() before the end counts what is left at once, with the same result.
    const early = createContextMeter().countText('gpt-4o', text);
    expect(early.done).toBe(false);
    expect(early.value()).toBe(encodeLength('o200k_base', text));
    expect(countingPending()).toBe(false);
  });
});
