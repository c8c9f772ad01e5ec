/**
 * This tab's writer id: the name of the manifest shards it writes
 * (`manifest-<writer-id>.json`). Minted once per tab and kept across
 * reloads in `sessionStorage`, so a reloaded tab goes on writing its own
 * shard rather than leaving one behind per page load.
 *
 * A tab the browser duplicates (or one opened from this page) starts with
 * a copy of this tab's `sessionStorage`, and so with its writer id. Two
 * open tabs with one writer id would write one shard file, each over the
 * other's, and a full write of one would delete the other's segments. So
 * the id is leased while its page is open: the lease is taken at load and
 * given back on `pagehide` (a reload, a navigation, the tab closed), and a
 * page that finds the lease taken (a copy made while the first page was
 * open) mints an id of its own. A page that crashed never gave its lease
 * back: its next load mints a new id too, which costs only a new shard.
 */
import { newRunId } from '../core/id';

const WRITER_KEY = 'jupyterlab-runs:writer-id';
const LEASE_KEY = 'jupyterlab-runs:writer-id-open';
const WRITER_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** What `writerId` needs of the page (`window` by default). */
export interface IWriterIdPage {
  sessionStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  addEventListener(
    type: 'pagehide' | 'pageshow',
    listener: (event: { persisted?: boolean }) => void
  ): void;
}

/** This page's writer id, leased until the page goes away. */
export function writerId(page: IWriterIdPage = window): string {
  let storage: IWriterIdPage['sessionStorage'];
  let id: string;
  try {
    storage = page.sessionStorage;
    const known = storage.getItem(WRITER_KEY);
    const leased = storage.getItem(LEASE_KEY) !== null;
    id = known && WRITER_ID.test(known) && !leased ? known : newRunId();
    storage.setItem(WRITER_KEY, id);
    storage.setItem(LEASE_KEY, id);
  } catch {
    return newRunId(); // storage disabled: a writer per page load
  }
  page.addEventListener('pagehide', () => {
    try {
      storage.removeItem(LEASE_KEY);
    } catch {
      // Nothing to give back.
    }
  });
  // Back from the browser's back-forward cache: open again.
  page.addEventListener('pageshow', event => {
    if (event.persisted) {
      try {
        storage.setItem(LEASE_KEY, id);
      } catch {
        // As above.
      }
    }
  });
  return id;
}
