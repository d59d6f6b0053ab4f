/**
 * Differential transparency beyond the recordings (test/instrumentation/recordings.test.ts replays
 * those): generated exchanges on every `openai` major, each run with tokentax off and then on —
 * results, thrown errors (class, status, message, body fields), stream chunk sequences and the
 * requests the server received must be identical; every call gives one span, ended exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from '../../src/context/tokenizer';
import {
  ATTR_COST_UNPRICED,
  ATTR_COST_USD,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_USAGE_ESTIMATED,
} from '../../src/semconv';
import { MAJORS, loadMajor } from '../support/openai-majors';
import { ERROR_SCENARIOS, HUGE_PROMPT, SCENARIOS, type Scenario } from './generated';
import { allEnded, nonFinite } from './support';
import { pricedPipeline } from './pipeline';

/** Request headers that differ between any two SDK calls, with or without tokentax. */
const VOLATILE_HEADERS = new Set(['idempotency-key']);

const errorShape = (e: any) => ({
  thrown: {
    class: e?.constructor?.name,
    status: e?.status,
    message: String(e?.message),
    error: e?.error === undefined ? undefined : JSON.parse(JSON.stringify(e.error)),
    code: e?.code,
    type: e?.type,
    param: e?.param,
  },
});

it('the generated huge prompt really is 200k tokens or more (o200k_base)', () => {
  expect(countTokens('o200k_base', HUGE_PROMPT)).toBeGreaterThanOrEqual(200_000);
});

describe.each(MAJORS)('generated exchanges, with and without tokentax, on openai $major', ({ pkg }) => {
  const pipeline = pricedPipeline();
  const { server, counter, telemetry, instrumentation } = pipeline;
  const byModel = new Map<string, Scenario>();
  let mod: any;
  let client: any;

  beforeAll(async () => {
    await pipeline.start();
    server.handle((_req, body, res) => {
      const s = byModel.get(body?.model);
      if (!s) throw new Error(`no scenario for model ${body?.model}`);
      s.respond(body, res);
    });
    mod = loadMajor(pkg);
    client = new mod.OpenAI({ apiKey: 'sk-test-hardening', baseURL: server.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  /** Runs the scenario off then on; returns both outcomes and the requests each run sent. */
  async function differential(s: Scenario) {
    const once = async () => {
      server.requests.length = 0;
      let outcome: unknown;
      try {
        outcome = { value: await s.run(client) };
      } catch (e) {
        outcome = errorShape(e);
      }
      const requests = server.requests.map((r) => ({
        method: r.method,
        path: r.path,
        body: r.body,
        headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => !VOLATILE_HEADERS.has(k))),
      }));
      return { outcome, requests };
    };
    instrumentation.disable();
    const without = await once();
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
    telemetry.reset();
    counter.reset();
    const withIt = await once();
    await allEnded(counter);
    return { without, withIt };
  }

  beforeAll(() => {
    for (const s of [...SCENARIOS, ...ERROR_SCENARIOS]) for (const m of s.models) byModel.set(m, s);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const { without, withIt } = await differential(s);
    expect(withIt.outcome).toEqual(without.outcome);
    expect((withIt.outcome as any).thrown).toBeUndefined();
    expect(withIt.requests).toEqual(without.requests);
    expect(withIt.requests.length).toBeGreaterThan(0);

    // One span per request, each ended exactly once, none with a NaN/Infinity attribute.
    const spans = telemetry.spans();
    expect(spans).toHaveLength(withIt.requests.length);
    expect(counter.started.size).toBe(withIt.requests.length);
    expect(counter.open()).toEqual([]);
    expect(counter.endedTwice()).toEqual([]);
    for (const span of spans) expect(nonFinite(span.attributes)).toEqual([]);

    const a = spans[0].attributes;
    if (s.usage) {
      expect(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(s.usage.input);
      expect(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(s.usage.output);
      expect(a[ATTR_USAGE_ESTIMATED]).toBe(false);
    } else if (a[ATTR_GEN_AI_USAGE_INPUT_TOKENS] !== undefined) {
      expect(a[ATTR_USAGE_ESTIMATED]).toBe(true);
    }
    // Priced, or marked unpriced with a reason: never silently neither.
    for (const span of spans)
      expect(span.attributes[ATTR_COST_USD] !== undefined || span.attributes[ATTR_COST_UNPRICED] !== undefined).toBe(
        true,
      );
    if (s.name.startsWith('huge prompt (200k tokens), no usage')) {
      // Counted with the tokenizer: at least the 200k tokens of the prompt, marked estimated.
      expect(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeGreaterThanOrEqual(200_000);
      expect(a[ATTR_COST_USD]).toBeGreaterThan(0);
    }
  });

  it.each(ERROR_SCENARIOS.map((s) => [s.name, s] as const))('error: %s', async (_name, s) => {
    const { without, withIt } = await differential(s);
    expect(withIt.outcome).toEqual(without.outcome);
    expect((withIt.outcome as any).thrown?.class).toMatch(/Error$/);
    expect(withIt.requests).toEqual(without.requests);
    expect(counter.started.size).toBe(1);
    expect(counter.open()).toEqual([]);
    expect(counter.endedTwice()).toEqual([]);
  });
});
