/**
 * When a runs folder must be listed again: the pure rules behind
 * revalidating a folder from its own modification time (docs/RUN_FOLDER.md,
 * "Opening a history").
 *
 * A directory's modification time changes when an entry is added, removed
 * or replaced (POSIX), and jupyter_server's save writes a `.~name` copy
 * beside the file and removes it, so even a file rewritten in place touches
 * its folder. Asking the Contents API for the folder without content
 * (`content: false`) returns that time without listing the folder, so a
 * folder whose time did not move needs no listing.
 */

/**
 * A folder time this close to the page's clock may hide a second change
 * made within the same tick of the file system's clock (a few ms on ext4),
 * after the listing was taken: such a folder is listed once more at the next
 * check, even if its time did not move. Generous, to cover a server clock
 * a few seconds off; a server clock further off than this shortens the
 * window (the change then shows at the next change to the folder).
 */
export const RACY_STAMP_MS = 10_000;

/**
 * Whether a folder time is too recent to prove that nothing changed after
 * the listing it came with (as git's "racy" index entries).
 */
export function isRacyStamp(
  lastModified: string,
  now: number,
  windowMs: number = RACY_STAMP_MS
): boolean {
  const t = Date.parse(lastModified);
  return Number.isNaN(t) || Math.abs(now - t) < windowMs;
}

/**
 * Background listings of one folder use at most this share of the server's
 * time: a listing that took 2 s waits 20 s before the next one, while one
 * that took 20 ms may follow at the next poll. Asked-for listings (a user's
 * reload, a caller that needs the folder as it is now) are not held back.
 */
export const LISTING_DUTY_CYCLE = 0.1;

/** When the next background listing may start, after one that took `ms`. */
export function nextListingAt(
  finishedAt: number,
  tookMs: number,
  duty: number = LISTING_DUTY_CYCLE
): number {
  return finishedAt + Math.max(0, tookMs) * (1 / duty - 1);
}

/**
 * How much later than this page's last write (its answer's time plus the
 * request's duration, `OwnWrites`) a folder's time may be and still be that
 * write's: the file system's clock ticks (a few ms on ext4).
 */
export const OWN_WRITE_SLACK_MS = 50;

/**
 * Whether a folder time read right after this page's writes (`after`) is
 * theirs: no later than the latest of their answers' times (`latestOwn`,
 * epoch ms, server clock) plus `slackMs`. Only meaningful when the folder's
 * time just before those writes was the one the page's view holds
 * (`OwnWrites`).
 */
export function isOwnChange(
  after: string,
  latestOwn: number,
  slackMs: number = OWN_WRITE_SLACK_MS
): boolean {
  const t = Date.parse(after);
  return (
    Number.isFinite(t) && Number.isFinite(latestOwn) && t <= latestOwn + slackMs
  );
}
