import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointOf, providerOfHost } from '../../src/instrumentation/provider';
import { startSimulator, type Simulator } from '../../src/demo/simulator';
import { ATTR_GEN_AI_PROVIDER_NAME, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '../../src/semconv';
import { instrument, type Instrumented } from '../support/harness';

describe('provider from the client base URL', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai', 'api.openai.com', 443],
    ['https://my-res.openai.azure.com/openai/deployments/gpt-4o', 'azure.ai.openai', 'my-res.openai.azure.com', 443],
    ['https://api.together.xyz/v1', 'together', 'api.together.xyz', 443],
    ['https://api.fireworks.ai/inference/v1', 'fireworks', 'api.fireworks.ai', 443],
    ['https://openrouter.ai/api/v1', 'openrouter', 'openrouter.ai', 443],
    ['https://api.oxlo.ai/v1', 'oxlo', 'api.oxlo.ai', 443],
    ['http://llm.internal:8000/v1', '_OTHER', 'llm.internal', 8000],
    ['http://localhost/v1', '_OTHER', 'localhost', 80],
    [undefined, 'openai', 'api.openai.com', 443],
  ])('%s -> %s', (baseURL, provider, address, port) => {
    expect(endpointOf(baseURL)).toEqual({ provider, address, port });
  });

  it('a user map names gateways, by host or by suffix', () => {
    expect(providerOfHost('llm.internal', { 'llm.internal': 'vllm' })).toBe('vllm');
    expect(providerOfHost('a.gw.corp', { '.gw.corp': 'gateway' })).toBe('gateway');
    expect(providerOfHost('api.together.xyz', { '.gw.corp': 'gateway' })).toBe('together');
  });

  it('a malformed base URL does not throw', () => {
    expect(endpointOf('not a url').provider).toBe('_OTHER');
  });
});

describe('provider on real calls through the SDK', () => {
  let sim: Simulator;
  let h: Instrumented;
  beforeAll(async () => {
    sim = await startSimulator();
    h = instrument('openai', { providerNames: { '127.0.0.1': 'oxlo' } });
  });
  afterAll(async () => {
    await h.close();
    await sim.close();
  });

  it('names the provider the client talks to, with server.address and server.port', async () => {
    const client = new h.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
    await client.chat.completions.create({ model: 'llama-3.3-70b', messages: [{ role: 'user', content: 'hi' }] });
    const [span] = h.telemetry.spans();
    expect(span.attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe('oxlo');
    expect(span.attributes[ATTR_SERVER_ADDRESS]).toBe('127.0.0.1');
    expect(span.attributes[ATTR_SERVER_PORT]).toBe(sim.port);
  });
});
