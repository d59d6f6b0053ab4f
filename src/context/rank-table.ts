/**
 * A BPE rank table in typed arrays: token bytes -> rank, looked up by a range of a byte string (one
 * char per byte). A Map of 200k short strings kept ~27 MB alive on the JS heap, and V8 sizes its old
 * generation as a multiple of what is alive, so a busy process carried several times that in RSS; here
 * the same table is ~5 MB of array buffers, outside the collected heap.
 */
export class RankTable {
  private bytes = new Uint8Array(1 << 20);
  /** Token i's bytes are bytes[starts[i], starts[i + 1]). */
  private starts = new Int32Array(1 << 16);
  private ranks = new Int32Array(1 << 16);
  private count = 0;
  /** Open addressing: token index + 1 per slot, 0 when empty; built by seal(). */
  private slots = new Int32Array(1);
  private mask = 0;

  /** Appends a token (its bytes, 0-255); lookups need seal() after the last add. */
  add(tokenBytes: readonly number[], rank: number): void {
    const at = this.starts[this.count];
    if (this.count + 2 > this.starts.length) {
      this.starts = grow(this.starts);
      this.ranks = grow(this.ranks);
    }
    while (at + tokenBytes.length > this.bytes.length) this.bytes = grow(this.bytes);
    this.bytes.set(tokenBytes, at);
    this.ranks[this.count] = rank;
    this.count++;
    this.starts[this.count] = at + tokenBytes.length;
  }

  /** Builds the hash index (twice as many slots as tokens, a power of two). */
  seal(): void {
    for (const _ of this.sealing(Infinity)) void _;
  }

  /** seal() in steps of `tokensPerStep` tokens, so a loader can yield to the event loop in between. */
  *sealing(tokensPerStep: number): Generator<0, void, void> {
    let size = 1;
    while (size < this.count * 2) size <<= 1;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let t = 0; t < this.count; t++) {
      let slot = this.hash(this.starts[t], this.starts[t + 1]) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = t + 1;
      if ((t + 1) % tokensPerStep === 0) yield 0;
    }
  }

  /** The rank of the token whose bytes are s[start, end), or undefined. */
  get(s: string, start = 0, end = s.length): number | undefined {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    const length = end - start;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot];
      if (entry === 0) return undefined;
      const t = entry - 1;
      const from = this.starts[t];
      if (this.starts[t + 1] - from !== length) continue;
      let i = 0;
      while (i < length && this.bytes[from + i] === s.charCodeAt(start + i)) i++;
      if (i === length) return this.ranks[t];
    }
  }

  has(s: string, start = 0, end = s.length): boolean {
    return this.get(s, start, end) !== undefined;
  }

  private hash(from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ this.bytes[i], 0x01000193);
    return h;
  }
}

function grow<T extends Uint8Array | Int32Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
