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
const CACHE_LIMIT = 256;

export type EndpointResolver = (baseURL: string | undefined) => Endpoint;

/**
 * A resolver with its own small cache: clients are few and long-lived, so the URL is parsed once
 * per base URL, not on every call.
 * @param userNames host (or ".suffix") -> provider name, consulted first, so users can name
 *   self-hosted gateways (e.g. {"llm.internal": "vllm"}).
 */
export function endpointResolver(userNames?: Readonly<Record<string, string>>): EndpointResolver {
  const cache = new Map<string, Endpoint>();
  return (baseURL) => {
    const key = baseURL ?? DEFAULT_BASE_URL;
    let endpoint = cache.get(key);
    if (!endpoint) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      endpoint = Object.freeze(resolve(key, userNames));
      cache.set(key, endpoint);
    }
    return endpoint;
  };
}

const defaultResolver = endpointResolver();

export function endpointOf(baseURL: string | undefined, userNames?: Readonly<Record<string, string>>): Endpoint {
  return userNames ? resolve(baseURL ?? DEFAULT_BASE_URL, userNames) : defaultResolver(baseURL);
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
