/**
 * Run ids are ULIDs (https://github.com/ulid/spec): a 48-bit millisecond
 * timestamp followed by 80 bits from the platform's CSPRNG, in Crockford
 * base32. Lexicographic order is time order, and two browser tabs writing into
 * the same folder cannot realistically collide (2^-80 per millisecond).
 *
 * Within one tab we use the monotonic factory: ids minted in the same
 * millisecond increment the random part, so they still sort in creation order.
 */
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
