/**
 * Percentiles in bounded memory. Up to EXACT_LIMIT values are kept as they are (small inputs get
 * exact nearest-rank percentiles); past that the sketch folds them into fixed log-spaced buckets
 * (ratio 1.01: any reported percentile is within 0.5% of a value whose rank is the true one).
 * Buckets are fixed, so two sketches merge by adding counts.
 */
const EXACT_LIMIT = 4096;
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);
/** Relative error bound of a percentile once values are bucketed (documented in docs and --help). */
export const SKETCH_RELATIVE_ERROR = Math.sqrt(RATIO) - 1; // geometric middle of a bucket: < 0.5%

export class QuantileSketch {
  count = 0;
  sum = 0;
  max = -Infinity;
  min = Infinity;
  private exact: number[] | undefined = [];
  private zeros = 0;
  private readonly buckets = new Map<number, number>();

  add(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) return;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
    if (value < this.min) this.min = value;
    if (this.exact) {
      this.exact.push(value);
      if (this.exact.length > EXACT_LIMIT) {
        const values = this.exact;
        this.exact = undefined;
        for (const v of values) this.bucket(v);
      }
      return;
    }
    this.bucket(value);
  }

  private bucket(value: number): void {
    if (value < 1) {
      this.zeros++;
      return;
    }
    const i = Math.floor(Math.log(value) / LOG_RATIO);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + 1);
  }

  merge(other: QuantileSketch): void {
    if (other.exact) {
      for (const v of other.exact) this.add(v);
      return;
    }
    if (this.exact) {
      const values = this.exact;
      this.exact = undefined;
      for (const v of values) this.bucket(v);
    }
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
    this.min = Math.min(this.min, other.min);
    this.zeros += other.zeros;
    for (const [i, n] of other.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
  }

  /** Numbers held: the values themselves while exact, then the number of buckets (bounded). */
  get stored(): number {
    return this.exact ? this.exact.length : this.buckets.size + 1;
  }

  get isExact(): boolean {
    return this.exact !== undefined;
  }

  /** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
  quantile(p: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    if (this.exact) {
      this.exact.sort((a, b) => a - b);
      return this.exact[rank - 1];
    }
    let seen = this.zeros;
    if (seen >= rank) return Math.min(this.max, Math.max(this.min, 0));
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const i of keys) {
      seen += this.buckets.get(i)!;
      if (seen >= rank) {
        // Geometric middle of the bucket, clamped to what was seen.
        const mid = Math.exp((i + 0.5) * LOG_RATIO);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }
}
