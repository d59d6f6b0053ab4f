/**
 * Host -> provider, as data (src/pricing/data/providers.json) plus the user's map (providerHosts,
 * TOKENTAX_PROVIDER_HOSTS). The instrumentation names a call's provider with it from the client's base
 * URL; the cost engine (and the Go processor, collector/tokentaxprocessor/provider.go, with the same
 * rules) prices a span from server.address when gen_ai.provider.name names no priced provider.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PricingDataError } from './validate-data';

export interface HostRule {
  /** Exact host name (lower case). */
  host?: string;
  /** Domain suffix starting with "." (per-customer sub-domains, e.g. ".openai.azure.com"). */
  suffix?: string;
  /** URL path prefix: the rule applies only when the path is known and starts with it. */
  path?: string;
  provider: string;
  source: string;
  retrieved: string;
}

export interface HostsFile {
  version: string;
  /** Providers that resell others' models under the same names: inference prefers any other match. */
  resellers?: string[];
  hosts: HostRule[];
}

/** Where a host belongs: the user's map wins over the shipped rules. */
export interface HostMatch {
  provider: string;
  /** Named by the user's map (its names are the user's word, priced or not). */
  byUser: boolean;
}

export interface HostMap {
  /** The provider of `host` (any case), or undefined; `path` only when the URL's path is known. */
  match(host: string, path?: string): HostMatch | undefined;
  /** Provider names the user's map gives (so a span that already carries one is taken at its word). */
  readonly userProviders: ReadonlySet<string>;
  /** Providers inference passes over when another provider has the same model name. */
  readonly resellers: ReadonlySet<string>;
}

export function readHostsFile(dataDir: string): HostsFile {
  const file = join(dataDir, 'providers.json');
  let data: HostsFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as HostsFile;
  } catch (err) {
    throw new PricingDataError(file, '', 'a readable JSON file', (err as Error).message);
  }
  validateHosts(data, file);
  return data;
}

function validateHosts(data: HostsFile, file: string): void {
  if (!data || !Array.isArray(data.hosts)) throw new PricingDataError(file, 'hosts', 'an array', typeof data?.hosts);
  if (
    data.resellers !== undefined &&
    !(Array.isArray(data.resellers) && data.resellers.every((r) => typeof r === 'string'))
  )
    throw new PricingDataError(file, 'resellers', 'an array of provider ids', JSON.stringify(data.resellers));
  data.hosts.forEach((r, i) => {
    const at = `hosts[${i}]`;
    if ((typeof r.host === 'string') === (typeof r.suffix === 'string'))
      throw new PricingDataError(file, at, 'exactly one of host and suffix', JSON.stringify(r));
    if (typeof r.suffix === 'string' && !r.suffix.startsWith('.'))
      throw new PricingDataError(file, `${at}.suffix`, 'a suffix starting with "."', r.suffix);
    if (r.path !== undefined && (typeof r.path !== 'string' || !r.path.startsWith('/')))
      throw new PricingDataError(file, `${at}.path`, 'a path starting with "/"', String(r.path));
    if (typeof r.provider !== 'string' || r.provider === '')
      throw new PricingDataError(file, `${at}.provider`, 'a provider name', String(r.provider));
    if (typeof r.source !== 'string' || !r.source.startsWith('https://'))
      throw new PricingDataError(file, `${at}.source`, 'an https URL', String(r.source));
  });
}

/**
 * @param user host (or ".suffix") -> provider name, consulted first.
 */
export function createHostMap(
  data: Pick<HostsFile, 'hosts' | 'resellers'>,
  user: Readonly<Record<string, string>> = {},
): HostMap {
  const rules = data.hosts;
  const userExact = new Map<string, string>();
  const userSuffixes: Array<[string, string]> = [];
  for (const [pattern, name] of Object.entries(user)) {
    const key = pattern.trim().toLowerCase();
    if (key.startsWith('.')) userSuffixes.push([key, name]);
    else userExact.set(key, name);
  }
  userSuffixes.sort((a, b) => b[0].length - a[0].length); // the most specific suffix wins
  const userProviders = new Set(Object.values(user).map((n) => n.trim().toLowerCase()));
  return {
    userProviders,
    resellers: new Set(data.resellers ?? []),
    match(rawHost, path) {
      const host = rawHost.trim().toLowerCase();
      const named = userExact.get(host) ?? userSuffixes.find(([s]) => host.endsWith(s))?.[1];
      if (named !== undefined) return { provider: named, byUser: true };
      const lowerPath = path?.toLowerCase();
      for (const r of rules) {
        if (r.host !== undefined ? host !== r.host : !host.endsWith(r.suffix as string)) continue;
        if (r.path !== undefined && !(lowerPath !== undefined && underPath(lowerPath, r.path))) continue;
        return { provider: r.provider, byUser: false };
      }
      return undefined;
    },
  };
}

function underPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}
