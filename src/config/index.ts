/**
 * loadConfig(): the one way tokentax gets its configuration. Precedence (later wins): defaults
 * (./options) < the file named by code or TOKENTAX_CONFIG (JSON or YAML) < environment variables
 * (./env) < options in code. A bad file or bad code options throw a ConfigError naming the field;
 * a bad environment variable is ignored with one warning line.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { configFromEnv, ENV, exportFromEnv, warnOnce, type Env, type Warn } from './env';
import { DEFAULTS, type ResolvedConfig, type TokentaxConfig } from './options';
import { ConfigError, validate } from './validate';

export * from './options';
export { ConfigError } from './validate';
export { ENV, parseBoolean, parseWholeNumber, type Env, type Warn } from './env';

export interface LoadConfigOptions extends TokentaxConfig {
  /** Config file path; defaults to $TOKENTAX_CONFIG. */
  file?: string;
  /** Environment to read (defaults to process.env). */
  env?: Env;
  /** Where warnings about ignored environment values go (default: one line on stderr, once). */
  warn?: Warn;
}

/** Loads, merges and validates configuration. Throws ConfigError on a bad file or bad code options. */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const { file: fileOption, env = process.env, warn = warnOnce, ...code } = options;
  const file = fileOption ?? (env[ENV.config]?.trim() || undefined);
  const layers = [
    file ? validate(readConfigFile(file), `file ${file}`) : {},
    configFromEnv(env, warn),
    validate(code as Record<string, unknown>, 'options'),
  ];
  const resolved: ResolvedConfig = {
    prices: [],
    requestPrices: {},
    equivalence: {},
    ...DEFAULTS,
    bloat: { ...DEFAULTS.bloat },
    providerHosts: {},
    export: exportFromEnv(env),
  };
  if (file) resolved.file = file;
  for (const layer of layers) merge(resolved, layer);
  return resolved;
}

function merge(resolved: ResolvedConfig, layer: TokentaxConfig): void {
  const { prices, requestPrices, equivalence, bloat, providerHosts, ...plain } = layer;
  for (const [key, value] of Object.entries(plain)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  if (prices) resolved.prices.push(...prices);
  for (const [provider, models] of Object.entries(requestPrices ?? {})) {
    resolved.requestPrices[provider] = { ...resolved.requestPrices[provider], ...models };
  }
  if (equivalence?.classes) resolved.equivalence.classes = { ...resolved.equivalence.classes, ...equivalence.classes };
  if (equivalence?.models) resolved.equivalence.models = { ...resolved.equivalence.models, ...equivalence.models };
  Object.assign(resolved.bloat, bloat);
  Object.assign(resolved.providerHosts, providerHosts);
}

/** Reads a config file named explicitly: unreadable or unparsable -> ConfigError (fail fast). */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`file ${file}`, '', 'a readable file', (err as NodeJS.ErrnoException).code ?? String(err));
  }
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(text);
    return parseYaml(text); // YAML is a superset of JSON, so any other extension parses both
  } catch (err) {
    throw new ConfigError(
      `file ${file}`,
      '',
      ext === '.json' ? 'valid JSON' : 'valid YAML or JSON',
      (err as Error).message.split('\n')[0],
    );
  }
}

/** The YAML parser loads only when a YAML file is read: it costs more at import than all of tokentax. */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as typeof import('yaml')).parse(text);
}
