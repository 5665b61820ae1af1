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
  /**
   * Values in insertion order, a ring: `head` is the oldest still held, `count` long. Each one's
   * hash beside it, so forgetting the oldest does not hash its key again.
   */
  private queue: (V | undefined)[];
  private queueHashes: Int32Array;
  private head = 0;
  /** The key of the last {@link get} that missed, its hash and the empty slot its probe ended on: where {@link add} puts it. */
  private missKey: string | undefined;
  private missHash = 0;
  private missSlot = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.hashes = new Int32Array(cap);
    this.slots = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    this.queue = new Array<V | undefined>(cap / 2).fill(undefined);
    this.queueHashes = new Int32Array(cap / 2);
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const h = hashOf(key);
    const hashes = this.hashes;
    let i = h & this.mask;
    for (; hashes[i] !== 0; i = (i + 1) & this.mask) {
      if (hashes[i] === h) {
        const v = this.slots[i]!;
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
    if ((this.count + 1) * 2 > this.hashes.length) this.grow();
    let h: number;
    if (v.orderId === this.missKey) {
      // the probe of the miss just before ended on this key's slot: nothing has moved since
      h = this.missHash;
      this.hashes[this.missSlot] = h;
      this.slots[this.missSlot] = v;
    } else {
      h = hashOf(v.orderId);
      this.place(h, v);
    }
    this.missKey = undefined;
    if (this.count === this.queue.length) this.growQueue();
    const at = (this.head + this.count) & (this.queue.length - 1);
    this.queue[at] = v;
    this.queueHashes[at] = h;
    this.count++;
  }

  /** The oldest value still held, if any. */
  oldest(): V | undefined {
    return this.count > 0 ? this.queue[this.head] : undefined;
  }

  /** Forgets the oldest value. */
  dropOldest(): void {
    if (this.count === 0) return;
    const v = this.queue[this.head]!;
    const h = this.queueHashes[this.head];
    this.queue[this.head] = undefined;
    this.head = (this.head + 1) & (this.queue.length - 1);
    this.remove(v, h);
  }

  /** Values in insertion order. */
  *values(): IterableIterator<V> {
    const n = this.count;
    const qmask = this.queue.length - 1;
    for (let k = 0; k < n; k++) yield this.queue[(this.head + k) & qmask]!;
  }

  private place(h: number, v: V): void {
    let i = h & this.mask;
    while (this.hashes[i] !== 0) i = (i + 1) & this.mask;
    this.hashes[i] = h;
    this.slots[i] = v;
  }

  /** Removes by backward shift (no tombstones): later entries of the probe run move up into the gap. */
  private remove(v: V, h: number): void {
    this.missKey = undefined;
    const hashes = this.hashes;
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
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
    this.missKey = undefined;
    const old = this.slots;
    const oldHashes = this.hashes;
    this.hashes = new Int32Array(oldHashes.length * 2);
    this.slots = new Array<V | undefined>(oldHashes.length * 2).fill(undefined);
    this.mask = this.hashes.length - 1;
    for (let i = 0; i < old.length; i++) if (oldHashes[i] !== 0) this.place(oldHashes[i], old[i]!);
  }

  /** Doubles the ring, the oldest first. */
  private growQueue(): void {
    const n = this.count;
    const qmask = this.queue.length - 1;
    const queue = new Array<V | undefined>(this.queue.length * 2).fill(undefined);
    const queueHashes = new Int32Array(this.queue.length * 2);
    for (let k = 0; k < n; k++) {
      queue[k] = this.queue[(this.head + k) & qmask];
      queueHashes[k] = this.queueHashes[(this.head + k) & qmask];
    }
    this.queue = queue;
    this.queueHashes = queueHashes;
    this.head = 0;
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
