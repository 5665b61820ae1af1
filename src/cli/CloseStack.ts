/** Stops one thing a command started: a server, a client, a timer. */
export type Closer = () => Promise<void> | void;

/**
 * What a long-running command has started, closed newest first when it stops (the traffic before
 * the checkout it calls, the checkout before the servers behind it): after a signal, at the end of
 * a run, or when start-up fails half-way.
 */
export class CloseStack {
  readonly #closers: Closer[] = [];

  push(close: Closer): void {
    this.#closers.push(close);
  }

  /**
   * Closes everything pushed so far, newest first, each once. One failure does not keep the rest
   * open: the failures come back for the caller to report (or not).
   */
  async close(): Promise<unknown[]> {
    const failures: unknown[] = [];
    for (const close of this.#closers.splice(0).reverse()) {
      try {
        await close();
      } catch (e) {
        failures.push(e);
      }
    }
    return failures;
  }
}
