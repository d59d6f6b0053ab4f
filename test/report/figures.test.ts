/** Report figures against values computed by hand from the fixture (see helpers.ts for the prices). */
import { describe, expect, it } from 'vitest';
import { createReport, type ReportData } from '../../src/report';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callAttributes, otlpLine, reportPricing, tempDir, writeFixture } from './helpers';

const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 12);
const col = (r: ReportData, id: string) => r.scenarios.find((s) => s.id === id)!;

describe('report figures on the fixture', async () => {
  const file = writeFixture(tempDir());
  const r = await createReport([file], { pricing: reportPricing() });

  it('counts spans: 10 read, 8 GenAI calls, the duplicate and the HTTP span left out', () => {
    expect(r.spans).toEqual({ read: 10, genai: 8, duplicates: 1, withoutUsage: 0 });
    expect(r.inputs[0]).toMatchObject({ format: 'otlp-jsonl', lines: 4, spans: 10, corruptLines: 0 });
  });

  it('request profile: nearest-rank percentiles and the share of prompts >= 20k', () => {
    // inputs sorted: 100 200 500 1000 1500 2000 25000 40000; outputs: 10 20 50 50 100 100 100 500
    const o = r.profile.overall;
    expect(o.requests).toBe(8);
    expect([o.input.p50, o.input.p90, o.input.p99, o.input.max]).toEqual([1000, 40000, 40000, 40000]);
    expect([o.output.p50, o.output.p90, o.output.p99]).toEqual([50, 500, 500]);
    close(o.input.mean, 70300 / 8);
    expect(o.large).toBe(2);
    expect(o.largeShare).toBe(0.25);
    expect(r.profile.byModel.map((m) => m.model)).toEqual(['big']);
  });

  it('total bill per scenario, with the request the 30k window cannot serve', () => {
    // actual, $10/M in + $20/M out: 0.012 + 0.022 + 0.402 + 0.006 + 0.016 + 0.0012 + 0.0024 + 0.26
    close(col(r, 'actual').bill, 0.7216);
    expect(col(r, 'actual').priced).toBe(8);
    // cheap, $1/M in + $2/M out, without A3 (40,100 tokens > 30k window)
    const cheap = col(r, 'cheap');
    close(cheap.bill, 0.0012 + 0.0022 + 0.0006 + 0.0016 + 0.00012 + 0.00024 + 0.026);
    expect(cheap).toMatchObject({
      kind: 'token',
      priced: 7,
      notServed: 1,
      reasons: { context_window: 1 },
      models: ['small-70b'],
    });
    // like for like: what the same 7 requests cost as called
    close(cheap.actualOnSame.usd, 0.7216 - 0.402);
    const flat = col(r, 'flat');
    expect(flat).toMatchObject({
      kind: 'flat',
      priced: 0,
      notServed: 0,
      reasons: { no_price: 8 },
      models: ['flat-70b'],
    });
  });

  it('cost per conversation and multi-turn growth', () => {
    expect(r.conversations).toMatchObject({ count: 2, multiTurn: 2, requestsWithout: 3 });
    const [a, b] = r.conversations.top;
    expect(a).toMatchObject({
      key: 'A',
      turns: 3,
      firstInput: 1000,
      lastInput: 40000,
      inputTokens: 43000,
      unpriced: { actual: 0, cheap: 1, flat: 3 },
    });
    close(a.cost.actual, 0.436);
    close(a.cost.cheap, 0.0034);
    expect(b).toMatchObject({ key: 'B', turns: 2, firstInput: 500, lastInput: 1500 });
    close(b.cost.actual, 0.022);
    close(b.cost.cheap, 0.0022);
    const turns = r.conversations.byTurn;
    expect(turns.map((t) => [t.turn, t.requests, t.meanInput])).toEqual([
      [1, 2, 750],
      [2, 2, 1750],
      [3, 1, 40000],
    ]);
    close(turns[0].meanCost.actual, 0.009);
    close(turns[1].meanCost.actual, 0.019);
    close(turns[2].meanCost.actual, 0.402);
    expect(turns[2].meanCost.cheap).toBeNaN();
  });

  it('recycled context and what it cost', () => {
    expect(r.recycled.tokens).toBe(3200);
    close(r.recycled.share, 3200 / 70300);
    close(r.recycled.cost.actual, (3200 * 10) / 1e6);
    // cheap: A3 is not served even without its recycled part (38,200 > 30k), so only 900 + 400 tokens
    close(r.recycled.cost.cheap, 1300 / 1e6);
  });

  it('break-even request price for the flat provider, without a configured price', () => {
    expect(r.flat).toHaveLength(1);
    const f = r.flat[0];
    expect(f).toMatchObject({
      id: 'flat',
      servable: 8,
      notServable: 0,
      configuredPrice: undefined,
      winsAbovePromptTokens: undefined,
    });
    // cheap's average over the 7 requests both serve; actual's over all 8
    expect(f.versus.map((v) => [v.id, v.requests])).toEqual([
      ['cheap', 7],
      ['actual', 8],
    ]);
    close(f.versus[0].pricePerRequest, 0.03196 / 7);
    close(f.versus[1].pricePerRequest, 0.7216 / 8);
    expect(f.breakEven!.versus).toBe('cheap');
    close(f.breakEven!.pricePerRequest, 0.03196 / 7);
    // Where cheap's mean cost per request reaches that price: between the bins of 1.5k-2k (mean
    // 0.0019) and 25k (0.026), interpolated between their geometric middles (see the next test).
    const x22 = Math.sqrt(1448 * 2048);
    const x30 = Math.sqrt(23170 * 32768);
    expect(f.breakEven!.promptTokens).toBe(Math.round(x22 + ((0.03196 / 7 - 0.0019) / (0.026 - 0.0019)) * (x30 - x22)));
    expect(r.recommendation.join(' ')).toContain('only below $0.00457 a request');
  });

  it('with a configured flat price: its bill and the prompt size above which it wins', async () => {
    const priced = await createReport([file], {
      pricing: reportPricing({ requestPrices: { flat: { 'flat-70b': 0.003 } } }),
    });
    const f = priced.flat[0];
    close(col(priced, 'flat').bill, 8 * 0.003);
    close(f.configuredPrice!, 0.003);
    // cheap's mean cost per request by sqrt(2)-wide bin: bin 22 [1448, 2048) holds 1500 and 2000
    // (mean 0.0019), the next bin with data is 30 [23170, 32768) holding 25000 (0.026 >= 0.003):
    // linear interpolation between the bins' geometric middles.
    const x22 = Math.sqrt(1448 * 2048);
    const x30 = Math.sqrt(23170 * 32768);
    expect(f.winsAbovePromptTokens).toBe(Math.round(x22 + ((0.003 - 0.0019) / (0.026 - 0.0019)) * (x30 - x22)));
    expect(priced.recommendation.join(' ')).toContain('At the configured $0.00300 a request, flat beats cheap');
  });

  it('prompt-size bins hold every request with usage and the cost of each column', () => {
    expect(r.sizeBins.reduce((n, b) => n + b.requests, 0)).toBe(8);
    close(
      r.sizeBins.reduce((n, b) => n + b.cost.actual, 0),
      0.7216,
    );
    for (const b of r.sizeBins) expect(b.from).toBeLessThan(b.to);
  });
});

describe('spans of other GenAI instrumentations', () => {
  it('are priced on the fly as the cost engine reads them (contrib/OpenLLMetry and OpenInference names)', async () => {
    const dir = tempDir();
    const contrib = {
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'big',
      'gen_ai.usage.prompt_tokens': 1000,
      'gen_ai.usage.completion_tokens': 100,
      'llm.request.type': 'chat',
    };
    const openInference = {
      'llm.provider': 'openai',
      'llm.model_name': 'big',
      'llm.token_count.prompt': 2000,
      'llm.token_count.completion': 100,
    };
    const file = join(dir, 'others.jsonl');
    writeFileSync(file, `${otlpLine([contrib, openInference])}\n`);
    const r = await createReport([file], { pricing: reportPricing() });
    expect(r.spans.genai).toBe(2);
    expect([r.profile.overall.input.p50, r.profile.overall.input.max]).toEqual([1000, 2000]);
    close(col(r, 'actual').bill, 0.012 + 0.022);
    close(col(r, 'cheap').bill, 0.0012 + 0.0022);
  });

  it('recorded cost attributes are kept; a scenario the span lacks is priced by the engine', async () => {
    const dir = tempDir();
    // Recorded at a different price than the report's data would give: the recorded figure wins.
    const recorded = {
      ...callAttributes({ input: 1000, output: 100 }),
      'tokentax.pricing.version': 'older',
      'tokentax.cost.usd': 0.5,
      'tokentax.cost.cheap.usd': 0.25,
    };
    const file = join(dir, 'recorded.jsonl');
    writeFileSync(file, `${otlpLine([recorded])}\n`);
    const r = await createReport([file], { pricing: reportPricing() });
    close(col(r, 'actual').bill, 0.5);
    close(col(r, 'cheap').bill, 0.25);
    expect(col(r, 'flat').reasons).toEqual({ no_price: 1 }); // not on the span: from the engine
  });
});
