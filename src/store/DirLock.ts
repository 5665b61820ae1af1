import { hostname } from 'node:os';
import { join } from 'node:path';
import type { StoreFs } from './StoreFs.ts';
import { StoreError } from './StoreError.ts';

export const LOCK_FILE = 'switchyard.lock';

interface LockBody {
  pid: number;
  host: string;
  startedAt: number;
}

/** Whether a process of this machine with that pid runs (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One monitor per state directory: a lock file made with O_EXCL holding the owner's pid and host.
 * A lock whose process is gone (kill -9, a crash, a reboot) is stale and taken over; a live
 * one, or one from another host that cannot be checked, is refused with the owner named.
 */
export class DirLock {
  private held = true;
  private constructor(
    private readonly fs: StoreFs,
    readonly path: string,
    /** The pid of a stale lock taken over, if there was one. */
    readonly tookOverFrom: number | null,
  ) {}

  static acquire(fs: StoreFs, dir: string, now: number, alive = pidAlive): DirLock {
    const path = join(dir, LOCK_FILE);
    const body: LockBody = { pid: process.pid, host: hostname(), startedAt: now };
    let stale: number | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(path, JSON.stringify(body) + '\n', { flag: 'wx' });
        return new DirLock(fs, path, stale);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(fs, path);
      if (owner && (owner.host !== body.host || alive(owner.pid)))
        throw new StoreError(
          'state_locked',
          path,
          `state directory ${dir} is in use by pid ${owner.pid} on ${owner.host} (lock ${path}): ` +
            `stop that monitor or give this one another --state-dir; if no monitor runs there, delete ${path}`,
        );
      // Gone (or unreadable, a torn write of a lock): stale, take it over.
      stale = owner?.pid ?? -1;
      fs.rmSync(path, { force: true });
    }
    throw new StoreError(
      'state_locked',
      path,
      `state directory ${dir}: another monitor took the lock ${path} just now; start only one per directory`,
    );
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    const owner = readOwner(this.fs, this.path);
    if (owner?.pid === process.pid) this.fs.rmSync(this.path, { force: true });
  }
}

function readOwner(fs: StoreFs, path: string): LockBody | null {
  try {
    const b = JSON.parse(fs.readFileSync(path, 'utf8')) as LockBody;
    return Number.isInteger(b.pid) && typeof b.host === 'string' ? b : null;
  } catch {
    return null;
  }
}
