/**
 * The collector pipeline for the tokentax OpenTelemetry Collector distribution (collector/): the
 * shipped collector/config.yaml, whose `tokentax` processor prices spans in Go from the same data as
 * src/pricing. With the user's tokentax config file, the processor reads that file (config_file), so
 * scenarios, flat request prices and equivalence are configured once for both halves.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config';

/** collector/config.yaml, reached the same way from src/collector and dist/collector. */
export const COLLECTOR_CONFIG = join(__dirname, '..', '..', 'collector', 'config.yaml');

export interface CollectorConfigOptions {
  /** The user's tokentax config file (JSON or YAML); validated here, read by the processor at start. */
  configFile?: string;
}

/** The collector configuration (YAML text). Throws ConfigError when the config file is invalid. */
export function collectorConfig(options: CollectorConfigOptions = {}): string {
  const text = readFileSync(COLLECTOR_CONFIG, 'utf8');
  if (!options.configFile) return text;
  const file = resolve(options.configFile);
  loadConfig({ file, env: {} }); // a bad file fails now, with the field named, not at collector start
  // JSON string syntax is valid YAML; "$" doubled so the collector does not expand it as ${...}.
  const quoted = JSON.stringify(file).replace(/\$/g, '$$$$');
  return text.replace(/^ {2}tokentax: \{\}$/m, () => `  tokentax:\n    config_file: ${quoted}`);
}
