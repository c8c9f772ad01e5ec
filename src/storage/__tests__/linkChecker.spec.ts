import { NO_SERVER_EXTENSION, ServerLinkChecker } from '../linkChecker';
import { BASE, fakeServer, response } from './fakeServer';

/** A checker over a fetch that answers `answer` and records the URLs. */
function checker(answer: (url: string) => Response) {
  const { settings, urls } = fakeServer(answer);
  return { links: new ServerLinkChecker({ settings }), urls };
}

describe('ServerLinkChecker', () => {
  it('should ask the extension’s endpoint with the folder as the query', async () => {
    const link = {
      path: 'a b/x?.runs/trash',
      role: 'entry',
      scope: 'root',
      kind: 'directory'
    };
    const { links, urls } = checker(() =>
      response(200, { checked: true, complete: true, links: [link] })
    );
    expect(await links.check('a b/x?.runs')).toEqual({
      checked: true,
      complete: true,
      links: [link]
    });
    const url = new URL(urls[0]);
    expect(url.pathname).toBe('/lab-base/jupyterlab-runs/api/links');
    expect(url.searchParams.get('path')).toBe('a b/x?.runs');
  });

  it('should ask once per page when the extension is not there (404)', async () => {
    const { links, urls } = checker(() => response(404, {}));
    expect(await links.check('a.runs')).toEqual({
      checked: false,
      reason: NO_SERVER_EXTENSION
    });
    expect(await links.check('b.runs')).toEqual({
      checked: false,
      reason: NO_SERVER_EXTENSION
    });
    expect(urls).toHaveLength(1);
  });

  it('should not take another failure as the extension missing', async () => {
    let status = 500;
    const { links, urls } = checker(() =>
      response(status, { checked: true, complete: true, links: [] })
    );
    expect(await links.check('a.runs')).toEqual({
      checked: false,
      reason: 'links could not be checked (HTTP 500)'
    });
    status = 200;
    expect((await links.check('a.runs')).checked).toBe(true);
    expect(urls).toHaveLength(2);
  });

  it('should not ask about a path of another drive', async () => {
    const { links, urls } = checker(() => response(200, {}));
    expect((await links.check('RTC:a.runs')).checked).toBe(false);
    expect(urls).toEqual([]);
  });

  it('should share one checker per page', () => {
    const settings = { baseUrl: BASE } as never;
    // One object per page (app.serviceManager.serverSettings).
    expect(ServerLinkChecker.forSettings(settings)).toBe(
      ServerLinkChecker.forSettings(settings)
    );
  });
});
