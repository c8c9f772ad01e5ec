/**
 * Asks the server extension which symbolic links lead out of a runs folder
 * (`GET <base>/jupyterlab-runs/api/links?path=`, see
 * `jupyterlab_runs/_server/`). Without the extension the endpoint answers
 * 404: that is expected (the extension is optional for JupyterLite and
 * other servers), so it is asked once per page and the answer remembered;
 * every later check says "not checked" without a request, and callers stay
 * on the safe side (docs/RUN_FOLDER.md, "Links").
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { parseLinkAnswer, type LinkCheck } from '../core/history/links';

/** Checks a runs folder for links leading out of it. */
export interface ILinkChecker {
  check(folder: string): Promise<LinkCheck>;
}

/** For stores without a server (tests, other drives): nothing is checked. */
export const NO_LINK_CHECK: ILinkChecker = {
  check: async () => ({
    checked: false,
    reason: 'links are not checked here'
  })
};

/** The English reason given when the server has no jupyterlab-runs extension. */
export const NO_SERVER_EXTENSION =
  'the jupyterlab-runs server extension is not enabled, so symbolic links cannot be checked';

export class ServerLinkChecker implements ILinkChecker {
  constructor(options: ServerLinkChecker.IOptions) {
    this._settings = options.settings;
  }

  /**
   * The page's checker for these server settings: one per page, so the
   * store and the exports ask (and learn that the extension is absent) once.
   */
  static forSettings(settings: ServerConnection.ISettings): ServerLinkChecker {
    let checker = CHECKERS.get(settings);
    if (!checker) {
      checker = new ServerLinkChecker({ settings });
      CHECKERS.set(settings, checker);
    }
    return checker;
  }

  async check(folder: string): Promise<LinkCheck> {
    if (this._absent) {
      return { checked: false, reason: NO_SERVER_EXTENSION };
    }
    if (/^[^/]*:/.test(folder)) {
      // A path of another drive (`Drive:folder`): not on the server's disk.
      return {
        checked: false,
        reason: `${folder} is not on the server's disk`
      };
    }
    const url =
      URLExt.join(this._settings.baseUrl, 'jupyterlab-runs', 'api', 'links') +
      URLExt.objectToQueryString({ path: folder });
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'GET' },
        this._settings
      );
    } catch (error) {
      return {
        checked: false,
        reason: `links could not be checked: ${error instanceof Error ? error.message : String(error)}`
      };
    }
    if (response.status === 404) {
      this._absent = true;
      return { checked: false, reason: NO_SERVER_EXTENSION };
    }
    if (!response.ok) {
      return {
        checked: false,
        reason: `links could not be checked (HTTP ${response.status})`
      };
    }
    try {
      return parseLinkAnswer(await response.json());
    } catch {
      return { checked: false, reason: 'the server answered something else' };
    }
  }

  private _absent = false;
  private _settings: ServerConnection.ISettings;
}

const CHECKERS = new WeakMap<ServerConnection.ISettings, ServerLinkChecker>();

export namespace ServerLinkChecker {
  export interface IOptions {
    settings: ServerConnection.ISettings;
  }
}
