/**
 * `tokentax report --config` re-prices spans recorded from hosts nobody named: the real openai client
 * records them (unpriced: an ambiguous model on a company gateway) to an OTLP JSON-lines file, and the
 * built CLI prices them with the configuration's providerHosts; a span an older tokentax recorded with the
 * host as its provider is priced by inference even without a configuration.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { JsonlFileExporter } from '../../src/export/jsonl-file-exporter';
import { createCostEngine, loadPricing } from '../../src/pricing';
import * as S from '../../src/semconv';
import { createTokentax } from '../../src/tokentax';
import { loadMajor } from '../support/openai-majors';
import { USAGE, loopbackFetch, startChatServer, type ChatServer } from './loopback';

const CLI = resolve(__dirname, '../../dist/cli.js');
const built = existsSync(CLI);

function report(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(
      process.execPath,
      [CLI, 'report', ...args, '--json'],
      { env: { PATH: process.env.PATH }, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

describe.skipIf(!built)(
  'tokentax report --config re-prices spans from unknown hosts (SKIPPED without dist/: npm run build)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokentax-report-hosts-'));
    const spans = join(dir, 'spans.jsonl');
    const config = join(dir, 'tokentax.yaml');
    let server: ChatServer;
    const recorded: Array<Record<string, unknown>> = [];
    const startMs: number[] = [];
    const plain = (v: Record<string, unknown>): unknown =>
      v.intValue !== undefined ? Number(v.intValue) : Object.values(v)[0];
    const oldSpanMs = Date.now();

    beforeAll(async () => {
      server = await startChatServer();
      const tokentax = createTokentax({ config: { env: {} } });
      const provider = new BasicTracerProvider({
        spanProcessors: [...tokentax.spanProcessors, new SimpleSpanProcessor(new JsonlFileExporter({ path: spans }))],
      });
      tokentax.instrumentation.setTracerProvider(provider);
      const mod = loadMajor('openai');
      tokentax.instrumentation.manuallyInstrument(mod);
      tokentax.instrumentation.enable();
      const client = new mod.OpenAI({
        apiKey: 'sk-test',
        maxRetries: 0,
        baseURL: `http://llm.corp.example:${server.port}/v1`,
        fetch: loopbackFetch([]),
      });
      // deepseek-v3.2 is DeepSeek's and Oxlo's: on an unnamed gateway it is ambiguous, so unpriced.
      for (let i = 0; i < 3; i++)
        await client.chat.completions.create({ model: 'deepseek-v3.2', messages: [{ role: 'user', content: 'hi' }] });
      await provider.forceFlush();
      tokentax.instrumentation.disable();
      await provider.shutdown();
      for (const line of readFileSync(spans, 'utf8').trim().split('\n')) {
        const req = JSON.parse(line);
        for (const rs of req.resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans) {
              recorded.push(Object.fromEntries(s.attributes.map((a: any) => [a.key, plain(a.value)])));
              startMs.push(Number(BigInt(s.startTimeUnixNano) / 1_000_000n));
            }
      }
      // What an older tokentax wrote for a call to 127.0.0.1: the host as the provider, unpriced.
      const t = oldSpanMs * 1e6;
      appendFileSync(
        spans,
        JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [] },
              scopeSpans: [
                {
                  scope: { name: 'tokentax' },
                  spans: [
                    {
                      traceId: '0af7651916cd43dd8448eb211c80319c',
                      spanId: 'b7ad6b7169203331',
                      name: 'chat gpt-4o-mini',
                      kind: 3,
                      startTimeUnixNano: String(t),
                      endTimeUnixNano: String(t + 1e9),
                      attributes: [
                        ['gen_ai.operation.name', { stringValue: 'chat' }],
                        ['gen_ai.provider.name', { stringValue: '127.0.0.1' }],
                        ['server.address', { stringValue: '127.0.0.1' }],
                        ['gen_ai.request.model', { stringValue: 'gpt-4o-mini' }],
                        ['gen_ai.usage.input_tokens', { intValue: String(USAGE.prompt_tokens) }],
                        ['gen_ai.usage.output_tokens', { intValue: String(USAGE.completion_tokens) }],
                        ['tokentax.pricing.version', { stringValue: '2026-11-27' }],
                        ['tokentax.cost.unpriced', { stringValue: 'unknown_provider' }],
                      ].map(([key, value]) => ({ key, value })),
                      status: {},
                    },
                  ],
                },
              ],
            },
          ],
        }) + '\n',
      );
      writeFileSync(config, 'providerHosts:\n  llm.corp.example: deepseek\n');
    });
    afterAll(async () => {
      await server.close();
    });

    it('the calls were recorded unpriced, with the reason', () => {
      expect(recorded).toHaveLength(3);
      for (const a of recorded) {
        expect(a[S.ATTR_GEN_AI_PROVIDER_NAME]).toBe(S.PROVIDER.other);
        expect(a[S.ATTR_SERVER_ADDRESS]).toBe('llm.corp.example');
        expect(a[S.ATTR_COST_UNPRICED]).toBe(S.UNPRICED.ambiguousProvider);
      }
    });

    it('without --config: the old span is priced by inference, the ambiguous ones are not', async () => {
      const r = await report([spans]);
      expect(r.code, r.stderr).toBe(0);
      const actual = JSON.parse(r.stdout).scenarios[0];
      expect(actual).toMatchObject({ id: 'actual', priced: 1 });
      const inferred = createCostEngine(loadPricing())(
        {
          [S.ATTR_GEN_AI_PROVIDER_NAME]: '127.0.0.1',
          [S.ATTR_SERVER_ADDRESS]: '127.0.0.1',
          [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
          [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: USAGE.prompt_tokens,
          [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: USAGE.completion_tokens,
        },
        oldSpanMs,
      );
      expect(inferred[S.ATTR_PRICING_PROVIDER]).toBe('openai');
      expect(actual.bill).toBeCloseTo(inferred[S.ATTR_COST_USD] as number, 12);
    });

    it("with --config: the configuration's providerHosts prices the gateway's calls as DeepSeek", async () => {
      const r = await report([spans, '--config', config]);
      expect(r.code, r.stderr).toBe(0);
      const actual = JSON.parse(r.stdout).scenarios[0];
      expect(actual).toMatchObject({ id: 'actual', priced: 4 });
      const engine = createCostEngine(loadPricing({ config: loadConfig({ file: config, env: {} }) }));
      const costs = recorded.map((a, i) => engine(a as never, startMs[i]));
      for (const c of costs) {
        expect(c[S.ATTR_PRICING_PROVIDER]).toBe('deepseek');
        expect(c[S.ATTR_COST_USD]).toBeGreaterThan(0);
      }
      const old = engine(
        {
          [S.ATTR_SERVER_ADDRESS]: '127.0.0.1',
          [S.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
          [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: USAGE.prompt_tokens,
          [S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: USAGE.completion_tokens,
        },
        oldSpanMs,
      );
      const sum = costs.reduce((t, c) => t + (c[S.ATTR_COST_USD] as number), old[S.ATTR_COST_USD] as number);
      expect(actual.bill).toBeCloseTo(sum, 12);
    });
  },
);
