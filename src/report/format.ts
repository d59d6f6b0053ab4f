/** Number formatting shared by the renderers and the recommendation text. */
import type { ProfileRow } from './report-data';

export function usd(v: number): string {
  if (!Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a === 0) return '$0';
  if (a >= 100) return `$${v.toFixed(0)}`;
  if (a >= 1) return `$${v.toFixed(2)}`;
  if (a >= 0.01) return `$${v.toFixed(3)}`;
  // Per-request prices are often fractions of a cent: keep three significant digits.
  return `$${v.toPrecision(3)}`;
}

export function tokens(v: number): string {
  if (!Number.isFinite(v)) return '-';
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 1)}M`;
  if (v >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(Math.round(v));
}

export function pct(v: number): string {
  if (!Number.isFinite(v)) return '-';
  return `${(v * 100).toFixed(v < 0.1 && v > 0 ? 1 : 0)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** A request-profile row's figures after its model and request count: input and output p50/p90/p99, large share. */
export function profileCells(p: ProfileRow): string[] {
  const { input: i, output: o } = p;
  return [i.p50, i.p90, i.p99, o.p50, o.p90, o.p99].map(tokens).concat(pct(p.largeShare));
}
