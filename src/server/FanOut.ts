/** What one broadcast does for one client (send a message, ping, resync). */
export type Delivery<C> = (client: C) => void;

export interface FanOutOptions<C> {
  /** The clients a batch goes to, read when the batch starts. */
  targets: () => C[];
  /** Deliveries (clients × items) made before yielding to the event loop. Default 256 (~5 ms on loopback). */
  slice?: number;
  /** Items waiting behind a running batch before they are folded into `overflow`. Default 1000. */
  maxItems?: number;
  /** Replaces a waiting batch that overflowed: one delivery that covers everything in it (a fresh snapshot). */
  overflow: () => Delivery<C>;
  /** Runs the rest of a batch later; default setImmediate, so that I/O (a /healthz) is served in between. */
  defer?: (fn: () => void) => void;
  /** A delivery threw: that client misses the item, the others still get it. */
  onError?: (error: unknown) => void;
}

interface Batch<C> {
  items: Delivery<C>[];
  /** Index in `items` of each keyed item, so a newer one replaces it (stats: only the latest matters). */
  keyed: Map<string, number>;
  folded: boolean;
}

/**
 * Broadcasts to thousands of clients a slice at a time: one decision sent to 8,000 sockets costs
 * ~150 ms of syscalls, which held every HTTP request that long. Items keep their order per client;
 * those pushed while a batch runs wait in the next one (two target lists at most, whatever the rate).
 * A batch to fewer clients than a slice is delivered within `push`, as a plain loop would.
 */
export class FanOut<C> {
  private readonly targets: () => C[];
  private readonly slice: number;
  private readonly maxItems: number;
  private readonly overflow: () => Delivery<C>;
  private readonly defer: (fn: () => void) => void;
  private readonly onError: (error: unknown) => void;
  private running: { batch: Batch<C>; clients: C[]; next: number } | null = null;
  private waiting: Batch<C> | null = null;
  private stopped = false;
  /** The next batch is due to start (deferred). */
  private scheduled = false;
  /** Waiting batches folded into one `overflow` delivery, since start. */
  folds = 0;

  constructor({
    targets,
    slice = 256,
    maxItems = 1000,
    overflow,
    defer = (fn) => setImmediate(fn),
    onError = () => {},
  }: FanOutOptions<C>) {
    this.targets = targets;
    this.slice = slice;
    this.maxItems = maxItems;
    this.overflow = overflow;
    this.defer = defer;
    this.onError = onError;
  }

  /** True while a batch is being delivered. */
  get busy(): boolean {
    return this.running !== null || this.scheduled;
  }

  /** Delivers `item` to every client after everything pushed before it; `key` replaces a waiting item of that key. */
  push(item: Delivery<C>, key?: string): void {
    if (this.stopped) return;
    if (this.busy) this.enqueue(item, key);
    else this.start({ ...batch<C>(), items: [item] });
  }

  /** Drops what is waiting and delivers nothing more. */
  stop(): void {
    this.stopped = true;
    this.running = null;
    this.waiting = null;
  }

  private enqueue(item: Delivery<C>, key: string | undefined): void {
    const w = (this.waiting ??= batch());
    // A folded batch's one delivery (a snapshot read when it starts) already covers what comes now.
    if (w.folded) return;
    const at = key === undefined ? undefined : w.keyed.get(key);
    if (at !== undefined) {
      w.items[at] = item;
      return;
    }
    if (w.items.length >= this.maxItems) {
      this.waiting = { ...batch<C>(), items: [this.overflow()], folded: true };
      this.folds++;
      return;
    }
    if (key !== undefined) w.keyed.set(key, w.items.length);
    w.items.push(item);
  }

  private start(batch: Batch<C>): void {
    this.running = { batch, clients: this.targets(), next: 0 };
    this.step();
  }

  private step(): void {
    const r = this.running;
    if (!r || this.stopped) return;
    const { items } = r.batch;
    const end = Math.min(
      r.clients.length,
      r.next + Math.max(1, Math.floor(this.slice / items.length)),
    );
    for (; r.next < end; r.next++)
      for (const item of items)
        try {
          item(r.clients[r.next]);
        } catch (e) {
          this.onError(e);
        }
    if (r.next < r.clients.length) {
      this.defer(() => this.step());
      return;
    }
    this.running = null;
    if (!this.waiting) return;
    // Yield before the next batch as between slices; what is pushed meanwhile joins it.
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      const waiting = this.waiting;
      this.waiting = null;
      if (waiting && !this.stopped) this.start(waiting);
    });
  }
}

function batch<C>(): Batch<C> {
  return { items: [], keyed: new Map(), folded: false };
}
