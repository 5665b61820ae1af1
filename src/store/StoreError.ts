/** Stable codes callers branch on; messages name the path and the fix. */
export type StoreErrorCode =
  /** The state directory cannot be created or written. */
  | 'state_dir_unwritable'
  /** Another monitor holds the state directory's lock. */
  | 'state_locked';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    /** The file or directory at fault. */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
