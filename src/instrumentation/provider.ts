/**
 * The provider of a call is whatever the client's base URL says: the OpenAI SDK also talks to Together,
 * Fireworks, OpenRouter, Oxlo, DeepSeek, Groq, Mistral, xAI, Gemini and Azure through `baseURL`. The
 * host rules are data (src/pricing/data/providers.json); the user's map (providerHosts) comes first.
 * A host neither knows is `_OTHER`: the host itself stays in server.address, and metric labels stay
 * bounded. The cost engine may still price such a call by inference (tokentax.provider.inferred).
 */
import { DATA_DIR } from '../pricing/data';
import { createHostMap, readHostsFile, type HostMap, type HostsFile } from '../pricing/hosts';
import { PROVIDER } from '../semconv';

export interface Endpoint {
  provider: string;
  address: string;
  port: number;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const CACHE_LIMIT = 256;

let shippedData: HostsFile | undefined;
/** Read once, on the first client seen; a broken file names no provider rather than break the app. */
function shipped(): HostsFile {
  if (!shippedData) {
    try {
      shippedData = readHostsFile(DATA_DIR);
    } catch {
      shippedData = { version: '', hosts: [] };
    }
  }
  return shippedData;
}

export type EndpointResolver = (baseURL: string | undefined) => Endpoint;

/**
 * A resolver with its own small cache: clients are few and long-lived, so the URL is parsed once
 * per base URL, not on every call.
 * @param userNames host (or ".suffix") -> provider name, consulted first, so users can name
 *   self-hosted gateways (e.g. {"llm.internal": "vllm"}).
 */
export function endpointResolver(userNames?: Readonly<Record<string, string>>): EndpointResolver {
  const cache = new Map<string, Endpoint>();
  let hosts: HostMap | undefined;
  return (baseURL) => {
    const key = baseURL ?? DEFAULT_BASE_URL;
    let endpoint = cache.get(key);
    if (!endpoint) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      hosts ??= createHostMap(shipped(), userNames);
      endpoint = Object.freeze(resolve(key, hosts));
      cache.set(key, endpoint);
    }
    return endpoint;
  };
}

const defaultResolver = endpointResolver();

export function endpointOf(baseURL: string | undefined, userNames?: Readonly<Record<string, string>>): Endpoint {
  return userNames
    ? resolve(baseURL ?? DEFAULT_BASE_URL, createHostMap(shipped(), userNames))
    : defaultResolver(baseURL);
}

function resolve(baseURL: string, hosts: HostMap): Endpoint {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return { provider: PROVIDER.other, address: '', port: 0 };
  }
  const host = url.hostname.toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { provider: hosts.match(host, url.pathname)?.provider ?? PROVIDER.other, address: host, port };
}

/** The provider a host (and optionally a URL path) names, or `_OTHER`. */
export function providerOfHost(host: string, userNames?: Readonly<Record<string, string>>, path?: string): string {
  return createHostMap(shipped(), userNames).match(host, path)?.provider ?? PROVIDER.other;
}
