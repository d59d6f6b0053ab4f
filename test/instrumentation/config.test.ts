import { describe, expect, it } from 'vitest';
import { legacyFromStabilityOptIn, resolveSettings } from '../../src/instrumentation/config';
import { startSimulator } from '../../src/demo/simulator';
import { ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_SYSTEM, ATTR_GEN_AI_USAGE_PROMPT_TOKENS } from '../../src/semconv';
import { instrument } from '../support/harness';
import { VERSION } from '../../src/version';
import { readFileSync } from 'node:fs';

describe('instrumentation settings', () => {
  it('content capture is off unless the environment or the option turns it on', () => {
    expect(resolveSettings({}, {}).captureContent).toBe(false);
    expect(resolveSettings({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }).captureContent).toBe(
      true,
    );
    expect(
      resolveSettings({ captureMessageContent: false }, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' })
        .captureContent,
    ).toBe(false);
  });

  it('OTEL_SEMCONV_STABILITY_OPT_IN: current names by default; /dup adds the older names', () => {
    expect(legacyFromStabilityOptIn(undefined)).toBe(false);
    expect(legacyFromStabilityOptIn('gen_ai_latest_experimental')).toBe(false);
    expect(legacyFromStabilityOptIn('http,gen_ai_latest_experimental/dup')).toBe(true);
    expect(legacyFromStabilityOptIn('gen_ai/dup')).toBe(true);
  });

  it('older names on spans when asked for', async () => {
    const sim = await startSimulator();
    const h = instrument('openai', { legacyAttributes: true });
    try {
      const client = new h.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
      const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      const [span] = h.telemetry.spans();
      expect(span.attributes[ATTR_GEN_AI_SYSTEM]).toBe(span.attributes[ATTR_GEN_AI_PROVIDER_NAME]);
      expect(span.attributes[ATTR_GEN_AI_USAGE_PROMPT_TOKENS]).toBe(r.usage.prompt_tokens);
    } finally {
      await h.close();
      await sim.close();
    }
  });

  it('includeStreamUsage adds stream_options.include_usage (documented opt-in) and gives exact usage', async () => {
    const sim = await startSimulator();
    const h = instrument('openai', { includeStreamUsage: true });
    try {
      const client = new h.OpenAI({ apiKey: 'sk-x', baseURL: sim.baseURL, maxRetries: 0 });
      const chunks: any[] = [];
      for await (const c of await client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      }))
        chunks.push(c);
      expect(chunks.at(-1).choices).toEqual([]);
      const [span] = h.telemetry.spans();
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(chunks.at(-1).usage.completion_tokens);
      expect(span.attributes['tokentax.usage.estimated']).toBe(false);
    } finally {
      await h.close();
      await sim.close();
    }
  });

  it('the scope version is the package version', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')).version);
  });
});
