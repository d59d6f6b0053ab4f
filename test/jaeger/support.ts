/** What the tests under test/jaeger share: the app's OTLP environment and Jaeger's query API. */
import { expect } from 'vitest';
import { get, waitFor } from '../alerts/support';

export interface Tag {
  key: string;
  type: string;
  value: unknown;
}
export interface Trace {
  traceID: string;
  spans: Array<{ operationName: string; startTime: number; tags: Tag[] }>;
}

/** What startJaeger in collector/harness.mjs (an untyped module) returns. */
export interface Jaeger {
  /** The query API's base URL. */
  api: string;
  ports: { ui: number; grpc: number; otlpGrpc: number; otlpHttp: number };
  stop(): Promise<void>;
  logs(): string;
}

/** test/jaeger/app.cjs's environment: the simulator, and traces only, as OTLP/HTTP to `endpoint`. */
export const appEnv = (simURL: string, service: string, endpoint: string): Record<string, string> => ({
  SIM_URL: simURL,
  OTEL_SERVICE_NAME: service,
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
});

/** The ids of the traces /api/traces finds for these exact-match tags (URL-encoded as the UI does). */
export async function searchTraceIds(api: string, service: string, tags: Record<string, string>): Promise<Set<string>> {
  const res = await get(
    `${api}/api/traces?service=${service}&limit=100&tags=${encodeURIComponent(JSON.stringify(tags))}`,
  );
  expect(res.status, res.body).toBe(200);
  const body = JSON.parse(res.body) as { data: Trace[]; errors: unknown };
  expect(body.errors).toBeNull();
  return new Set(body.data.map((t) => t.traceID));
}

/** Waits until Jaeger holds at least `count` traces of `service`, and returns them. */
export function waitForTraces(api: string, service: string, count: number, timeoutMs: number): Promise<Trace[]> {
  return waitFor(`${count} traces in Jaeger`, timeoutMs, async () => {
    const res = await get(`${api}/api/traces?service=${service}&limit=100`);
    const data = (JSON.parse(res.body) as { data: Trace[] }).data;
    return data.length >= count ? data : undefined;
  });
}
