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
  readonly problems: string[] = [];

  allow(pattern: RegExp, why: string): void {
    void why; // For the reader: every allowance says why.
    this._allowed.push(pattern);
  }

  watch(page: Page): void {
    page.on('response', (response: Response) => {
      if (response.status() >= 400) {
        this.problems.push(
          `HTTP ${response.status()} ${response.request().method()} ${path(response.url())}`
        );
      }
    });
    page.on('requestfailed', (request: Request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      if (!ABORTED.test(failure)) {
        this.problems.push(
          `request ${failure} ${request.method()} ${path(request.url())}`
        );
      }
    });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') {
        this.problems.push(`console.error ${message.text()}`);
      }
    });
    page.on('pageerror', (error: Error) => {
      this.problems.push(`pageerror ${error.message}`);
    });
  }

  /** The problems no allowance covers. */
  unexpected(): string[] {
    return this.problems.filter(
      line => !this._allowed.some(pattern => pattern.test(line))
    );
  }

  private _allowed: RegExp[] = [];
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
    // Set up on the context alone, so it is in place before Galata opens
    // its page and loads JupyterLab: failures during the load count too.
    async ({ context }, use) => {
      const quiet = new QuietConsole();
      for (const existing of context.pages()) {
        quiet.watch(existing);
      }
      context.on('page', opened => quiet.watch(opened));
      await use(quiet);
      expect(
        quiet.unexpected(),
        'failed requests and console errors during the test'
      ).toEqual([]);
    },
    { auto: true }
  ]
});
