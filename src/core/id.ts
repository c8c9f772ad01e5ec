/**
 * Run ids are ULIDs (https://github.com/ulid/spec): a 48-bit millisecond
 * timestamp followed by 80 bits from the platform's CSPRNG, in Crockford
 * base32. Lexicographic order is time order, and two browser tabs writing into
 * the same folder cannot realistically collide (2^-80 per millisecond).
 *
 * Within one tab we use the monotonic factory: ids minted in the same
 * millisecond increment the random part, so they still sort in creation order.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeTime, monotonicFactory, type ULIDFactory } from 'ulid';

const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A source of run ids; one per tab (or per test). */
export type RunIdFactory = (now?: number) => string;

/**
 * The platform's CSPRNG as `ulid` wants it (a number in [0, 1) per
 * character), drawn 256 bytes at a time: `ulid`'s own source calls
 * `getRandomValues` once per character, 16 calls per id: about 0.09 ms of
 * each run's start in the capture benchmark's profile.
 */
export function pooledRandom(
  fill: (bytes: Uint8Array) => void = bytes => {
    globalThis.crypto.getRandomValues(bytes);
  }
): () => number {
  const pool = new Uint8Array(256);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      fill(pool);
      next = 0;
    }
    return pool[next++] / 256;
  };
}

/** Create an independent monotonic id source. */
export function createRunIdFactory(): RunIdFactory {
  const factory: ULIDFactory = monotonicFactory(
    typeof globalThis.crypto?.getRandomValues === 'function'
      ? pooledRandom()
      : undefined
  );
  return (now?: number) => factory(now);
}

/** The tab-wide id source. */
export const newRunId: RunIdFactory = createRunIdFactory();

/** Whether `id` is a well-formed run id (and so safe to use as a file name). */
export function isRunId(id: unknown): id is string {
  return typeof id === 'string' && ULID_PATTERN.test(id);
}

/** The creation time encoded in a run id, in ms since the epoch. */
export function runIdTime(id: string): number {
  return decodeTime(id);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The run id of one execute request, the same whoever records it: a ULID
 * whose time is the request's date (ms) and whose 80 random bits are the
 * first 10 bytes of sha256("jupyterlab-runs/run:" + msg_id). The kernel's
 * journal derives it too (jupyterlab_runs/_journal.py `run_id`), so a run
 * this page records and the same run rebuilt from the journal by another
 * page are one file, never two. msg_ids are random UUIDs: the 80 bits are
 * as unique as a minted ULID's.
 */
export function runIdForRequest(msgId: string, dateMs: number): string {
  const digest = sha256(
    new TextEncoder().encode(`jupyterlab-runs/run:${msgId}`)
  );
  const ms = Math.max(0, Math.min(Math.trunc(dateMs), 2 ** 48 - 1));
  let out = '';
  for (let i = 9; i >= 0; i--) {
    out += CROCKFORD[Math.floor(ms / 2 ** (5 * i)) % 32];
  }
  // 80 bits, 5 at a time, most significant first.
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | digest[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(acc >> bits) & 31];
      acc &= (1 << bits) - 1;
    }
  }
  return out;
}
