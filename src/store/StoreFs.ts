import * as fs from 'node:fs';

/** The synchronous file calls a disk store makes: node:fs, or a wrapper that fails on cue (tests). */
export type StoreFs = Pick<
  typeof fs,
  | 'mkdirSync'
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'ftruncateSync'
  | 'readFileSync'
  | 'writeFileSync'
  | 'renameSync'
  | 'rmSync'
  | 'existsSync'
  | 'statSync'
>;

export const nodeFs: StoreFs = fs;
