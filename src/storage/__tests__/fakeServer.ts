/** Server settings over a fake `fetch`, for the server extension's clients. */

export const BASE = 'http://localhost:8888/lab-base/';

/** A fetch answer with this status and JSON body. */
export function response(status: number, body: unknown): Response {
  return {
    status,
    ok: status >= 200 && status < 300,
    json: async () => body
  } as Response;
}

/**
 * Settings whose `fetch` answers `answer` and records the URLs asked
 * (what `ServerConnection.makeRequest` uses of a Request: its URL and
 * headers).
 */
export function fakeServer(answer: (url: string) => Response): {
  settings: never;
  urls: string[];
} {
  const urls: string[] = [];
  const settings = {
    baseUrl: BASE,
    token: '',
    appendToken: false,
    init: {},
    Request: class {
      constructor(readonly url: string) {}
      readonly headers = new Map<string, string>([
        ['Content-Type', 'application/json']
      ]);
    },
    fetch: async (input: { url: string }) => {
      const url = input.url;
      urls.push(url);
      return answer(url);
    }
  } as never;
  return { settings, urls };
}
