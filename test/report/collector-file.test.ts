/**
 * The OpenTelemetry Collector's own file exporter writes what `tokentax report` reads: the fixture's
 * OTLP requests go through a real collector (built from collector/builder-config.yaml by
 * collector/build.sh; loopback only) into its `file` exporter, and the report of that file
 * equals the report of the fixture. Without the binary the test fails with the build command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReport } from '../../src/report';
import { waitFor } from '../alerts/support';
// @ts-expect-error plain ESM helper without types
import * as harness from '../../collector/harness.mjs';
import {
  CALLS,
  DUPLICATE,
  NOT_GENAI,
  callAttributes,
  otlpLine,
  reportFigures,
  reportPricing,
  tempDir,
  writeFixture,
} from './helpers';

describe("report on the Collector's file exporter output", () => {
  it('reads the collector-written OTLP JSON lines with the same figures', async () => {
    const found = harness.findCollector() as { bin?: string; missing?: string };
    expect(found.bin, found.missing).toBeDefined();
    const port = await harness.freePort();
    const out = join(tempDir(), 'collector-spans.jsonl');
    const config = `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${port} } } }
exporters:
  file: { path: ${JSON.stringify(out)}, flush_interval: 100ms }
service:
  telemetry: { metrics: { level: none } }
  pipelines:
    traces: { receivers: [otlp], exporters: [file] }
`;
    const collector = await harness.startCollector({ bin: found.bin, config, httpPort: port });
    try {
      const all = CALLS.map(callAttributes);
      for (const body of [
        otlpLine(all.slice(0, 3), 0),
        otlpLine(all.slice(3, 6), 3),
        otlpLine(all.slice(6), 6),
        otlpLine([DUPLICATE, NOT_GENAI], 8),
      ]) {
        const res = await harness.post(port, '/v1/traces', body);
        expect(res.status, res.body).toBe(200);
      }
      await waitFor('the file exporter to write 10 spans', 15_000, async () => {
        if (!existsSync(out)) return undefined;
        const spans = readFileSync(out, 'utf8')
          .split('\n')
          .filter(Boolean)
          .flatMap((l) =>
            JSON.parse(l).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)),
          );
        return spans.length >= 10 ? true : undefined;
      });
    } finally {
      await collector.stop();
    }
    const pricing = reportPricing();
    const fromCollector = await createReport([out], { pricing });
    const fromFixture = await createReport([writeFixture(tempDir())], { pricing });
    expect(fromCollector.inputs[0]).toMatchObject({ format: 'otlp-jsonl', spans: 10, corruptLines: 0 });
    expect(reportFigures(fromCollector)).toEqual(reportFigures(fromFixture));
  }, 60_000);
});
