/**
 * Provider resolution through the real `openai` client: every priced provider's real host name (mapped
 * to 127.0.0.1 by the client's DNS lookup, never the network), unknown hosts priced by inference or left
 * unpriced with a reason, the user's map from config and from TOKENTAX_PROVIDER_HOSTS, and metric labels
 * that never carry a host.
 */
import { metrics } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR, loadPricing } from '../../src/pricing';
import { readHostsFile } from '../../src/pricing/hosts';
import { periodAt } from '../../src/pricing/math';
import * as S from '../../src/semconv';
import { createTokentax, type TokentaxOptions } from '../../src/tokentax';
import { loadMajor } from '../support/openai-majors';
import { createTelemetry, metricPoints, type TestTelemetry } from '../support/otel';
import { USAGE, loopbackFetch, loopbackLookup, startChatServer, type ChatServer } from './loopback';

const pricing = loadPricing({ config: { requestPrices: { oxlo: { 'llama-3.3-70b': 0.002 } } } });

/** What USAGE costs at `provider`'s price for `model`, from the price rows themselves. */
function expectedCost(provider: string, model: string): number {
  const entry = pricing.index.lookup(provider, model);
  if (!entry) throw new Error(`no price for ${provider}/${model}`);
  const p = periodAt(entry, Date.now())!;
  if (typeof p.perRequest === 'number') return p.perRequest;
  return (USAGE.prompt_tokens * p.inputMtok! + USAGE.completion_tokens * p.outputMtok!) / 1e6;
}

interface Setup {
  telemetry: TestTelemetry;
  mod: any;
  asked: string[];
  close(): Promise<void>;
}

function setUp(options: TokentaxOptions): Setup {
  const tokentax = createTokentax(options);
  const telemetry = createTelemetry(tokentax.spanProcessors);
  tokentax.instrumentation.setTracerProvider(telemetry.tracerProvider);
  tokentax.instrumentation.setMeterProvider(telemetry.meterProvider);
  // The in-process tokentax.cost counter records on the global meter provider.
  metrics.setGlobalMeterProvider(telemetry.meterProvider);
  const mod = loadMajor('openai');
  tokentax.instrumentation.manuallyInstrument(mod);
  tokentax.instrumentation.enable();
  return {
    telemetry,
    mod,
    asked: [],
    async close() {
      tokentax.instrumentation.disable();
      metrics.disable();
      await telemetry.shutdown();
    },
  };
}

async function chat(s: Setup, baseURL: string, model: string, azure?: { endpoint: string }): Promise<void> {
  const common = { apiKey: 'sk-test', maxRetries: 0, fetch: loopbackFetch(s.asked) };
  const client = azure
    ? new s.mod.AzureOpenAI({ ...common, endpoint: azure.endpoint, apiVersion: '2024-10-21', deployment: model })
    : new s.mod.OpenAI({ ...common, baseURL });
  await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
}

const base = { config: { env: {}, requestPrices: { oxlo: { 'llama-3.3-70b': 0.002 } } } };

describe('every priced provider by its real host name (through the real openai client)', () => {
  let server: ChatServer;
  let s: Setup;
  beforeAll(async () => {
    server = await startChatServer();
    s = setUp(base);
  });
  afterAll(async () => {
    await s.close();
    await server.close();
  });

  const cases: Array<{ provider: string; url: (port: number) => string; model: string; azure?: boolean }> = [
    { provider: 'openai', url: (p) => `http://api.openai.com:${p}/v1`, model: 'gpt-4o-mini' },
    {
      provider: 'azure.ai.openai',
      url: (p) => `http://my-res.openai.azure.com:${p}`,
      model: 'gpt-4o-mini',
      azure: true,
    },
    {
      provider: 'azure.ai.openai',
      url: (p) => `http://my-res.cognitiveservices.azure.com:${p}`,
      model: 'gpt-4o',
      azure: true,
    },
    { provider: 'azure.ai.openai', url: (p) => `http://my-res.services.ai.azure.com:${p}/openai/v1`, model: 'gpt-4o' },
    { provider: 'azure.ai.inference', url: (p) => `http://my-res.services.ai.azure.com:${p}/models`, model: 'gpt-4o' },
    {
      provider: 'azure.ai.inference',
      url: (p) => `http://my-res.cognitiveservices.azure.com:${p}/models`,
      model: 'gpt-4o-mini',
    },
    { provider: 'azure.ai.inference', url: (p) => `http://ep.eastus2.models.ai.azure.com:${p}/v1`, model: 'gpt-4o' },
    { provider: 'azure.ai.inference', url: (p) => `http://models.inference.ai.azure.com:${p}`, model: 'gpt-4o-mini' },
    {
      provider: 'together',
      url: (p) => `http://api.together.xyz:${p}/v1`,
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    },
    {
      provider: 'together',
      url: (p) => `http://api.together.ai:${p}/v1`,
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    },
    {
      provider: 'fireworks',
      url: (p) => `http://api.fireworks.ai:${p}/inference/v1`,
      model: 'accounts/fireworks/models/llama-v3p3-70b-instruct',
    },
    { provider: 'openrouter', url: (p) => `http://openrouter.ai:${p}/api/v1`, model: 'openai/gpt-4o-mini' },
    { provider: 'oxlo', url: (p) => `http://api.oxlo.ai:${p}/v1`, model: 'llama-3.3-70b' },
    { provider: 'deepseek', url: (p) => `http://api.deepseek.com:${p}/v1`, model: 'deepseek-chat' },
    { provider: 'groq', url: (p) => `http://api.groq.com:${p}/openai/v1`, model: 'llama-3.3-70b-versatile' },
    { provider: 'mistral_ai', url: (p) => `http://api.mistral.ai:${p}/v1`, model: 'mistral-small-latest' },
    { provider: 'mistral_ai', url: (p) => `http://api.eu.mistral.ai:${p}/v1`, model: 'mistral-small-latest' },
    { provider: 'mistral_ai', url: (p) => `http://codestral.mistral.ai:${p}/v1`, model: 'codestral' },
    { provider: 'x_ai', url: (p) => `http://api.x.ai:${p}/v1`, model: 'grok-3' },
    {
      provider: 'gcp.gemini',
      url: (p) => `http://generativelanguage.googleapis.com:${p}/v1beta/openai`,
      model: 'gemini-2.5-flash',
    },
  ];

  const titled = cases.map((c) => ({ ...c, at: c.url(0).replace(':0', '') }));
  it.each(titled)('$provider at $at ($model)', async ({ provider, url, model, azure }) => {
    s.telemetry.reset();
    const baseURL = url(server.port);
    const host = new URL(baseURL).hostname;
    await chat(s, baseURL, model, azure ? { endpoint: baseURL } : undefined);
    // The client connected by that name (to loopback), as it would to the real service.
    expect(s.asked.at(-1)).toBe(host);
    expect(server.seen.at(-1)!.host).toBe(`${host}:${server.port}`);
    const [span] = s.telemetry.spans();
    const a = span.attributes;
    expect(a[S.ATTR_GEN_AI_PROVIDER_NAME]).toBe(provider);
    expect(a[S.ATTR_SERVER_ADDRESS]).toBe(host);
    expect(a[S.ATTR_SERVER_PORT]).toBe(server.port);
    expect(a[S.ATTR_PRICING_PROVIDER]).toBe(provider);
    expect(a[S.ATTR_PROVIDER_INFERRED]).toBeUndefined();
    expect(a[S.ATTR_COST_UNPRICED]).toBeUndefined();
    expect(a[S.ATTR_COST_USD]).toBeCloseTo(expectedCost(provider, model), 15);
  });

  it('covers every host rule of the data, and every provider it names has prices', () => {
    const rules = readHostsFile(DATA_DIR).hosts;
    const tested = cases.map((c) => new URL(c.url(1)));
    for (const r of rules) {
      const hit = tested.some(
        (u) =>
          (r.host ? u.hostname === r.host : u.hostname.endsWith(r.suffix!)) &&
          (!r.path || u.pathname.startsWith(r.path)),
      );
      expect(hit, `no case for ${r.host ?? r.suffix}${r.path ?? ''}`).toBe(true);
      expect(pricing.index.providers()).toContain(r.provider);
    }
  });
});

describe('hosts nobody named: inference from the model, or unpriced with a reason', () => {
  let server: ChatServer;
  let s: Setup;
  beforeAll(async () => {
    server = await startChatServer();
    s = setUp(base);
  });
  afterAll(async () => {
    await s.close();
    await server.close();
  });

  const spanOf = async (host: string, model: string) => {
    s.telemetry.reset();
    await chat(s, `http://${host}:${server.port}/v1`, model);
    const [span] = s.telemetry.spans();
    return span.attributes;
  };

  it.each([
    ['127.0.0.1', 'gpt-4o-mini', 'openai'],
    ['localhost', 'deepseek-chat', 'deepseek'],
    ['litellm.internal', 'grok-3', 'x_ai'], // OpenRouter also lists grok-3: a reseller yields to xAI
    ['gateway.corp.example', 'gemini-2.5-flash', 'gcp.gemini'],
  ])('%s answering %s is priced as %s, marked inferred', async (host, model, provider) => {
    const a = await spanOf(host, model);
    // The span states what is known: an unrecognised provider at that host, priced by inference.
    expect(a[S.ATTR_GEN_AI_PROVIDER_NAME]).toBe(S.PROVIDER.other);
    expect(a[S.ATTR_SERVER_ADDRESS]).toBe(host);
    expect(a[S.ATTR_PROVIDER_INFERRED]).toBe(true);
    expect(a[S.ATTR_PRICING_PROVIDER]).toBe(provider);
    expect(a[S.ATTR_COST_USD]).toBeCloseTo(expectedCost(provider, model), 15);
  });

  it('a model several providers list is ambiguous: no cost, a reason', async () => {
    const a = await spanOf('127.0.0.1', 'deepseek-v3.2'); // DeepSeek's and Oxlo's
    expect(a[S.ATTR_COST_UNPRICED]).toBe(S.UNPRICED.ambiguousProvider);
    expect(a[S.ATTR_COST_USD]).toBeUndefined();
    expect(a[S.ATTR_PRICING_PROVIDER]).toBeUndefined();
    expect(a[S.ATTR_PROVIDER_INFERRED]).toBeUndefined();
  });

  it('a model nobody lists exactly is unknown_provider (no prefix guess)', async () => {
    for (const model of ['gpt-4o-mini-custom', 'house-model-1']) {
      const a = await spanOf('127.0.0.1', model);
      expect(a[S.ATTR_COST_UNPRICED]).toBe(S.UNPRICED.unknownProvider);
      expect(a[S.ATTR_COST_USD]).toBeUndefined();
    }
  });

  it('metric labels carry one fixed value for every unknown host, never the host', async () => {
    const hosts = ['127.0.0.1', 'localhost', 'gw-a.internal', 'gw-b.internal', 'gw-c.internal'];
    for (const h of hosts) await spanOf(h, 'gpt-4o-mini');
    await spanOf('api.openai.com', 'gpt-4o-mini');
    const collected = await s.telemetry.metrics();
    const labels = (metric: string, key: string): unknown[] =>
      metricPoints(collected, metric).map((p) => p.attributes[key]);
    const clientProviders = labels(S.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, S.ATTR_GEN_AI_PROVIDER_NAME);
    const costProviders = metricPoints(collected, S.METRIC_COST)
      .filter((p) => p.attributes[S.ATTR_METRIC_SCENARIO] === S.CHEAPEST_ACTUAL)
      .map((p) => p.attributes[S.ATTR_METRIC_PROVIDER]);
    for (const values of [clientProviders, costProviders]) {
      expect(new Set(values)).toEqual(new Set([S.PROVIDER.other, 'openai']));
      for (const h of hosts) expect(values).not.toContain(h);
    }
  });
});

describe("the user's host map", () => {
  let server: ChatServer;
  beforeAll(async () => {
    server = await startChatServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function spanVia(s: Setup, host: string, model: string) {
    s.telemetry.reset();
    await chat(s, `http://${host}:${server.port}/v1`, model);
    return s.telemetry.spans()[0].attributes;
  }

  it('from the configuration (providerHosts), by host and by suffix; names without prices stay unpriced', async () => {
    const s = setUp({
      config: {
        env: {},
        providerHosts: { 'llm.corp.example': 'together', '.gw.example': 'groq', 'vllm.local': 'vllm' },
      },
    });
    try {
      let a = await spanVia(s, 'llm.corp.example', 'meta-llama/Llama-3.3-70B-Instruct-Turbo');
      expect(a[S.ATTR_GEN_AI_PROVIDER_NAME]).toBe('together');
      expect(a[S.ATTR_PRICING_PROVIDER]).toBe('together');
      expect(a[S.ATTR_PROVIDER_INFERRED]).toBeUndefined();
      expect(a[S.ATTR_COST_USD]).toBeCloseTo(expectedCost('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'), 15);
      a = await spanVia(s, 'eu.gw.example', 'llama-3.3-70b-versatile');
      expect([a[S.ATTR_GEN_AI_PROVIDER_NAME], a[S.ATTR_PRICING_PROVIDER]]).toEqual(['groq', 'groq']);
      // The user said what this host is: its name is kept, and no inference second-guesses it.
      a = await spanVia(s, 'vllm.local', 'gpt-4o-mini');
      expect(a[S.ATTR_GEN_AI_PROVIDER_NAME]).toBe('vllm');
      expect(a[S.ATTR_COST_UNPRICED]).toBe(S.UNPRICED.unknownProvider);
      expect(a[S.ATTR_PROVIDER_INFERRED]).toBeUndefined();
    } finally {
      await s.close();
    }
  });

  it('from TOKENTAX_PROVIDER_HOSTS', async () => {
    const s = setUp({ config: { env: { TOKENTAX_PROVIDER_HOSTS: 'llm.internal=deepseek, .corp.example=mistral' } } });
    try {
      let a = await spanVia(s, 'llm.internal', 'deepseek-chat');
      expect([a[S.ATTR_GEN_AI_PROVIDER_NAME], a[S.ATTR_PRICING_PROVIDER]]).toEqual(['deepseek', 'deepseek']);
      // An old provider name still works: mistral is an alias of mistral_ai.
      a = await spanVia(s, 'ai.corp.example', 'mistral-small-latest');
      expect(a[S.ATTR_GEN_AI_PROVIDER_NAME]).toBe('mistral');
      expect(a[S.ATTR_PRICING_PROVIDER]).toBe('mistral_ai');
      expect(a[S.ATTR_COST_USD]).toBeCloseTo(expectedCost('mistral_ai', 'mistral-small-latest'), 15);
    } finally {
      await s.close();
    }
  });

  it('a malformed TOKENTAX_PROVIDER_HOSTS is ignored with one warning line', () => {
    const lines: string[] = [];
    const s = createTokentax({
      config: { env: { TOKENTAX_PROVIDER_HOSTS: 'llm.internal' }, warn: (l) => lines.push(l) },
    });
    expect(s.config.providerHosts).toEqual({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tokentax: ignoring TOKENTAX_PROVIDER_HOSTS="llm\.internal": expected .*host=provider/);
  });
});

describe('openai v4 (node-fetch) with an http.Agent doing the loopback lookup', () => {
  it('names and prices the provider the same way', async () => {
    const server = await startChatServer();
    const tokentax = createTokentax({ config: { env: {} } });
    const telemetry = createTelemetry(tokentax.spanProcessors);
    tokentax.instrumentation.setTracerProvider(telemetry.tracerProvider);
    const mod = loadMajor('openai-v4');
    tokentax.instrumentation.manuallyInstrument(mod);
    tokentax.instrumentation.enable();
    try {
      const asked: string[] = [];
      const http = await import('node:http');
      const client = new mod.OpenAI({
        apiKey: 'sk-test',
        maxRetries: 0,
        baseURL: `http://api.groq.com:${server.port}/openai/v1`,
        httpAgent: new http.Agent({ lookup: loopbackLookup(asked) }),
      });
      await client.chat.completions.create({
        model: 'llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(asked).toContain('api.groq.com');
      const a = telemetry.spans()[0].attributes;
      expect([a[S.ATTR_GEN_AI_PROVIDER_NAME], a[S.ATTR_PRICING_PROVIDER]]).toEqual(['groq', 'groq']);
      expect(a[S.ATTR_COST_USD]).toBeCloseTo(expectedCost('groq', 'llama-3.3-70b-versatile'), 15);
    } finally {
      tokentax.instrumentation.disable();
      await telemetry.shutdown();
      await server.close();
    }
  });
});
