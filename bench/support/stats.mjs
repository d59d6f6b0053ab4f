// The benchmarks' statistics: medians, and how far a ratio can be trusted on a noisy machine (a
// bootstrap over the paired rounds).

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A small seeded PRNG (mulberry32), so a run's interval does not change when it is printed again. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * median(a) / median(b) and its central `level` interval: rounds are resampled with replacement, the
 * same rounds for both (they ran interleaved, so a round's noise is shared), and the ratio taken
 * again; resamples where b's median is at or below zero give no ratio and are left out. `low`/`high`
 * are NaN when fewer than half the resamples give one.
 */
export function bootstrapRatio(a, b, { resamples = 2000, level = 0.8, seed = 1 } = {}) {
  const next = random(seed);
  const n = a.length;
  const ratios = [];
  const ia = new Array(n);
  const ib = new Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(next() * n);
      ia[i] = a[k];
      ib[i] = b[k];
    }
    const mb = median(ib);
    if (mb > 0) ratios.push(median(ia) / mb);
  }
  const mb = median(b);
  const ratio = mb > 0 ? median(a) / mb : NaN;
  if (ratios.length < resamples / 2) return { ratio, low: NaN, high: NaN };
  ratios.sort((x, y) => x - y);
  const at = (q) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  return { ratio, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}
