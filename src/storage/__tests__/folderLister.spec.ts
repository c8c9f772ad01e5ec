import type { Contents } from '@jupyterlab/services';
import { ServerFolderLister } from '../folderLister';
import { fakeServer, response } from './fakeServer';
import { MemoryContents } from './memoryContents';

const FOLDER = 'work/train.runs';

/** A lister whose server answers `answer`, over a contents API as fallback. */
function lister(answer: (url: string) => Response) {
  const contents = new MemoryContents();
  contents.dirs.add('work');
  contents.dirs.add(FOLDER);
  contents.files.set(`${FOLDER}/a.json`, '{}');
  const { settings, urls } = fakeServer(answer);
  return {
    lister: new ServerFolderLister({
      settings,
      contents: contents as unknown as Contents.IManager
    }),
    contents,
    urls
  };
}

const MODEL = {
  name: 'train.runs',
  path: FOLDER,
  type: 'directory',
  last_modified: '2026-12-05T18:34:09.914839Z',
  content: [
    {
      name: 'a.json',
      path: `${FOLDER}/a.json`,
      type: 'file',
      size: 2,
      last_modified: '2026-12-05T18:34:09.914839Z'
    }
  ]
};

describe('ServerFolderLister', () => {
  it('should list through the extension, with no Contents API request', async () => {
    const {
      lister: l,
      contents,
      urls
    } = lister(() =>
      response(200, { listed: true, exists: true, model: MODEL })
    );
    expect(await l.list('work/train.runs')).toEqual(MODEL);
    const url = new URL(urls[0]);
    expect(url.pathname).toBe('/lab-base/jupyterlab-runs/api/listing');
    expect(url.searchParams.get('path')).toBe(FOLDER);
    expect(contents.requests.get).toBe(0);
  });

  it('should answer null for a missing folder without a 404', async () => {
    const { lister: l, contents } = lister(() =>
      response(200, { listed: true, exists: false })
    );
    expect(await l.list('work/none.runs')).toBeNull();
    expect(contents.notFound).toEqual([]);
  });

  it('should stat a folder through the extension: its time, no entries, and a folder deleted by hand is null with no 404', async () => {
    const stat = { ...MODEL, content: null, format: null };
    let exists = true;
    const {
      lister: l,
      contents,
      urls
    } = lister(() =>
      response(
        200,
        exists
          ? { listed: true, exists: true, model: stat }
          : { listed: true, exists: false }
      )
    );
    expect(await l.stat(FOLDER)).toEqual(stat);
    const url = new URL(urls[0]);
    expect(url.searchParams.get('path')).toBe(FOLDER);
    expect(url.searchParams.get('content')).toBe('0');
    exists = false;
    expect(await l.stat(FOLDER)).toBeNull();
    expect(contents.requests.get).toBe(0);
    expect(contents.notFound).toEqual([]);
  });

  it('should ask a stat for the entries changed since a time, and give them with the model', async () => {
    const T = '2026-12-05T18:34:09.914839Z';
    const { lister: l, urls } = lister(url =>
      response(200, {
        listed: true,
        exists: true,
        model: {
          ...MODEL,
          content: null,
          ...(new URL(url).searchParams.get('since') === T
            ? { changed: [{ name: 'a.json', last_modified: T }] }
            : {})
        }
      })
    );
    const model = (await l.stat(FOLDER, T)) as { changed?: unknown } | null;
    expect(model?.changed).toEqual([{ name: 'a.json', last_modified: T }]);
    expect(new URL(urls[0]).searchParams.get('content')).toBe('0');
  });

  it('should stat through the writer worker when it has one, and list on the main thread', async () => {
    const stat = { ...MODEL, content: null, format: null };
    const contents = new MemoryContents();
    contents.dirs.add('work');
    contents.dirs.add(FOLDER);
    const { settings, urls } = fakeServer(() =>
      response(200, { listed: true, exists: true, model: MODEL })
    );
    const asked: string[] = [];
    let answer: () => Promise<unknown> = async () => ({
      listed: true,
      exists: true,
      model: stat
    });
    const l = new ServerFolderLister({
      settings,
      contents: contents as unknown as Contents.IManager,
      background: {
        inBackground: true,
        get: url => {
          asked.push(url);
          return answer();
        }
      }
    });
    expect(l.statsInBackground).toBe(true);
    expect(await l.stat(FOLDER)).toEqual(stat);
    expect(new URL(asked[0]).searchParams.get('content')).toBe('0');
    expect(urls).toEqual([]);
    expect(await l.list(FOLDER)).toEqual(MODEL);
    expect(asked).toHaveLength(1);
    expect(urls).toHaveLength(1);

    // Unreachable: the error, as a request of the page's own would give.
    answer = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(l.stat(FOLDER)).rejects.toThrow('Failed to fetch');
    // Refused: the Contents API decides; not there: learnt once.
    answer = async () => {
      throw Object.assign(new Error('Not Found'), {
        response: { status: 404 }
      });
    };
    expect((await l.stat(FOLDER))?.type).toBe('directory');
    expect(contents.requests.get).toBe(1);
    expect(l.statsInBackground).toBe(false);
    expect((await l.stat(FOLDER))?.type).toBe('directory');
    expect(asked).toHaveLength(3);
  });

  it('should stat through the Contents API without the extension', async () => {
    const { lister: l, contents } = lister(() => response(404, {}));
    const model = await l.stat(FOLDER);
    expect(model?.type).toBe('directory');
    expect(model?.content ?? null).toBeNull();
    expect(await l.stat('work/none.runs')).toBeNull();
    expect(contents.requests.get).toBe(2);
  });

  it('should learn once that the extension is not there, and list through the Contents API', async () => {
    const { lister: l, contents, urls } = lister(() => response(404, {}));
    const first = await l.list(FOLDER);
    const second = await l.list(FOLDER);
    expect(urls).toHaveLength(1);
    expect(contents.requests.get).toBe(2);
    for (const model of [first, second]) {
      expect(
        (model!.content as Contents.IModel[]).map(item => item.name)
      ).toEqual(['a.json']);
    }
    // A folder missing there is null too.
    expect(await l.list('work/none.runs')).toBeNull();
  });

  it('should fall back for a contents manager without files on disk, and for another drive', async () => {
    const {
      lister: l,
      contents,
      urls
    } = lister(() => response(200, { listed: false, reason: 'not on disk' }));
    await l.list(FOLDER);
    await l.list(FOLDER);
    expect(urls).toHaveLength(1);
    expect(contents.requests.get).toBe(2);
    const other = lister(() => response(200, { listed: true, exists: false }));
    await other.lister.list('Drive:work/train.runs').catch(() => null);
    expect(other.urls).toEqual([]);
  });

  it('should let the Contents API decide when the extension refuses or fails', async () => {
    const {
      lister: l,
      contents,
      urls
    } = lister(url => response(urls.length === 1 ? 500 : 400, {}));
    expect(await l.list(FOLDER)).not.toBeNull();
    expect(await l.list(FOLDER)).not.toBeNull();
    // Still asked: a failure is not the extension's absence.
    expect(urls).toHaveLength(2);
    expect(contents.requests.get).toBe(2);
  });
});
