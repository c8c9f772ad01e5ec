import { URLExt } from '@jupyterlab/coreutils';
import * as vm from 'vm';
import { makeRun } from '../../core/__tests__/fixtures';
import { BackgroundSaver, type IWorkerLike } from '../backgroundSaver';
import { ContentsRunStore } from '../contentsRunStore';
import { MemoryOutboxStorage } from '../outbox';
import {
  workerSource,
  writerWorkerMain,
  type IWriterScope,
  type IWriteRequest,
  type WriteReply
} from '../writerWorker';
import { fakeServer, response as jsonResponse } from './fakeServer';
import { MemoryContents } from './memoryContents';

const BASE = 'http://localhost:8888/lab-base/';
const settings = { baseUrl: BASE, token: '' } as never;

/** A fetch answering like the server, or as `respond` says. */
type Respond = (url: string, init: RequestInit) => Promise<Response>;

function response(status: number, body: string, statusText = ''): Response {
  return {
    status,
    statusText,
    text: async () => body
  } as Response;
}

/** Serve `PUT /api/contents/<path>` from a MemoryContents, like the server. */
function serve(contents: MemoryContents): Respond {
  return async (url, init) => {
    const path = decodeURIComponent(
      new URL(url).pathname.replace(/^\/lab-base\/api\/contents\//, '')
    );
    try {
      const model = await contents.save(path, JSON.parse(String(init.body)));
      return response(201, JSON.stringify(model));
    } catch (error) {
      const status =
        (error as { response?: { status?: number } }).response?.status ?? 500;
      return response(
        status,
        JSON.stringify({ message: (error as Error).message })
      );
    }
  };
}

/** A worker running `writerWorkerMain` in this thread, asynchronously. */
class InProcessWorker implements IWorkerLike {
  constructor(respond: Respond) {
    this.scope = {
      onmessage: null,
      postMessage: message =>
        setTimeout(() => this.onmessage?.({ data: message } as MessageEvent)),
      fetch: (url, init) => {
        this.requests.push({ url, init });
        return respond(url, init);
      }
    };
    writerWorkerMain(this.scope);
  }
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  requests: { url: string; init: RequestInit }[] = [];
  terminated = false;
  scope: IWriterScope;
  postMessage(message: unknown): void {
    if (!this.terminated) {
      setTimeout(() => this.scope.onmessage?.({ data: message }));
    }
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('writerWorkerMain', () => {
  const ask = async (respond: Respond, request?: Partial<IWriteRequest>) => {
    const replies: WriteReply[] = [];
    const calls: { url: string; init: RequestInit }[] = [];
    const scope: IWriterScope = {
      onmessage: null,
      postMessage: m => replies.push(m as WriteReply),
      fetch: (url, init) => {
        calls.push({ url, init });
        return respond(url, init);
      }
    };
    writerWorkerMain(scope);
    scope.onmessage!({
      data: {
        id: 7,
        url: `${BASE}api/contents/a.runs/x.json`,
        headers: { 'Content-Type': 'application/json', 'X-XSRFToken': 't' },
        model: { type: 'file', format: 'text', content: '{"a": 1}' },
        ...request
      }
    });
    await new Promise(resolve => setTimeout(resolve, 0));
    return { reply: replies[0], calls };
  };

  it('PUTs the model with the headers it was given and answers with the server model', async () => {
    const { reply, calls } = await ask(async () =>
      response(201, '{"name": "x.json", "size": 8}')
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(`${BASE}api/contents/a.runs/x.json`);
    expect(calls[0].init.method).toBe('PUT');
    expect(calls[0].init.headers).toEqual({
      'Content-Type': 'application/json',
      'X-XSRFToken': 't'
    });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      type: 'file',
      format: 'text',
      content: '{"a": 1}'
    });
    expect(reply).toEqual({
      id: 7,
      ok: true,
      model: { name: 'x.json', size: 8 }
    });
  });

  it.each([
    [
      404,
      '{"message": "No such file or directory: a.runs"}',
      404,
      'No such file or directory: a.runs'
    ],
    [413, '{"reason": "Payload Too Large"}', 413, 'Payload Too Large'],
    [500, '<html>oops</html>', 500, '500 Internal Server Error'],
    [
      200,
      'not json',
      502,
      'The server answered the write without a file model.'
    ]
  ])(
    'reports HTTP %s with the status the outbox classifies',
    async (status, body, expected, message) => {
      const { reply } = await ask(async () =>
        response(status, body, status === 500 ? 'Internal Server Error' : '')
      );
      expect(reply).toEqual({ id: 7, ok: false, status: expected, message });
    }
  );

  it('reports an unreachable server with no status', async () => {
    const { reply } = await ask(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(reply).toEqual({
      id: 7,
      ok: false,
      status: null,
      message: 'The server could not be reached: Failed to fetch'
    });
  });

  it('GETs with the headers it was given, no body, and answers with the JSON body', async () => {
    const { reply, calls } = await ask(
      async () => response(200, '{"listed": true, "exists": false}'),
      { method: 'GET', headers: { 'X-XSRFToken': 't' } } as never
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].init.method).toBe('GET');
    expect(calls[0].init.body).toBeUndefined();
    expect(calls[0].init.headers).toEqual({ 'X-XSRFToken': 't' });
    expect(reply).toEqual({
      id: 7,
      ok: true,
      model: { listed: true, exists: false }
    });
  });

  it.each([
    [404, '{"message": "Not Found"}', 404, 'Not Found'],
    [201, '{"listed": true}', 201, '201'],
    [200, 'not json', 502, 'The server answered without a JSON object.']
  ])(
    "reports a GET's HTTP %s with its status",
    async (status, body, expected, message) => {
      const { reply } = await ask(async () => response(status, body), {
        method: 'GET'
      } as never);
      expect(reply).toEqual({ id: 7, ok: false, status: expected, message });
    }
  );

  it("writes a batch in order between two reads of the folder's time, the second naming what changed since the first, and stops at a failed write", async () => {
    const statUrl = `${BASE}jupyterlab-runs/api/listing?path=a.runs&content=0`;
    let time = '2026-12-06T10:00:00.000000Z';
    let fail = false;
    const replies: WriteReply[] = [];
    const calls: { url: string; method?: string }[] = [];
    const scope: IWriterScope = {
      onmessage: null,
      postMessage: m => replies.push(m as WriteReply),
      fetch: async (url, init) => {
        calls.push({ url, method: init.method });
        if (init.method === 'GET') {
          return response(
            200,
            JSON.stringify({
              listed: true,
              exists: true,
              model: {
                last_modified: time,
                // Answered to the read after (`since`) only.
                ...(url.includes('since=')
                  ? {
                      changed: ['x.json', 'theirs.json'].map(name => ({
                        name,
                        last_modified: time
                      }))
                    }
                  : {})
              }
            })
          );
        }
        if (fail && url.endsWith('x.json')) {
          return response(507, '{"message": "No space left"}');
        }
        time = '2026-12-06T10:00:01.000000Z';
        return response(
          201,
          JSON.stringify({ name: url.split('/').pop(), last_modified: time })
        );
      }
    };
    writerWorkerMain(scope);
    const batch = {
      id: 3,
      method: 'BATCH',
      statUrl,
      statHeaders: { 'X-XSRFToken': 't' },
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': 't' },
      writes: ['x.series.json', 'x.json'].map(name => ({
        url: `${BASE}api/contents/a.runs/${name}`,
        model: { type: 'file', format: 'text', content: '{}' }
      }))
    };
    const before = Date.now();
    scope.onmessage!({ data: batch });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(calls.map(c => `${c.method} ${c.url.split('/').pop()}`)).toEqual([
      'GET listing?path=a.runs&content=0',
      'PUT x.series.json',
      'PUT x.json',
      'GET listing?path=a.runs&content=0&since=2026-12-06T10%3A00%3A00.000000Z'
    ]);
    const reply = replies[0] as { ok: true; model: Record<string, unknown> };
    expect(reply.ok).toBe(true);
    expect(reply.model.before).toBe('2026-12-06T10:00:00.000000Z');
    expect(reply.model.after).toBe('2026-12-06T10:00:01.000000Z');
    expect(reply.model.changed).toEqual([
      { name: 'x.json', last_modified: '2026-12-06T10:00:01.000000Z' },
      { name: 'theirs.json', last_modified: '2026-12-06T10:00:01.000000Z' }
    ]);
    expect(reply.model.models).toHaveLength(2);
    // The file's time plus how long its request took.
    const latest = reply.model.latest as number;
    expect(latest).toBeGreaterThanOrEqual(Date.parse(time));
    expect(latest).toBeLessThanOrEqual(Date.parse(time) + Date.now() - before);

    fail = true;
    calls.length = 0;
    scope.onmessage!({ data: { ...batch, id: 4 } });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(calls.map(c => c.method)).toEqual(['GET', 'PUT', 'PUT']);
    expect(replies[1]).toEqual({
      id: 4,
      ok: false,
      status: 507,
      message: 'No space left'
    });
  });

  it("leaves out what changed when the server does not answer 'since', and says when it answered nothing readable", async () => {
    // A page newer than its server (the package upgraded, the server not
    // restarted): no `changed` at all, and the folder's time decides as
    // before; an answer it cannot read is "cannot tell".
    let changed: unknown;
    const replies: WriteReply[] = [];
    const scope: IWriterScope = {
      onmessage: null,
      postMessage: m => replies.push(m as WriteReply),
      fetch: async (url, init) =>
        init.method === 'GET'
          ? response(
              200,
              JSON.stringify({
                listed: true,
                exists: true,
                model: {
                  last_modified: '2026-12-06T10:00:00.000000Z',
                  ...(url.includes('since=') ? { changed } : {})
                }
              })
            )
          : response(
              201,
              JSON.stringify({
                name: 'x.json',
                last_modified: '2026-12-06T10:00:00.000000Z'
              })
            )
    };
    writerWorkerMain(scope);
    const batch = (id: number) => ({
      id,
      method: 'BATCH',
      statUrl: `${BASE}jupyterlab-runs/api/listing?path=a.runs&content=0`,
      statHeaders: {},
      headers: {},
      writes: [
        {
          url: `${BASE}api/contents/a.runs/x.json`,
          model: { type: 'file', format: 'text', content: '{}' }
        }
      ]
    });
    for (const [i, given, read] of [
      [1, undefined, undefined],
      [2, ['x.json'], null],
      [3, 'x.json', null]
    ] as const) {
      changed = given;
      scope.onmessage!({ data: batch(i) });
      await new Promise(resolve => setTimeout(resolve, 0));
      const reply = replies[i - 1] as { model: Record<string, unknown> };
      expect(reply.model.changed).toBe(read);
    }
  });

  describe('through the write endpoint', () => {
    const WRITE = `${BASE}jupyterlab-runs/api/write`;
    const batch = (id: number) => ({
      id,
      method: 'BATCH',
      statUrl: `${BASE}jupyterlab-runs/api/listing?path=a.runs&content=0`,
      statHeaders: {},
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': 't' },
      writes: ['x.series.json', 'x.json'].map(name => ({
        url: `${BASE}api/contents/a.runs/${name}`,
        model: { type: 'file', format: 'text', content: `{"of": "${name}"}` }
      })),
      write: {
        url: WRITE,
        folder: 'a.runs',
        names: ['x.series.json', 'x.json']
      }
    });
    /** A worker whose server answers the endpoint with `post`. */
    const worker = (post: () => Promise<Response>) => {
      const replies: WriteReply[] = [];
      const calls: { url: string; init: RequestInit }[] = [];
      const scope: IWriterScope = {
        onmessage: null,
        postMessage: m => replies.push(m as WriteReply),
        fetch: async (url, init) => {
          calls.push({ url, init });
          if (url === WRITE) {
            return post();
          }
          return init.method === 'GET'
            ? response(
                200,
                JSON.stringify({
                  listed: true,
                  exists: true,
                  model: { last_modified: '2026-12-06T10:00:00.000000Z' }
                })
              )
            : response(
                201,
                JSON.stringify({
                  name: url.split('/').pop(),
                  last_modified: '2026-12-06T10:00:01.000000Z'
                })
              );
        }
      };
      writerWorkerMain(scope);
      const send = async (id: number) => {
        scope.onmessage!({ data: batch(id) });
        await new Promise(resolve => setTimeout(resolve, 0));
        return replies[replies.length - 1];
      };
      return { send, calls, replies };
    };
    const how = (calls: { url: string; init: RequestInit }[]) =>
      calls.map(c => `${c.init.method} ${c.url.split('/').pop()}`);

    it('writes a batch in one POST of its files, in order, and answers what the server read around them', async () => {
      const answer = {
        written: true,
        before: '2026-12-06T10:00:00.000000Z',
        after: '2026-12-06T10:00:01.000000Z',
        changed: [
          { name: 'x.json', last_modified: '2026-12-06T10:00:01.000000Z' }
        ],
        latest: 1_765_015_201_004.5,
        models: [{ name: 'x.series.json' }, { name: 'x.json' }]
      };
      const { send, calls } = worker(async () =>
        response(200, JSON.stringify(answer))
      );
      const reply = await send(1);
      expect(how(calls)).toEqual(['POST write']);
      expect(calls[0].init.headers).toEqual(batch(1).headers);
      expect(JSON.parse(String(calls[0].init.body))).toEqual({
        folder: 'a.runs',
        files: [
          { name: 'x.series.json', content: '{"of": "x.series.json"}' },
          { name: 'x.json', content: '{"of": "x.json"}' }
        ]
      });
      const { written: _, ...model } = answer;
      expect(reply).toEqual({ id: 1, ok: true, model });
    });

    it('writes by PUTs, with its own reads of the time, when the server has no endpoint, and asks it no more', async () => {
      const { send, calls } = worker(async () => response(404, 'Not Found'));
      const first = await send(1);
      expect(how(calls)).toEqual([
        'POST write',
        'GET listing?path=a.runs&content=0',
        'PUT x.series.json',
        'PUT x.json',
        'GET listing?path=a.runs&content=0&since=2026-12-06T10%3A00%3A00.000000Z'
      ]);
      expect(first.ok).toBe(true);
      calls.length = 0;
      await send(2);
      expect(how(calls)[0]).toBe('GET listing?path=a.runs&content=0');
      expect(how(calls)).not.toContain('POST write');
    });

    it('writes by PUTs a folder the server would not write (missing, hidden), and asks again next time', async () => {
      const { send, calls } = worker(async () =>
        response(200, '{"written": false, "reason": "the folder is missing"}')
      );
      await send(1);
      expect(how(calls)).toContain('PUT x.json');
      calls.length = 0;
      await send(2);
      expect(how(calls)[0]).toBe('POST write');
    });

    it('fails the batch as the server failed it, and makes no PUT', async () => {
      for (const [answer, status, message] of [
        [response(500, '{"message": "No space left"}'), 500, 'No space left'],
        [response(403, '', 'Forbidden'), 403, '403 Forbidden'],
        [
          response(200, '{"written": true}'),
          502,
          'The server answered the write without its files.'
        ]
      ] as const) {
        const { send, calls } = worker(async () => answer);
        expect(await send(1)).toEqual({ id: 1, ok: false, status, message });
        expect(how(calls)).toEqual(['POST write']);
      }
      const { send } = worker(async () => {
        throw new TypeError('Failed to fetch');
      });
      expect(await send(1)).toEqual({
        id: 1,
        ok: false,
        status: null,
        message: 'The server could not be reached: Failed to fetch'
      });
    });
  });

  it('runs from its source text alone, with nothing but its scope', async () => {
    // What the page does: the worker script is this text, run on `self`.
    // A fresh context has none of this module's bindings, so this fails if
    // the function ever refers to anything outside itself.
    const scope: IWriterScope = {
      onmessage: null,
      postMessage: m => replies.push(m as WriteReply),
      fetch: async () => response(201, '{"name": "x.json"}')
    };
    const replies: WriteReply[] = [];
    vm.runInNewContext(workerSource(), { self: scope });
    scope.onmessage!({
      data: { id: 1, url: 'u', headers: {}, model: { content: '' } }
    });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(replies).toEqual([{ id: 1, ok: true, model: { name: 'x.json' } }]);
  });
});

describe('BackgroundSaver', () => {
  let contents: MemoryContents;
  beforeEach(() => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    contents.dirs.add('work/a.runs');
  });

  it('writes files through the worker, with the token and the XSRF cookie', async () => {
    const worker = new InProcessWorker(serve(contents));
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings: { baseUrl: BASE, token: 'secret' } as never,
      worker,
      xsrf: () => 'cookie-value'
    });
    const model = await saver.save('work/a.runs/x y.json', {
      type: 'file',
      format: 'text',
      content: '{"b": 2}'
    });
    expect(model.name).toBe('x y.json');
    expect(contents.files.get('work/a.runs/x y.json')).toBe('{"b": 2}');
    // The contents manager was not asked: the worker wrote it.
    expect(worker.requests).toHaveLength(1);
    expect(worker.requests[0].url).toBe(
      `${BASE}api/contents/work/a.runs/x%20y.json`
    );
    expect(worker.requests[0].init.headers).toEqual({
      'Content-Type': 'application/json',
      Authorization: 'token secret',
      'X-XSRFToken': 'cookie-value'
    });
  });

  it.each([
    'x y.json',
    'é#?%25.json',
    'a:b.json',
    "it's (1) [2] +&=;,@$.json",
    'ünïcödé 名前.json'
  ])('addresses %s as URLExt.encodeParts does', async name => {
    const worker = new InProcessWorker(serve(contents));
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings: { baseUrl: BASE, token: '' } as never,
      worker,
      xsrf: () => undefined
    });
    const path = `work/a.runs/${name}`;
    await saver.save(path, { type: 'file', format: 'text', content: '{}' });
    expect(worker.requests[0].url).toBe(
      URLExt.join(BASE, 'api/contents', URLExt.encodeParts(path))
    );
    expect(contents.files.get(path)).toBe('{}');
  });

  it('reads the XSRF cookie once, and again after a failed write', async () => {
    const worker = new InProcessWorker(serve(contents));
    let cookie = 'first';
    const reads = jest.fn(() => cookie);
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings,
      worker,
      xsrf: reads
    });
    const write = (path: string) =>
      saver
        .save(path, { type: 'file', format: 'text', content: '' })
        .catch(() => null);
    await write('work/a.runs/1.json');
    await write('work/a.runs/2.json');
    expect(reads).toHaveBeenCalledTimes(1);
    cookie = 'second';
    await write('work/missing/3.json');
    await write('work/a.runs/4.json');
    expect(reads).toHaveBeenCalledTimes(2);
    expect(
      worker.requests.map(r => (r.init.headers as never)['X-XSRFToken'])
    ).toEqual(['first', 'first', 'first', 'second']);
  });

  it('fails a write with the HTTP status on `response`, as the contents manager does', async () => {
    const worker = new InProcessWorker(serve(contents));
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings,
      worker,
      xsrf: () => undefined
    });
    const error = await saver
      .save('work/missing/x.json', {
        type: 'file',
        format: 'text',
        content: ''
      })
      .catch(e => e);
    expect(error.message).toBe('No such file or directory: work/missing');
    expect(error.response.status).toBe(404);
    expect(worker.requests[0].init.headers).toEqual({
      'Content-Type': 'application/json'
    });
  });

  it('asks for the URL URLExt.join gives, under any base URL', async () => {
    const paths = [
      'work/a.runs/x.json',
      'wörk dir/a #1.runs/01JDQ6Z0000000000000000000.series.json',
      'a.runs/01JDQ6Z0000000000000000000.artifacts/model?.pt'
    ];
    for (const baseUrl of [BASE, 'http://localhost:8888', '/user/me/']) {
      const worker = new InProcessWorker(async () =>
        response(201, '{"name": "x"}')
      );
      const saver = new BackgroundSaver({
        contents: contents.asManager(),
        settings: { baseUrl, token: '' } as never,
        worker,
        xsrf: () => undefined
      });
      for (const path of paths) {
        await saver.save(path, { type: 'file', format: 'text', content: '' });
      }
      expect(worker.requests.map(r => r.url)).toEqual(
        paths.map(path =>
          URLExt.join(baseUrl, 'api/contents', URLExt.encodeParts(path))
        )
      );
    }
  });

  it('leaves paths URLExt.join would normalize to the contents manager', async () => {
    const worker = new InProcessWorker(serve(contents));
    const manager = contents.asManager();
    const saves = jest.spyOn(manager, 'save');
    const saver = new BackgroundSaver({ contents: manager, settings, worker });
    const odd = [
      'work/./a.runs/1.json',
      'work//a.runs/2.json',
      '/work/a.runs/3.json'
    ];
    for (const path of odd) {
      await saver
        .save(path, { type: 'file', format: 'text', content: '' })
        .catch(() => null);
    }
    expect(saves.mock.calls.map(c => c[0])).toEqual(odd);
    expect(worker.requests).toHaveLength(0);
  });

  it('rejects what the worker had not answered when disposed', async () => {
    const worker = new InProcessWorker(() => new Promise(() => undefined));
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings,
      worker
    });
    const write = saver.save('work/a.runs/1.json', {
      type: 'file',
      format: 'text',
      content: 'one'
    });
    saver.dispose();
    await expect(write).rejects.toThrow('The background writer was disposed.');
    expect(worker.terminated).toBe(true);
    expect(contents.files.has('work/a.runs/1.json')).toBe(false);
  });

  it('leaves other drives, directories and a missing worker to the contents manager', async () => {
    const worker = new InProcessWorker(serve(contents));
    const manager = contents.asManager();
    const saves = jest.spyOn(manager, 'save');
    const saver = new BackgroundSaver({ contents: manager, settings, worker });
    contents.dirs.add('RTC:work');
    await saver.save('RTC:work/x.json', {
      type: 'file',
      format: 'text',
      content: ''
    });
    await saver.save('work/a.runs/sub', { type: 'directory' });
    expect(saves.mock.calls.map(c => c[0])).toEqual([
      'RTC:work/x.json',
      'work/a.runs/sub'
    ]);
    expect(worker.requests).toHaveLength(0);

    const plain = new BackgroundSaver({
      contents: manager,
      settings,
      worker: null
    });
    expect(plain.inBackground).toBe(false);
    await plain.save('work/a.runs/y.json', {
      type: 'file',
      format: 'text',
      content: 'y'
    });
    expect(saves).toHaveBeenCalledTimes(3);
  });

  it('re-sends what a failed worker had not answered through the contents manager, and stops using it', async () => {
    // A worker that never answers, then breaks.
    const worker = new InProcessWorker(() => new Promise(() => undefined));
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings,
      worker
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const first = saver.save('work/a.runs/1.json', {
      type: 'file',
      format: 'text',
      content: 'one'
    });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(worker.requests).toHaveLength(1);
    worker.onerror!({ message: 'boom' } as ErrorEvent);
    await first;
    expect(contents.files.get('work/a.runs/1.json')).toBe('one');
    expect(worker.terminated).toBe(true);
    expect(saver.inBackground).toBe(false);
    expect(warn.mock.calls[0][0]).toContain(
      'the background writer failed (boom)'
    );
    await saver.save('work/a.runs/2.json', {
      type: 'file',
      format: 'text',
      content: 'two'
    });
    expect(contents.files.get('work/a.runs/2.json')).toBe('two');
    expect(worker.requests).toHaveLength(1);
    warn.mockRestore();
  });

  it('makes GETs through the worker, and the usual way without one or once it failed', async () => {
    const url = `${BASE}jupyterlab-runs/api/listing?path=a&content=0`;
    const worker = new InProcessWorker(async () =>
      response(200, '{"listed": true}')
    );
    const server = fakeServer(() => jsonResponse(200, { listed: 'main' }));
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings: server.settings,
      worker,
      xsrf: () => 'cookie-value'
    });
    expect(await saver.get(url)).toEqual({ listed: true });
    expect(worker.requests[0].url).toBe(url);
    expect(worker.requests[0].init.headers).toEqual({
      'X-XSRFToken': 'cookie-value'
    });
    expect(server.urls).toEqual([]);

    // A worker that never answers, then breaks: the GET is made here.
    const stuck = new InProcessWorker(() => new Promise(() => undefined));
    const broken = new BackgroundSaver({
      contents: contents.asManager(),
      settings: server.settings,
      worker: stuck
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const asked = broken.get(url);
    await new Promise(resolve => setTimeout(resolve, 0));
    stuck.onerror!({ message: 'boom' } as ErrorEvent);
    expect(await asked).toEqual({ listed: 'main' });
    expect(server.urls).toEqual([url]);
    warn.mockRestore();
    // No worker now: the caller asks the usual way.
    expect(broken.get(url)).toBeNull();
  });

  it('writes a batch through the worker, and file by file without a time once the worker failed', async () => {
    const statUrl = `${BASE}jupyterlab-runs/api/listing?path=work/a.runs&content=0`;
    const worker = new InProcessWorker(async (url, init) =>
      init.method === 'GET'
        ? response(
            200,
            '{"listed": true, "exists": true, "model": {"last_modified": "2026-12-06T10:00:00Z"}}'
          )
        : serve(contents)(url, init)
    );
    const saver = new BackgroundSaver({
      contents: contents.asManager(),
      settings,
      worker,
      xsrf: () => 'cookie-value'
    });
    const files = [
      { path: 'work/a.runs/1.series.json', content: 's' },
      { path: 'work/a.runs/1.json', content: 'r' }
    ];
    const answer = await saver.writeBatch(statUrl, files);
    expect(answer?.before).toBe('2026-12-06T10:00:00Z');
    expect(answer?.models.map(m => m.name)).toEqual([
      '1.series.json',
      '1.json'
    ]);
    expect(contents.files.get('work/a.runs/1.json')).toBe('r');
    // The server's write endpoint first, with the files' folder and names;
    // this server has none (404): the worker's own reads and PUTs.
    expect(worker.requests.map(r => r.init.method)).toEqual([
      'POST',
      'GET',
      'PUT',
      'PUT',
      'GET'
    ]);
    expect(worker.requests[0].url).toBe(`${BASE}jupyterlab-runs/api/write`);
    expect(JSON.parse(String(worker.requests[0].init.body))).toEqual({
      folder: 'work/a.runs',
      files: [
        { name: '1.series.json', content: 's' },
        { name: '1.json', content: 'r' }
      ]
    });
    expect(worker.requests[1].init.headers).toEqual({
      'X-XSRFToken': 'cookie-value'
    });
    // Another drive's path: left to the caller.
    expect(
      saver.writeBatch(statUrl, [{ path: 'Drive:a.runs/1.json', content: '' }])
    ).toBeNull();

    const stuck = new InProcessWorker(() => new Promise(() => undefined));
    const broken = new BackgroundSaver({
      contents: contents.asManager(),
      settings,
      worker: stuck
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const pending = broken.writeBatch(statUrl, [
      { path: 'work/a.runs/2.json', content: 'two' }
    ]);
    await new Promise(resolve => setTimeout(resolve, 0));
    stuck.onerror!({ message: 'boom' } as ErrorEvent);
    const resent = await pending;
    expect(resent?.before).toBeNull();
    expect(Number.isNaN(resent?.latest)).toBe(true);
    expect(contents.files.get('work/a.runs/2.json')).toBe('two');
    expect(broken.writeBatch(statUrl, files)).toBeNull();
    warn.mockRestore();
  });

  describe('under the run store', () => {
    const run = makeRun({ id: '01JDQ6Z0000000000000000000' });
    const store = (worker: IWorkerLike) =>
      new ContentsRunStore({
        contents: contents.asManager(),
        saver: new BackgroundSaver({
          contents: contents.asManager(),
          settings,
          worker
        }),
        writerId: '01JDQ7W0000000000000000001',
        outbox: new MemoryOutboxStorage(),
        shardDelayMs: 60_000,
        backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000, jitter: 0 }
      });

    it('writes the series and the run through the worker, into a folder it makes', async () => {
      const worker = new InProcessWorker(serve(contents));
      const s = store(worker);
      await s.save(
        { ...run, notebookPath: 'work/b.ipynb' },
        { series: { loss: { step: [0, 1], value: [0.9, 0.5], time: [0, 1] } } }
      );
      await s.retryNow();
      expect(
        worker.requests.map(r => new URL(r.url).pathname.split('/').pop())
      ).toEqual([`${run.id}.series.json`, `${run.id}.json`]);
      expect(
        JSON.parse(contents.files.get(`work/b.runs/${run.id}.json`)!).id
      ).toBe(run.id);
      expect((await s.list('work/b.ipynb')).runs.map(r => r.id)).toEqual([
        run.id
      ]);
      s.dispose();
    });

    it.each([
      'a\\b.ipynb',
      'work/..\\..\\x.ipynb',
      '\\\\server\\share.ipynb',
      'work/issue #12.ipynb',
      'work/what?.ipynb',
      'work/100%.ipynb',
      'work/a%2Fb%5C.ipynb',
      'work dir/my notebook .ipynb',
      'wörk/日本語 — ñ 🎉.ipynb',
      'work/10:30 run.ipynb',
      'work/C:\\x.ipynb',
      "work/a&b=c+d;e@f'.ipynb"
    ])(
      'writes the runs of %j through the worker, where the server finds them',
      async nb => {
        const worker = new InProcessWorker(serve(contents));
        const s = store(worker);
        const dir = nb.includes('/') ? nb.slice(0, nb.lastIndexOf('/')) : '';
        if (dir) {
          contents.dirs.add(dir);
        }
        await s.save({ ...run, notebookPath: nb });
        await s.retryNow();
        const folder = nb.replace(/\.ipynb$/, '.runs');
        expect(s.status).toMatchObject({ pending: 0, failure: null });
        expect(worker.requests).toHaveLength(1);
        expect(contents.list(folder)).toEqual([`${run.id}.json`]);
        s.dispose();
      }
    );

    it("re-creates a runs folder deleted by hand on jupyter_server's HTTP 500", async () => {
      contents.missingParent = 500;
      const worker = new InProcessWorker(serve(contents));
      const s = store(worker);
      const second = makeRun({ id: '01JDQ6Z1000000000000000000' });
      await s.save({ ...run, notebookPath: 'work/c.ipynb' });
      await s.retryNow();
      contents.dirs.delete('work/c.runs');
      contents.files.clear();
      await s.save({ ...second, notebookPath: 'work/c.ipynb' });
      await s.retryNow();
      expect(s.status).toMatchObject({ pending: 0, failure: null });
      expect(contents.list('work/c.runs')).toEqual([`${second.id}.json`]);
      s.dispose();
    });

    it('keeps the run waiting, as offline, while the worker cannot reach the server', async () => {
      let down = true;
      const worker = new InProcessWorker((url, init) =>
        down
          ? Promise.reject(new TypeError('Failed to fetch'))
          : serve(contents)(url, init)
      );
      const s = store(worker);
      await s.save({ ...run, notebookPath: 'work/a.ipynb' });
      await s.retryNow();
      expect(s.status.pending).toBe(1);
      expect(s.status.failure?.kind).toBe('offline');
      down = false;
      await s.retryNow();
      expect(s.status.pending).toBe(0);
      expect(contents.files.has(`work/a.runs/${run.id}.json`)).toBe(true);
      s.dispose();
    });
  });
});
