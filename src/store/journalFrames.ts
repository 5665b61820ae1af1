import { crc32 } from 'node:zlib';

/**
 * The journal's framing: each record is `MAGIC | length (u32 LE) | crc32(length ‖ payload) (u32
 * LE) | payload` with a UTF-8 JSON payload. The checksum covers the length, so a torn or flipped
 * length is caught like a torn payload; the magic lets a reader find the next record after a
 * damaged stretch instead of losing the rest of the file.
 */
export const MAGIC = Buffer.from('SYJ1', 'latin1');
export const HEADER_BYTES = 12;
/** Larger lengths are damage, not records (a snapshot of 10 000 decisions is ~5 MB). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  MAGIC.copy(frame, 0);
  frame.writeUInt32LE(body.length, 4);
  body.copy(frame, HEADER_BYTES);
  frame.writeUInt32LE(checksum(frame, body.length), 8);
  return frame;
}

function checksum(frame: Buffer, length: number): number {
  return crc32(frame.subarray(HEADER_BYTES, HEADER_BYTES + length), crc32(frame.subarray(4, 8)));
}

export interface ReadFrames {
  /** Payloads of the intact records, in file order, each with the offset just past it. */
  records: Array<{ payload: string; end: number }>;
  /** Damaged stretches passed over (a torn tail counts as one). */
  skipped: number;
  /** Of those, the ones with an intact record after them: damage inside the history, not a torn last write. */
  inner: number;
  skippedBytes: number;
  /** Offset just past the last intact record (0 when none). */
  validEnd: number;
}

/** Every intact record of `buf`; damage is skipped up to the next record that checks out. */
export function readFrames(buf: Buffer): ReadFrames {
  const out: ReadFrames = { records: [], skipped: 0, inner: 0, skippedBytes: 0, validEnd: 0 };
  let at = 0;
  let damagedFrom = -1;
  const endDamage = (to: number) => {
    if (damagedFrom < 0) return;
    out.skipped++;
    out.skippedBytes += to - damagedFrom;
    damagedFrom = -1;
  };
  while (at < buf.length) {
    const length = intactAt(buf, at);
    if (length < 0) {
      if (damagedFrom < 0) damagedFrom = at;
      const next = buf.indexOf(MAGIC, at + 1);
      at = next < 0 ? buf.length : next;
      continue;
    }
    if (damagedFrom >= 0) out.inner++;
    endDamage(at);
    const end = at + HEADER_BYTES + length;
    out.records.push({ payload: buf.toString('utf8', at + HEADER_BYTES, end), end });
    out.validEnd = end;
    at = end;
  }
  endDamage(buf.length);
  return out;
}

/** The payload length of an intact record at `at`, or -1. */
function intactAt(buf: Buffer, at: number): number {
  if (buf.length - at < HEADER_BYTES || !buf.subarray(at, at + 4).equals(MAGIC)) return -1;
  const length = buf.readUInt32LE(at + 4);
  if (length > MAX_RECORD_BYTES || at + HEADER_BYTES + length > buf.length) return -1;
  const frame = buf.subarray(at, at + HEADER_BYTES + length);
  return checksum(frame, length) === buf.readUInt32LE(at + 8) ? length : -1;
}
