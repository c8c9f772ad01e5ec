/**
 * How a runs folder (or a notebook's folder) is listed. The Contents API
 * builds a full model per entry, about 0.35 ms each on the server: 3.5 s
 * for 10,000 runs and over two minutes for 100,000, the largest part of a
 * first visit's wait. The server extension's
 * `GET <base>/jupyterlab-runs/api/listing?path=` gives the same entries
 * and the same times about 16 times faster (`jupyterlab_runs/_server/
 * listing.py`, whose pytest compares the two answers entry by entry).
 * Its `&content=0` is a folder's stat: a folder deleted by hand answers
 * 200 "does not exist" there, where the Contents API can only say 404 (a
 * red line in the console every 2.5 s while a watched folder is gone).
 *
 * Without the extension (JupyterLite, another server) the endpoint answers
 * 404; that is learnt once per page, and every listing goes through the
 * Contents API from then on, as it always could.
 *
 * Stats go through the writer worker when there is one (`background`):
 * the page makes two per saved run to tell its own writes apart
 * (`OwnWrites`), and each cost its main thread about 1.5 ms as a request
 * of its own. Listings stay on the main thread: their answer would be
 * copied from the worker at about the cost of parsing it here.
 */
import { URLExt } from '@jupyterlab/coreutils';
import type { Contents, ServerConnection } from '@jupyterlab/services';
import { getJson } from './backgroundSaver';
import { isNotFound } from './contentsErrors';

/** Lists folders. */
export interface IFolderLister {
  /** The folder's model with its entries, or null when it does not exist. */
  list(folder: string): Promise<Contents.IModel | null>;
  /**
   * The folder's model without its entries (its time), or null when it
   * does not exist. Asked `since` a time of the folder's, a lister that
   * can tell adds `changed` to the model: the folder's files changed since,
   * each with its time (`OwnWrites`).
   */
  stat(folder: string, since?: string): Promise<Contents.IModel | null>;
  /**
   * Whether a stat costs the page's main thread next to nothing (it is
   * made by a worker): the run store then checks its own writes in every
   * folder, not only in large ones (`OwnWrites`).
   */
  readonly statsInBackground?: boolean;
  /**
   * The URL the writer worker GETs for a stat of `folder` (a batch of
   * writes reads it around them: `IFileSaver.writeBatch`); null when
   * stats are not made in the background.
   */
  backgroundStatUrl?(folder: string): string | null;
}

/** Lists through the Contents API. */
export class ContentsFolderLister implements IFolderLister {
  constructor(contents: Contents.IManager) {
    this._contents = contents;
  }

  list(folder: string): Promise<Contents.IModel | null> {
    return this._get(folder, true);
  }

  /** A stat; a missing folder answers 404 here (nothing else tells). */
  stat(folder: string): Promise<Contents.IModel | null> {
    return this._get(folder, false);
  }

  private async _get(
    folder: string,
    content: boolean
  ): Promise<Contents.IModel | null> {
    try {
      return await this._contents.get(folder, { content });
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  private _contents: Contents.IManager;
}

/** Lists through the server extension, or the Contents API without it. */
export class ServerFolderLister implements IFolderLister {
  constructor(options: ServerFolderLister.IOptions) {
    this._settings = options.settings;
    this._fallback = new ContentsFolderLister(options.contents);
    this._background = options.background ?? null;
  }

  get statsInBackground(): boolean {
    return !this._absent && this._background?.inBackground === true;
  }

  list(folder: string): Promise<Contents.IModel | null> {
    return this._get(folder, true);
  }

  /**
   * A stat that answers a missing folder with a 200, not a 404; `since`, the
   * files changed since then too.
   */
  stat(folder: string, since?: string): Promise<Contents.IModel | null> {
    return this._get(folder, false, since);
  }

  backgroundStatUrl(folder: string): string | null {
    return this.statsInBackground && servable(folder)
      ? this._url(folder, false)
      : null;
  }

  private _url(folder: string, content: boolean, since?: string): string {
    // The endpoint's URL is joined once: `URLExt.join` parses the base URL
    // (about 0.5 ms a call in the execution-cost benchmark's profile, two
    // stats per saved run).
    this._endpoint ??= URLExt.join(
      this._settings.baseUrl,
      'jupyterlab-runs',
      'api',
      'listing'
    );
    return (
      this._endpoint +
      URLExt.objectToQueryString({
        path: folder,
        content: content ? 1 : 0,
        ...(since === undefined ? {} : { since })
      })
    );
  }

  private async _get(
    folder: string,
    content: boolean,
    since?: string
  ): Promise<Contents.IModel | null> {
    const fallback = () =>
      content ? this._fallback.list(folder) : this._fallback.stat(folder);
    if (this._absent || !servable(folder)) {
      return fallback();
    }
    const url = this._url(folder, content, since);
    // A stat through the writer worker when there is one (else null).
    const asked = content ? null : (this._background?.get(url) ?? null);
    let answer: IListingAnswer;
    try {
      answer = (await (asked ??
        getJson(url, this._settings))) as IListingAnswer;
    } catch (error) {
      const status = (error as { response?: { status?: unknown } })?.response
        ?.status;
      if (typeof status !== 'number') {
        throw error; // the server could not be reached
      }
      if (status === 404) {
        this._absent = true;
      }
      // A path it refused or a server error: the Contents API decides.
      return fallback();
    }
    if (answer.listed !== true) {
      // A contents manager without files on disk: nothing to list fast.
      this._absent = true;
      return fallback();
    }
    if (answer.exists !== true) {
      return null;
    }
    const model = answer.model;
    if (
      !model ||
      typeof model.last_modified !== 'string' ||
      (content && !Array.isArray(model.content))
    ) {
      return fallback();
    }
    return model;
  }

  private _absent = false;
  private _endpoint: string | null = null;
  private _background: ServerFolderLister.IBackground | null;
  private _fallback: ContentsFolderLister;
  private _settings: ServerConnection.ISettings;
}

export namespace ServerFolderLister {
  export interface IOptions {
    settings: ServerConnection.ISettings;
    /** The Contents API, for the fallback. */
    contents: Contents.IManager;
    /** Makes the stats off the main thread (a `BackgroundSaver`). */
    background?: IBackground;
  }

  /** What the lister needs of the writer worker. */
  export interface IBackground {
    /** Whether requests go through the worker now. */
    readonly inBackground: boolean;
    /**
     * The JSON answer of a GET; rejected with `response.status` as a
     * failed write is, or a `TypeError` when the server is unreachable.
     * Null when there is no worker.
     */
    get(url: string): Promise<unknown> | null;
  }
}

/**
 * Whether the endpoint can answer for `folder`: not another drive's path
 * (`Drive:folder`, not on the server's disk), not the root (refused).
 */
function servable(folder: string): boolean {
  return !/^[^/]*:/.test(folder) && folder !== '';
}

/** The endpoint's answer. */
interface IListingAnswer {
  listed?: boolean;
  exists?: boolean;
  model?: Contents.IModel;
}
