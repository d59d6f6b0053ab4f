/**
 * A long streamed answer without usage: its output is counted with the tokenizer in slices between
 * turns of the event loop (context/counting), and the span still gets the exact count, marked estimated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextMeter } from '../../src/context';
import { encodeLength } from '../../src/context/tokenizer';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import { ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, ATTR_USAGE_ESTIMATED } from '../../src/semconv';
import { loadMajor } from '../support/openai-majors';
import { createTelemetry, type TestTelemetry } from '../support/otel';
import { ReplayServer } from '../support/replay-server';
import { CONTENT_KINDS } from '../context/content-kinds';

const ANSWER = CONTENT_KINDS['English prose'](300_000, 11);
const PIECES = ANSWER.match(/[\s\S]{1,2000}/g) ?? [];

describe('a long streamed answer without usage', () => {
  const server = new ReplayServer();
  let telemetry: TestTelemetry;
  let instrumentation: OpenAIInstrumentation;
  let client: any;
  beforeAll(async () => {
    await server.start();
    server.handle(async (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      for (const piece of PIECES) res.write(chunk({ content: piece }, null));
      res.end(chunk({}, 'stop') + 'data: [DONE]\n\n');
    });
    telemetry = createTelemetry();
    instrumentation = new OpenAIInstrumentation({ enabled: false, contextMeter: createContextMeter() });
    instrumentation.setTracerProvider(telemetry.tracerProvider);
    instrumentation.setMeterProvider(telemetry.meterProvider);
    const mod = loadMajor('openai');
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
    client = new mod.OpenAI({ apiKey: 'sk-test-long', baseURL: server.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    instrumentation.disable();
    await telemetry.shutdown();
    await server.stop();
  });

  it('is counted exactly, off the path, and the app reads every chunk unchanged', async () => {
    let read = '';
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [], stream: true });
    for await (const c of stream) read += c.choices[0]?.delta?.content ?? '';
    expect(read).toBe(ANSWER);
    for (let i = 0; i < 500 && telemetry.spans().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const [span] = telemetry.spans();
    expect(span.attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(encodeLength('o200k_base', ANSWER));
    expect(span.attributes[ATTR_USAGE_ESTIMATED]).toBe(true);
  });
});
