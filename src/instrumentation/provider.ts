/**
 * The provider of a call is whatever the client's base URL says: the OpenAI SDK also talks to
 * Together, Fireworks, OpenRouter, Oxlo and Azure through `baseURL`.
 */
import { PROVIDER } from '../semconv';

export interface Endpoint {
  provider: string;
  address: string;
  port: number;
}

/** Known hosts: exact names, then suffixes (Azure resources live under per-customer sub-domains). */
const EXACT_HOSTS: Record<string, string> = {
  'api.openai.com': PROVIDER.openai,
  'api.together.xyz': PROVIDER.together,
  'api.together.ai': PROVIDER.together,
  'api.fireworks.ai': PROVIDER.fireworks,
  'openrouter.ai': PROVIDER.openrouter,
  'api.oxlo.ai': PROVIDER.oxlo,
};
const HOST_SUFFIXES: Array<[string, string]> = [
  ['.openai.azure.com', PROVIDER.azure],
  ['.cognitiveservices.azure.com', PROVIDER.azure],
];

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const cache = new Map<string, Endpoint>();
const CACHE_LIMIT = 256;

/**
 * @param userNames host (or ".suffix") -> provider name, consulted first, so users can name
 *   self-hosted gateways (e.g. {"llm.internal": "vllm"}).
 */
export function endpointOf(baseURL: string | undefined, userNames?: Readonly<Record<string, string>>): Endpoint {
  const key = baseURL ?? DEFAULT_BASE_URL;
  const hit = userNames ? undefined : cache.get(key);
  if (hit) return hit;
  const endpoint = resolve(key, userNames);
  if (!userNames) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, endpoint);
  }
  return endpoint;
}

function resolve(baseURL: string, userNames?: Readonly<Record<string, string>>): Endpoint {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return { provider: 'unknown', address: '', port: 0 };
  }
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { provider: providerOfHost(host, userNames), address: host, port };
}

export function providerOfHost(host: string, userNames?: Readonly<Record<string, string>>): string {
  if (userNames) {
    const named = lookup(host, userNames);
    if (named) return named;
  }
  return lookup(host, EXACT_HOSTS) ?? suffixMatch(host, HOST_SUFFIXES) ?? host;
}

function lookup(host: string, names: Readonly<Record<string, string>>): string | undefined {
  if (Object.prototype.hasOwnProperty.call(names, host)) return names[host];
  for (const [pattern, name] of Object.entries(names)) {
    if (pattern.startsWith('.') && host.endsWith(pattern)) return name;
  }
  return undefined;
}

function suffixMatch(host: string, suffixes: Array<[string, string]>): string | undefined {
  for (const [suffix, name] of suffixes) if (host.endsWith(suffix)) return name;
  return undefined;
}
