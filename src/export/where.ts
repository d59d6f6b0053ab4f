/**
 * One line telling a user where the spans of this process go, as tokentax/register sends them:
 * what the examples and the demo print at the end.
 */
import { loadConfig, type ResolvedConfig } from '../config';

/** The local stack's Jaeger UI (collector/ local-stack script); any OTLP backend works the same. */
export const JAEGER_UI = 'http://localhost:16686';

export function describeSpanDestination(config: ResolvedConfig = loadConfig()): string {
  const traces = config.export.traces;
  const places: string[] = [];
  if (config.spansFile)
    places.push(`written to ${config.spansFile}; read them with: npx tokentax report ${config.spansFile}`);
  if (traces?.includes('console')) places.push('printed above (OTEL_TRACES_EXPORTER=console)');
  if (traces ? traces.includes('otlp') : !config.spansFile) {
    places.push(`sent over OTLP to ${config.export.otlpTracesEndpoint} (with the local stack running: ${JAEGER_UI})`);
  }
  return `spans: ${places.length ? places.join('; and ') : 'not exported (OTEL_TRACES_EXPORTER=none)'}`;
}
