/**
 * Checks the pricing data files' shape before they are indexed, so a corrupt or hand-edited file
 * fails with the file and the field named (not "p.models is not iterable"), and a bad number can
 * never reach the engine as NaN. Only what the index and engine rely on is checked.
 */
export class PricingDataError extends Error {
  constructor(file: string, path: string, expected: string, got: unknown) {
    super(`tokentax pricing data ${file}: ${path || '(root)'}: expected ${expected}, got ${describe(got)}`);
    this.name = 'PricingDataError';
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? typeof v : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return typeof v;
  }
}

type Check = (v: unknown, path: string) => void;

export interface DataFileNames {
  prices: string;
  ratios: string;
  equivalence: string;
}

/** Throws PricingDataError naming the file and field of the first problem found. */
export function validatePricingSources(
  sources: { prices: unknown; ratios: unknown; equivalence: unknown },
  files: DataFileNames,
): void {
  validatePrices(sources.prices, files.prices);
  validateRatios(sources.ratios, files.ratios);
  validateEquivalence(sources.equivalence, files.equivalence);
}

function checks(file: string) {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new PricingDataError(file, path, expected, got);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : fail(path, 'an object', v);
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'a list', v));
  const str: Check = (v, path) => void (typeof v === 'string' && v !== '' ? v : fail(path, 'a non-empty string', v));
  const num: Check = (v, path) =>
    void (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(path, 'a finite number >= 0', v));
  const optional =
    (check: Check): Check =>
    (v, path) => {
      if (v !== undefined) check(v, path);
    };
  const strings: Check = (v, path) => arr(v, path).forEach((s, i) => str(s, `${path}[${i}]`));
  const recordOf =
    (check: Check): Check =>
    (v, path) => {
      for (const [k, x] of Object.entries(obj(v, path))) check(x, `${path}.${k}`);
    };
  return { fail, obj, arr, str, num, optional, strings, recordOf };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const TOKEN_PRICES = [
  'input_mtok',
  'cached_input_mtok',
  'cache_write_mtok',
  'output_mtok',
  'input_audio_mtok',
  'output_audio_mtok',
  'input_image_mtok',
  'output_image_mtok',
] as const;

function validatePrices(raw: unknown, file: string): void {
  const c = checks(file);
  const root = c.obj(raw, '');
  c.str(root.version, 'version');
  c.optional(c.recordOf(c.str))(root.provider_aliases, 'provider_aliases');
  for (const [providerId, p] of Object.entries(c.obj(root.providers, 'providers'))) {
    const pp = `providers.${providerId}`;
    const provider = c.obj(p, pp);
    c.optional(c.strings)(provider.fallback, `${pp}.fallback`);
    c.arr(provider.models, `${pp}.models`).forEach((m, i) => {
      const mp = `${pp}.models[${i}]`;
      const model = c.obj(m, mp);
      c.str(model.id, `${mp}.id`);
      c.strings(model.aliases, `${mp}.aliases`);
      c.optional(c.strings)(model.prefixes, `${mp}.prefixes`);
      for (const k of ['canonical', 'class', 'tokenizer']) c.optional(c.str)(model[k], `${mp}.${k}`);
      for (const k of ['window', 'max_input']) c.optional(c.num)(model[k], `${mp}.${k}`);
      c.arr(model.prices, `${mp}.prices`).forEach((period, j) =>
        validatePeriod(c, c.obj(period, `${mp}.prices[${j}]`), `${mp}.prices[${j}]`),
      );
    });
  }
}

function validatePeriod(c: ReturnType<typeof checks>, p: Record<string, unknown>, path: string): void {
  const from = p.effective_from;
  if (
    from !== undefined &&
    (typeof from !== 'string' || !DATE.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`)))
  ) {
    c.fail(`${path}.effective_from`, 'a date YYYY-MM-DD', from);
  }
  for (const k of [...TOKEN_PRICES, 'per_audio_minute', 'min_audio_seconds', 'min_usd'])
    c.optional(c.num)(p[k], `${path}.${k}`);
  if (p.per_request !== null) c.optional(c.num)(p.per_request, `${path}.per_request`);
  if (typeof p.per_image !== 'number') c.optional(c.recordOf(c.num))(p.per_image, `${path}.per_image`);
  else c.num(p.per_image, `${path}.per_image`);
  if (p.utc_windows !== undefined) {
    c.arr(p.utc_windows, `${path}.utc_windows`).forEach((w, i) => {
      const win = c.obj(w, `${path}.utc_windows[${i}]`);
      for (const k of ['from', 'to']) {
        const v = win[k];
        if (typeof v !== 'string' || !HHMM.test(v)) c.fail(`${path}.utc_windows[${i}].${k}`, 'a UTC time HH:MM', v);
      }
      for (const k of TOKEN_PRICES) c.optional(c.num)(win[k], `${path}.utc_windows[${i}].${k}`);
    });
  }
  if (p.tiers !== undefined) {
    c.arr(p.tiers, `${path}.tiers`).forEach((t, i) => {
      const tier = c.obj(t, `${path}.tiers[${i}]`);
      c.num(tier.min_input_tokens, `${path}.tiers[${i}].min_input_tokens`);
      for (const k of TOKEN_PRICES) c.optional(c.num)(tier[k], `${path}.tiers[${i}].${k}`);
    });
  }
}

function validateRatios(raw: unknown, file: string): void {
  const c = checks(file);
  const root = c.obj(raw, '');
  for (const [family, r] of Object.entries(c.obj(root.families, 'families'))) {
    if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0) c.fail(`families.${family}`, 'a finite number > 0', r);
  }
}

function validateEquivalence(raw: unknown, file: string): void {
  const c = checks(file);
  const root = c.obj(raw, '');
  c.recordOf(c.strings)(root.classes, 'classes');
  c.recordOf(c.str)(root.operation_classes, 'operation_classes');
  c.recordOf(c.str)(root.models, 'models');
  c.arr(root.scenarios, 'scenarios').forEach((s, i) => {
    const scenario = c.obj(s, `scenarios[${i}]`);
    c.str(scenario.id, `scenarios[${i}].id`);
    c.str(scenario.provider, `scenarios[${i}].provider`);
    c.optional(c.str)(scenario.model, `scenarios[${i}].model`);
  });
}
