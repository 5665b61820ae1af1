/**
 * A string-keyed table kept in insertion order, forgetting from the oldest end: what the OrderBook
 * needs for order numbers, faster than a Map under load. The values sit in a ring in insertion
 * order; the index is open addressing with linear probing over one typed array of (key hash,
 * insertion number) pairs, so a probe reads one cache line and a value is only read on a hash
 * match. A new key costs that one line and a write at the ring's tail; forgetting the oldest reads
 * the ring's head and one line of the index (its hash is kept beside it in the ring).
 */
export class OrderTable<V extends { readonly orderId: string }> {
  /** Per slot: [2i] the key's hash (0: empty; a hash of 0 is stored as 1), [2i + 1] the value's insertion number. */
  private index: Int32Array;
  /** Slots in the index - 1 (a power of two minus one). */
  private mask: number;
  /** Values by insertion number (number & ringMask), the oldest at `first`, `count` of them; each one's hash beside it. */
  private ring: (V | undefined)[];
  private ringHashes: Int32Array;
  private ringMask: number;
  /** The insertion number of the oldest value held; they count on from it (32-bit, wrapping). */
  private first = 0;
  private count = 0;
  /** The key of the last {@link get} that missed, its hash and the empty slot its probe ended on: where {@link add} puts it. */
  private missKey: string | undefined;
  private missHash = 0;
  private missSlot = 0;

  /** @param firstNumber The first value's insertion number (tests start near 2^31 to cross the wrap). */
  constructor(capacity = 1024, firstNumber = 0) {
    this.first = firstNumber | 0;
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.index = new Int32Array(slots * 2);
    this.mask = slots - 1;
    this.ring = new Array<V | undefined>(slots / 2).fill(undefined);
    this.ringHashes = new Int32Array(slots / 2);
    this.ringMask = slots / 2 - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const h = hashOf(key);
    const index = this.index;
    const mask = this.mask;
    let i = h & mask;
    for (; index[2 * i] !== 0; i = (i + 1) & mask) {
      if (index[2 * i] === h) {
        const v = this.ring[index[2 * i + 1] & this.ringMask]!;
        if (v.orderId === key) return v;
      }
    }
    this.missKey = key;
    this.missHash = h;
    this.missSlot = i;
    return undefined;
  }

  /** Adds a value whose key is not in the table (the caller has just seen {@link get} miss). */
  add(v: V): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    if (this.count === this.ring.length) this.growRing();
    const n = (this.first + this.count) | 0;
    let h: number;
    let i: number;
    if (v.orderId === this.missKey) {
      // the probe of the miss just before ended on this key's slot: nothing has moved since
      h = this.missHash;
      i = this.missSlot;
    } else {
      h = hashOf(v.orderId);
      i = this.freeSlot(h);
    }
    this.missKey = undefined;
    this.index[2 * i] = h;
    this.index[2 * i + 1] = n;
    this.ring[n & this.ringMask] = v;
    this.ringHashes[n & this.ringMask] = h;
    this.count++;
  }

  /** The oldest value still held, if any. */
  oldest(): V | undefined {
    return this.count > 0 ? this.ring[this.first & this.ringMask] : undefined;
  }

  /** Forgets the oldest value. */
  dropOldest(): void {
    if (this.count === 0) return;
    const at = this.first & this.ringMask;
    const h = this.ringHashes[at];
    this.ring[at] = undefined;
    this.removeFromIndex(h, this.first);
    this.first = (this.first + 1) | 0;
    this.count--;
  }

  /** Values in insertion order. */
  *values(): IterableIterator<V> {
    for (let k = 0; k < this.count; k++) yield this.ring[(this.first + k) & this.ringMask]!;
  }

  private freeSlot(h: number): number {
    let i = h & this.mask;
    while (this.index[2 * i] !== 0) i = (i + 1) & this.mask;
    return i;
  }

  /** Removes insertion number `n` (hash `h`) by backward shift (no tombstones): later entries of the probe run move up into the gap. */
  private removeFromIndex(h: number, n: number): void {
    this.missKey = undefined;
    const index = this.index;
    const mask = this.mask;
    let i = h & mask;
    while (index[2 * i + 1] !== n || index[2 * i] !== h) {
      if (index[2 * i] === 0) return;
      i = (i + 1) & mask;
    }
    index[2 * i] = 0;
    for (let j = (i + 1) & mask; index[2 * j] !== 0; j = (j + 1) & mask) {
      const home = index[2 * j] & mask;
      // the entry at j may fill the gap at i unless its home lies cyclically within (i, j]
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      index[2 * i] = index[2 * j];
      index[2 * i + 1] = index[2 * j + 1];
      index[2 * j] = 0;
      i = j;
    }
  }

  private grow(): void {
    this.missKey = undefined;
    const old = this.index;
    this.index = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue;
      const j = this.freeSlot(old[i]);
      this.index[2 * j] = old[i];
      this.index[2 * j + 1] = old[i + 1];
    }
  }

  /** Doubles the ring; a value's place is still its insertion number & ringMask. */
  private growRing(): void {
    const ring = new Array<V | undefined>(this.ring.length * 2).fill(undefined);
    const ringHashes = new Int32Array(this.ring.length * 2);
    const mask = ring.length - 1;
    for (let k = 0; k < this.count; k++) {
      const n = (this.first + k) | 0;
      ring[n & mask] = this.ring[n & this.ringMask];
      ringHashes[n & mask] = this.ringHashes[n & this.ringMask];
    }
    this.ring = ring;
    this.ringHashes = ringHashes;
    this.ringMask = mask;
  }
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so the low bits (the slot) spread; never 0 (0 marks an empty slot). */
function hashOf(key: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}
