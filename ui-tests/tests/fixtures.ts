/**
 * Galata's `test`, with a quiet-console check on every test: each page of
 * the test's browser context is watched for HTTP responses of 400 or more,
 * requests that failed outright, console errors and uncaught page errors,
 * and the test fails at its end if any were seen that it did not expect.
 *
 * A normal session must leave no red line in the browser console (issue
 * #15): an extension that checks whether a file exists by asking for it
 * and getting a 404 prints one each time. Tests that provoke failures on
 * purpose (a killed server, hostile files) say which ones they expect with
 * `quiet.allow(pattern, why)`; everything else still counts.
 *
 * Every spec imports `test` and `expect` from here, not from Galata.
 */
import { expect, test as galata } from '@jupyterlab/galata';
import type { ConsoleMessage, Page, Request, Response } from '@playwright/test';

export { expect };
export type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/** What a test may say about the failures it provokes. */
export interface IQuietConsole {
  /** Expect failures whose text (see `problems`) matches `pattern`. */
  allow(pattern: RegExp, why: string): void;
  /** What has been seen so far, one line each. */
  readonly problems: readonly string[];
}

/**
 * Requests a page cancels itself are not failures: a reload or a closed
 * page aborts what is in flight (kernel websockets, long polls).
 */
const ABORTED = /net::ERR_ABORTED|NS_BINDING_ABORTED/;

class QuietConsole implements IQuietConsole {
  get problems(): readonly string[] {
    return this._problems;
  }

  allow(pattern: RegExp, why: string): void {
    void why; // For the reader: every allowance says why.
    this._allowed.push(pattern);
  }

  watch(page: Page): void {
    const stacks = STACKS ? recordInitiators(page) : null;
    page.on('response', (response: Response) => {
      if (response.status() >= 400) {
        const where = stacks?.get(response.url()) ?? '';
        this._note(
          `HTTP ${response.status()} ${response.request().method()} ${path(response.url())}${where}`
        );
      }
    });
    page.on('requestfailed', (request: Request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      if (!ABORTED.test(failure)) {
        this._note(
          `request ${failure} ${request.method()} ${path(request.url())}`
        );
      }
    });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') {
        this._note(`console.error ${message.text()}`);
      }
    });
    page.on('pageerror', (error: Error) => {
      this._note(`pageerror ${error.message}`);
    });
  }

  private _note(line: string): void {
    if (!this._stopped) {
      this._problems.push(line);
    }
  }

  /** Stop counting (the test is over; its folder is deleted next). */
  stop(): void {
    this._stopped = true;
  }

  /** The problems no allowance covers. */
  unexpected(): string[] {
    return this._problems.filter(
      line => !this._allowed.some(pattern => pattern.test(line))
    );
  }

  private _problems: string[] = [];
  private _allowed: RegExp[] = [];
  private _stopped = false;
}

/**
 * Set `RUNS_QUIET_STACKS=1` to learn which code made a failing request:
 * the JavaScript stack of each request's initiator, from the DevTools
 * protocol, is appended to its line.
 */
const STACKS = !!process.env.RUNS_QUIET_STACKS;

interface ICallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface IStack {
  callFrames: ICallFrame[];
  parent?: IStack;
}

/** The initiator stack of each request a page sends, by URL. */
function recordInitiators(page: Page): Map<string, string> {
  const stacks = new Map<string, string>();
  void page
    .context()
    .newCDPSession(page)
    .then(async session => {
      session.on('Network.requestWillBeSent', event => {
        const frames: string[] = [];
        for (
          let stack = event.initiator.stack as IStack | undefined;
          stack && frames.length < 12;
          stack = stack.parent
        ) {
          for (const f of stack.callFrames) {
            frames.push(
              `${f.functionName || '?'} (${f.url.split('/').pop()}:${f.lineNumber + 1})`
            );
          }
        }
        stacks.set(event.request.url, `\n    at ${frames.join('\n    at ')}`);
      });
      await session.send('Network.enable');
    })
    .catch(() => undefined);
  return stacks;
}

/** A URL without its origin and query (tokens, cache busters). */
function path(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return url;
  }
}

export const test = galata.extend<{ quiet: IQuietConsole }>({
  quiet: [
    // Set up before Galata opens its page and loads JupyterLab (failures
    // during the load count too), and after the test's folder is made:
    // so it is checked, and stops counting, before Galata deletes that
    // folder under the still open page (whose 404s are not the test's).
    async ({ context, tmpPath }, use) => {
      void tmpPath;
      const quiet = new QuietConsole();
      for (const existing of context.pages()) {
        quiet.watch(existing);
      }
      context.on('page', opened => quiet.watch(opened));
      await use(quiet);
      quiet.stop();
      expect(
        quiet.unexpected(),
        'failed requests and console errors during the test'
      ).toEqual([]);
    },
    { auto: true }
  ]
});
