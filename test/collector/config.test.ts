/**
 * The generator's output as a file: OTTL/YAML escaping, the committed ready pipeline
 * (collector/config.yaml) kept in step with the data, and the built collector accepting it for both
 * back ends (Jaeger by default, Honeycomb by environment).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateCollectorConfig, generateTransformProcessor } from '../../src/collector';
import { bucketOf, fnv64a, str } from '../../src/collector/ottl';
import { escapeConfmap } from '../../src/collector/pipeline';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';

const found = harness.findCollector() as { bin?: string; missing?: string };
const committedPath = join(harness.REPO, 'collector', 'config.yaml');

describe('OTTL spelling', () => {
  it('string literals keep quotes, backslashes and control characters as data', () => {
    expect(str('a"b')).toBe('"a\\"b"');
    expect(str('a\\b')).toBe('"a\\\\b"');
    expect(str('x\u0001\n')).toBe('"x\\u0001\\u000a"');
    expect(str('" or true or "')).toBe('"\\" or true or \\""');
  });

  it('escapes the collector config expansion so ${env:...} in a model name stays text', () => {
    expect(escapeConfmap('set(x, "${env:HOME}")')).toBe('set(x, "$${env:HOME}")');
  });

  it('FNV-1a 64 matches the published test vectors (OTTL FNV() returns it as int64)', () => {
    expect(fnv64a('')).toBe(BigInt.asIntN(64, 0xcbf29ce484222325n));
    expect(fnv64a('a')).toBe(BigInt.asIntN(64, 0xaf63dc4c8601ec8cn));
    expect(fnv64a('foobar')).toBe(BigInt.asIntN(64, 0x85944171f73967e8n));
    for (const s of ['', 'a', 'gpt-4o', '\u00000openai']) {
      const b = bucketOf(s, 41);
      expect(b).toBeGreaterThan(0);
      expect(b).toBeLessThan(82);
    }
  });

  it('the express group keeps names with key delimiters out of its key table (a needle could match inside them)', () => {
    const prices = ['plain-model', 'odd\u0004model', 'odd\u0001model'].map((model) => ({
      provider: 'openai',
      model,
      inputMtok: 1,
      outputMtok: 1,
      class: 'frontier_chat',
    }));
    const express = generateTransformProcessor({ config: { env: {}, prices } }).trace_statements[1].statements.join(
      '\n',
    );
    expect(express).toContain('plain-model');
    expect(express).not.toContain('odd\\u0004model');
    expect(express).not.toContain('odd\\u0001model');
  });

  it('a hostile model name in user config stays inside one OTTL string', () => {
    const hostile = 'x") where true\n- set(span.attributes["pwned"], "${env:HOME}';
    const t = generateTransformProcessor({
      config: { env: {}, prices: [{ provider: 'openai', model: hostile, inputMtok: 1, outputMtok: 1 }] },
    });
    const all = t.trace_statements.flatMap((g) => g.statements).join('\n');
    expect(all).not.toContain('"pwned"');
    expect(all).not.toMatch(/[^$]\$\{env:HOME/);
  });
});

describe('collector/config.yaml', () => {
  const fresh = generateCollectorConfig({ config: { env: {} } });

  it('is what the generator produces from the shipped data (regenerate: npm run build && node collector/generate-config.mjs)', () => {
    expect(readFileSync(committedPath, 'utf8') === fresh).toBe(true);
  });

  it('binds the OTLP receiver to loopback by default and exports to Jaeger or Honeycomb by environment', () => {
    const c = parse(fresh);
    expect(c.receivers.otlp.protocols.grpc.endpoint).toBe('${env:TOKENTAX_OTLP_GRPC_ENDPOINT:-127.0.0.1:4317}');
    expect(c.receivers.otlp.protocols.http.endpoint).toBe('${env:TOKENTAX_OTLP_HTTP_ENDPOINT:-127.0.0.1:4318}');
    expect(c.exporters['otlp/backend'].headers['x-honeycomb-team']).toBe('${env:HONEYCOMB_API_KEY:-}');
    expect(c.service.pipelines.traces.processors).toEqual(['memory_limiter', 'transform/tokentax', 'batch']);
    expect(c.service.pipelines.traces.exporters).toEqual(['otlp/backend', 'signal_to_metrics']);
    expect(c.service.pipelines.metrics.exporters).toEqual(['prometheus']);
  });

  it('is accepted by the built collector (Jaeger defaults, and Honeycomb settings)', async () => {
    expect(found.missing, 'the built collector is needed for this check').toBeUndefined();
    const jaeger = await harness.validateConfig(found.bin, fresh, {});
    expect(jaeger.output).toBe('');
    expect(jaeger.ok).toBe(true);
    const honeycomb = await harness.validateConfig(found.bin, fresh, {
      TOKENTAX_EXPORT_ENDPOINT: 'api.honeycomb.io:443',
      TOKENTAX_EXPORT_INSECURE: 'false',
      HONEYCOMB_API_KEY: 'hcaik_test',
    });
    expect(honeycomb.ok, honeycomb.output).toBe(true);
  }, 120_000);
});
