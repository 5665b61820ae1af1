/** How many stream connections a monitor holds: past these, a new one is closed with 1013. */
export interface ConnectionCapOptions {
  /** Stream connections in all. Default {@link DEFAULT_MAX_CLIENTS}: far below the process's file limit. */
  maxClients?: number;
  /** Stream connections from one remote address (a NAT'd fleet shares one). Default {@link DEFAULT_MAX_PER_ADDRESS}. */
  maxClientsPerAddress?: number;
}

export const DEFAULT_MAX_CLIENTS = 4096;
export const DEFAULT_MAX_PER_ADDRESS = 1024;

/** WebSocket close code 1013, "try again later": the client backs off and reconnects. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Connection slots, in all and per remote address: taken on accept, given back on close. */
export class ConnectionCaps {
  private total = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly max: number;
  private readonly perAddress: number;

  constructor({
    maxClients = DEFAULT_MAX_CLIENTS,
    maxClientsPerAddress = DEFAULT_MAX_PER_ADDRESS,
  }: ConnectionCapOptions = {}) {
    this.max = maxClients;
    this.perAddress = maxClientsPerAddress;
  }

  /** Takes a slot for `address`; returns which cap is full instead when one is. */
  take(address: string): 'total' | 'address' | null {
    if (this.total >= this.max) return 'total';
    const n = this.byAddress.get(address) ?? 0;
    if (n >= this.perAddress) return 'address';
    this.total++;
    this.byAddress.set(address, n + 1);
    return null;
  }

  release(address: string): void {
    const n = this.byAddress.get(address) ?? 0;
    if (n <= 0) return;
    this.total--;
    if (n === 1) this.byAddress.delete(address);
    else this.byAddress.set(address, n - 1);
  }
}
