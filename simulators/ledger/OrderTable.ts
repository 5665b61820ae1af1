/**
 * A string-keyed table kept in insertion order, forgetting from the oldest end: what the OrderBook
 * needs for order numbers, faster than a Map under load. Open addressing with linear probing over
 * a typed array of 32-bit key hashes: a new key costs one probe of that array (one cache line,
 * usually) instead of a Map's bucket-and-chain walk that dereferences every key on the chain; the
 * value (which holds its key) is only read on a hash match. Insertion order is a queue beside it.
 */
export class OrderTable<V extends { readonly orderId: string }> {
  /** Key hash per slot, 0 for empty (a hash of 0 is stored as 1). */
  private hashes: Int32Array;
  private slots: (V | undefined)[];
  private mask: number;
  private count = 0;
  /** Values in insertion order; `head` is the oldest still held. */
  private order: (V | undefined)[] = [];
  private head = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.hashes = new Int32Array(cap);
    this.slots = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const h = hashOf(key);
    const hashes = this.hashes;
    for (let i = h & this.mask; hashes[i] !== 0; i = (i + 1) & this.mask) {
      if (hashes[i] === h) {
        const v = this.slots[i]!;
        if (v.orderId === key) return v;
      }
    }
    return undefined;
  }

  /** Adds a value whose key is not in the table (the caller has just seen {@link get} miss). */
  add(v: V): void {
    if ((this.count + 1) * 2 > this.hashes.length) this.grow();
    this.place(hashOf(v.orderId), v);
    this.count++;
    this.order.push(v);
  }

  /** The oldest value still held, if any. */
  oldest(): V | undefined {
    return this.head < this.order.length ? this.order[this.head] : undefined;
  }

  /** Forgets the oldest value. */
  dropOldest(): void {
    const v = this.order[this.head];
    if (v === undefined) return;
    this.order[this.head++] = undefined;
    // the queue's forgotten front is cut off once it is most of the array
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    this.remove(v);
  }

  /** Values in insertion order. */
  *values(): IterableIterator<V> {
    for (let i = this.head; i < this.order.length; i++) yield this.order[i]!;
  }

  private place(h: number, v: V): void {
    let i = h & this.mask;
    while (this.hashes[i] !== 0) i = (i + 1) & this.mask;
    this.hashes[i] = h;
    this.slots[i] = v;
  }

  /** Removes by backward shift (no tombstones): later entries of the probe run move up into the gap. */
  private remove(v: V): void {
    const hashes = this.hashes;
    const slots = this.slots;
    const mask = this.mask;
    let i = hashOf(v.orderId) & mask;
    while (slots[i] !== v) {
      if (hashes[i] === 0) return;
      i = (i + 1) & mask;
    }
    hashes[i] = 0;
    slots[i] = undefined;
    this.count--;
    for (let j = (i + 1) & mask; hashes[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j] & mask;
      // the entry at j may fill the gap at i unless its home lies cyclically within (i, j]
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      hashes[i] = hashes[j];
      slots[i] = slots[j];
      hashes[j] = 0;
      slots[j] = undefined;
      i = j;
    }
  }

  private grow(): void {
    const old = this.slots;
    const oldHashes = this.hashes;
    this.hashes = new Int32Array(oldHashes.length * 2);
    this.slots = new Array<V | undefined>(oldHashes.length * 2).fill(undefined);
    this.mask = this.hashes.length - 1;
    for (let i = 0; i < old.length; i++) if (oldHashes[i] !== 0) this.place(oldHashes[i], old[i]!);
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
