/**
 * Recorded real OpenAI traffic, replayed on 127.0.0.1, through every supported `openai` major:
 * the span carries exactly the recorded usage, and what the SDK returns (or streams, or throws) is
 * the same with and without tokentax.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIInstrumentation } from '../../src/instrumentation/instrumentation';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_USAGE_ESTIMATED,
  ERROR_TYPE,
  PROVIDER,
} from '../../src/semconv';
import { perform, type CallOutcome } from '../support/calls';
import { MAJORS, loadMajor } from '../support/openai-majors';
import { createTelemetry } from '../support/otel';
import {
  loadRecordings,
  recordedUsage,
  recordingsAvailable,
  RECORDINGS_DIR,
  type Recording,
} from '../support/recordings';
import { ReplayServer } from '../support/replay-server';

const recordings: Recording[] = loadRecordings().filter((r) => r.exchanges.length > 0);

const absent = !recordingsAvailable();
const skipReason = absent ? ` (skipped: ${RECORDINGS_DIR} is absent, a clone without ../shared; CI always has it)` : '';

describe.skipIf(absent).each(MAJORS)(`recorded traffic on openai $major ($pkg)${skipReason}`, ({ pkg }) => {
  const server = new ReplayServer();
  const telemetry = createTelemetry();
  const instrumentation = new OpenAIInstrumentation({ enabled: false });
  const baseline = new Map<string, CallOutcome[]>();
  let OpenAI: any;

  const run = async (recording: Recording): Promise<CallOutcome[]> => {
    server.replay(recording.exchanges);
    const client = new OpenAI({ apiKey: 'sk-test-recorded', baseURL: server.baseURL, maxRetries: 0 });
    const out: CallOutcome[] = [];
    for (const ex of recording.exchanges) out.push(await perform(client, ex, recording.name));
    return out;
  };

  beforeAll(async () => {
    await server.start();
    const mod = loadMajor(pkg);
    OpenAI = mod.OpenAI;
    // Baselines first, on the untouched SDK.
    for (const r of recordings) baseline.set(r.name, await run(r));
    instrumentation.setTracerProvider(telemetry.tracerProvider);
    instrumentation.setMeterProvider(telemetry.meterProvider);
    instrumentation.manuallyInstrument(mod);
    instrumentation.enable();
  });

  afterAll(async () => {
    instrumentation.disable();
    await server.stop();
    await telemetry.shutdown();
  });

  it('has the recorded traffic to replay', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(20);
  });

  it.each(recordings.map((r) => [r.name, r] as const))('%s', async (_name, recording) => {
    telemetry.reset();
    const outcome = await run(recording);
    // The application sees exactly what it saw without tokentax.
    expect(outcome).toEqual(baseline.get(recording.name));
    expect(
      outcome.every((o) => !o.error || recording.name.includes('abort') || recording.name.includes('double-iteration')),
    ).toBe(true);

    const spans = telemetry.spans();
    expect(spans).toHaveLength(recording.exchanges.length);
    recording.exchanges.forEach((ex, i) => {
      const span = spans[i];
      const a = span.attributes;
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.name).toBe(`chat ${ex.body.model}`.replace('chat', String(a[ATTR_GEN_AI_OPERATION_NAME])));
      expect(a[ATTR_GEN_AI_REQUEST_MODEL]).toBe(ex.body.model);
      // A host no rule or user map names: the conventions' _OTHER (the host is in server.address).
      expect(a[ATTR_GEN_AI_PROVIDER_NAME]).toBe(PROVIDER.other);
      expect(a[ATTR_SERVER_ADDRESS]).toBe('127.0.0.1');
      const decoded = ex.decoded as any;
      if (typeof decoded === 'object') {
        expect(a[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(decoded.model);
        if (decoded.id) expect(a[ATTR_GEN_AI_RESPONSE_ID]).toBe(decoded.id);
      }
      const usage = recordedUsage(ex);
      const aborted = recording.name.includes('abort');
      if (aborted) {
        // Aborted after its first chunk, the SDK ends the stream quietly (some majors first hand over the
        // chunks already received): unless the answer was complete by then, the span says aborted.
        const chunks = (outcome[i].chunks ?? []) as Array<{ choices?: Array<{ finish_reason?: unknown }> }>;
        const finished = chunks.some((c) => c.choices?.some((choice) => choice.finish_reason));
        expect(a[ATTR_ERROR_TYPE]).toBe(finished ? undefined : ERROR_TYPE.aborted);
      }
      if (usage && !aborted) {
        expect(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(usage.input);
        expect(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(usage.output);
        if (usage.cacheRead !== undefined) expect(a[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(usage.cacheRead);
        if (usage.reasoning !== undefined) expect(a[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]).toBe(usage.reasoning);
        expect(a[ATTR_USAGE_ESTIMATED]).toBe(false);
      } else if (a[ATTR_GEN_AI_USAGE_INPUT_TOKENS] !== undefined) {
        // No usage from the API: anything on the span must be marked as estimated.
        expect(a[ATTR_USAGE_ESTIMATED]).toBe(true);
      }
    });
  });
});
