import { unzipSync } from 'fflate';
import { makeRun } from '../../core/__tests__/fixtures';
import { runId } from '../../core/history/__tests__/fixtures';
import {
  EMBED_METADATA_KEY,
  base64ToBytes,
  bundleToZip,
  bytesToBase64,
  embedFiles,
  embedRuns,
  serializeRunFile,
  type IFolderLink,
  type INotebookLike
} from '../../core/history';
import { ContentsRunStore } from '../contentsRunStore';
import { HistoryTransfer, importTarget } from '../transfer';
import { MemoryContents } from './memoryContents';

const encoder = new TextEncoder();
const NB = 'work/train.ipynb';
const FOLDER = 'work/train.runs';
/** A content-addressed git diff, shared by runs (docs/RUN_FOLDER.md). */
const DIFF = `diff-${'d'.repeat(64)}.patch`;
const NOTEBOOK = {
  cells: [
    {
      cell_type: 'code',
      source: 'x = 1',
      metadata: {},
      outputs: [],
      execution_count: null,
      id: 'c1'
    }
  ],
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
  nbformat: 4,
  nbformat_minor: 5
};

describe('HistoryTransfer', () => {
  let contents: MemoryContents;
  let store: ContentsRunStore;
  let transfer: HistoryTransfer;

  /** Every file under a folder, by relative path. */
  const tree = (folder: string) =>
    Object.fromEntries(
      [...contents.files.keys()]
        .filter(p => p.startsWith(`${folder}/`))
        .sort()
        .map(p => [p.slice(folder.length + 1), contents.binary(p)])
    );

  beforeEach(async () => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    contents.files.set(NB, JSON.stringify(NOTEBOOK));
    store = new ContentsRunStore({
      contents: contents.asManager(),
      writerId: '01JDQ7W0000000000000000001',
      shardDelayMs: 60_000
    });
    transfer = new HistoryTransfer({ contents: contents.asManager(), store });
    for (let i = 0; i < 3; i++) {
      await store.save(makeRun({ id: runId(i), notebookPath: NB }), {
        series:
          i === 1
            ? { loss: { step: [0, 1], value: [1, NaN], time: [5, 6] } }
            : null
      });
    }
    await store.writeFile(
      NB,
      `${runId(1)}.artifacts/model.bin`,
      btoa('\u0000\u00ff\u0001'),
      'base64'
    );
    await store.writeFile(NB, 'env-0123.json', '{"python": "3.12"}', 'text');
    await store.writeFile(NB, DIFF, '--- a/x\n+++ b/x\n', 'text');
    await store.retryNow();
    await store.annotate(NB, runId(2), {
      name: 'best',
      starred: true,
      note: 'ünïcode ✓'
    });
    await store.flushManifests();
    contents.files.set(`${FOLDER}/${runId(9)}.json`, '{"truncated":');
  });

  afterEach(() => store.dispose());

  describe('#exportNotebook', () => {
    it('should embed every run, series and other file, and restore them identical', async () => {
      const exported = (await transfer.exportNotebook(NB)).path;
      expect(exported).toBe('work/train-with-runs.ipynb');
      const notebook = JSON.parse(contents.files.get(exported)!);
      expect(notebook.cells).toEqual(NOTEBOOK.cells);
      const history = notebook.metadata[EMBED_METADATA_KEY];
      expect(history.runs.map((r: { id: string }) => r.id)).toEqual(
        [0, 1, 2].map(i => runId(i))
      );
      expect(Object.keys(history.series)).toEqual([runId(1)]);
      expect(history.files.map((f: { path: string }) => f.path)).toEqual([
        `${runId(1)}.artifacts/model.bin`,
        `${runId(2)}.annotations.json`,
        `${runId(9)}.json`,
        DIFF,
        'env-0123.json'
      ]);

      // Import into a fresh folder.
      contents.notFound.length = 0;
      contents.dirs.add('fresh');
      contents.files.set('fresh/train.ipynb', contents.files.get(exported)!);
      expect(await transfer.embeddedToRestore('fresh/train.ipynb')).toBe(3);
      const report = await transfer.restoreEmbedded('fresh/train.ipynb');
      expect(report.rejected).toEqual([]);
      expect(await transfer.embeddedToRestore('fresh/train.ipynb')).toBe(0);
      // What exists is learnt from listings: no request answered 404.
      expect(contents.notFound).toEqual([]);

      const before = tree(FOLDER);
      const after = tree('fresh/train.runs');
      const shardsAndTrash = (name: string) => name.startsWith('manifest-');
      expect(Object.keys(after).sort()).toEqual(
        Object.keys(before)
          .filter(n => !shardsAndTrash(n))
          .sort()
      );
      for (const [name, bytes] of Object.entries(after)) {
        expect([name, bytes]).toEqual([name, before[name]]);
      }
    });

    it('should not overwrite files that already exist', async () => {
      const exported = (await transfer.exportNotebook(NB)).path;
      contents.files.set('work/train-with-runs.runs/x', '');
      contents.dirs.add('work/train-with-runs.runs');
      contents.files.set(`work/train-with-runs.runs/${runId(0)}.json`, 'mine');
      const report = await transfer.restoreEmbedded(exported);
      expect(report.existing).toEqual([
        `work/train-with-runs.runs/${runId(0)}.json`
      ]);
      expect(
        contents.files.get(`work/train-with-runs.runs/${runId(0)}.json`)
      ).toBe('mine');
    });
  });

  describe('#exportNotebook of files the store did not write', () => {
    /** Export, copy the notebook as the server stored it, restore; the folders. */
    async function roundTrip() {
      const exported = (await transfer.exportNotebook(NB)).path;
      const text = contents.files.get(exported)!;
      contents.dirs.add('fresh');
      contents.files.set('fresh/train.ipynb', text);
      const report = await transfer.restoreEmbedded('fresh/train.ipynb');
      return {
        history: JSON.parse(text).metadata[EMBED_METADATA_KEY],
        report,
        before: tree(FOLDER),
        after: tree('fresh/train.runs')
      };
    }

    it('should restore a run file whose keys are not sorted byte for byte', async () => {
      // An older version's key order, two-space indent: not the store's form.
      const run = makeRun({ id: runId(5), notebookPath: NB });
      const text = JSON.stringify(
        Object.fromEntries(Object.entries(run).reverse()),
        null,
        2
      );
      expect(Object.keys(JSON.parse(text))).not.toEqual(
        Object.keys(JSON.parse(text)).sort()
      );
      contents.files.set(`${FOLDER}/${runId(5)}.json`, text);

      const { history, report, before, after } = await roundTrip();
      expect(report.rejected).toEqual([]);
      // Embedded as data (counted, validated) and as its bytes.
      expect(history.runs.map((r: { id: string }) => r.id)).toContain(runId(5));
      expect(history.files.map((f: { path: string }) => f.path)).toContain(
        `${runId(5)}.json`
      );
      expect(after[`${runId(5)}.json`]).toBe(before[`${runId(5)}.json`]);
      expect(contents.files.get(`fresh/train.runs/${runId(5)}.json`)).toBe(
        text
      );
    });

    it('should carry a series file in another form than the store writes as its bytes only', async () => {
      const text = JSON.stringify(
        {
          format: 'jupyterlab-runs/series',
          version: 1,
          runId: runId(0),
          metrics: { loss: { step: [0, 1], value: [2, null], time: [1, 2] } }
        },
        null,
        2
      );
      contents.files.set(`${FOLDER}/${runId(0)}.series.json`, text);

      const { history, report, after } = await roundTrip();
      expect(report.rejected).toEqual([]);
      expect(Object.keys(history.series)).toEqual([runId(1)]);
      expect(history.files.map((f: { path: string }) => f.path)).toContain(
        `${runId(0)}.series.json`
      );
      expect(after[`${runId(0)}.series.json`]).toBe(text);
    });

    it('should restore a run from its data when its carried bytes are not that run', async () => {
      const run = makeRun({ id: runId(5), notebookPath: NB });
      const notebook = embedFiles(
        embedRuns(NOTEBOOK as unknown as INotebookLike, [run], {}),
        [{ path: `${runId(5)}.json`, data: encoder.encode('{"id": "x"}') }]
      );
      contents.dirs.add('in');
      contents.files.set('in/train.ipynb', JSON.stringify(notebook));
      const report = await transfer.restoreEmbedded('in/train.ipynb');
      expect(report.written).toEqual([`in/train.runs/${runId(5)}.json`]);
      expect(report.rejected).toEqual([
        expect.stringMatching(/^embedded file .*; restored from its data$/)
      ]);
      expect(contents.files.get(`in/train.runs/${runId(5)}.json`)).toBe(
        serializeRunFile(run)
      );
    });
  });

  describe('#exportZip and #importZip', () => {
    it('should carry the notebook and the whole folder, byte for byte', async () => {
      const zipPath = (await transfer.exportZip(NB)).path;
      expect(zipPath).toBe('work/train-with-runs.zip');
      const entries = Object.keys(
        unzipSync(base64ToBytes(btoa(contents.binary(zipPath))))
      ).sort();
      expect(entries).toContain('train.ipynb');
      expect(entries).toContain(`train.runs/${runId(1)}.artifacts/model.bin`);
      const report = await transfer.importZip(zipPath, 'imported');
      expect(report.rejected).toEqual([
        expect.stringContaining(`train.runs/${runId(9)}.json`)
      ]);
      const before = tree(FOLDER);
      delete before[`${runId(9)}.json`];
      expect(tree('imported/train.runs')).toEqual(before);
      expect(contents.binary('imported/train.ipynb')).toBe(contents.binary(NB));
    });

    it('should refuse a traversal entry and import the others', async () => {
      const { zipSync } = await import('fflate');
      const evil = zipSync({
        '../evil.txt': new Uint8Array([1]),
        'good.txt': new Uint8Array([2])
      });
      await contents.save('work/evil.zip', {
        type: 'file',
        format: 'base64',
        content: btoa(String.fromCharCode(...evil))
      });
      const report = await transfer.importZip('work/evil.zip');
      expect(report.rejected).toEqual([
        expect.stringMatching(/^\.\.\/evil\.txt .*"\.\."/)
      ]);
      expect(report.written).toEqual(['work/evil/good.txt']);
      expect(
        [...contents.files.keys()].filter(p => p.includes('evil.txt'))
      ).toEqual([]);
    });
  });

  describe('hostile entries', () => {
    const runs = Array.from({ length: 64 }, (_, i) =>
      makeRun({ id: runId(100 + i), notebookPath: 'in/train.ipynb' })
    );
    const runFiles = () => runs.map(r => `in/train.runs/${r.id}.json`).sort();
    const writtenRuns = (written: string[]) =>
      written.filter(p => /\/[0-9A-Z]{26}\.json$/.test(p)).sort();

    beforeEach(() => {
      contents.dirs.add('in');
    });

    it('should restore every valid embedded run beside an entry x and an entry x/y, naming both', async () => {
      const notebook = embedFiles(
        embedRuns(NOTEBOOK as unknown as INotebookLike, runs, {}),
        [
          { path: 'x', data: encoder.encode('file') },
          { path: 'x/y', data: encoder.encode('inside') },
          { path: 'notes.txt', data: encoder.encode('kept') }
        ]
      );
      contents.files.set('in/train.ipynb', JSON.stringify(notebook));
      const report = await transfer.restoreEmbedded('in/train.ipynb');
      expect(writtenRuns(report.written)).toEqual(runFiles());
      expect(report.written).toContain('in/train.runs/notes.txt');
      expect(report.rejected).toEqual([
        'x is a file, but "x/y" needs a folder of that name',
        'x/y is inside "x", which is also a file'
      ]);
      expect(contents.files.has('in/train.runs/x')).toBe(false);
      expect(contents.files.has('in/train.runs/x/y')).toBe(false);
    });

    it('should restore every valid run of a zip with x beside x/y', async () => {
      const files = [
        { path: 'train.ipynb', data: encoder.encode(JSON.stringify(NOTEBOOK)) },
        ...runs.map(r => ({
          path: `train.runs/${r.id}.json`,
          data: encoder.encode(JSON.stringify(r))
        })),
        { path: 'train.runs/x', data: encoder.encode('file') },
        { path: 'train.runs/x/y', data: encoder.encode('inside') }
      ];
      // bundleToZip would refuse nothing here: x and x/y are fine names.
      await contents.save('in/hostile.zip', {
        type: 'file',
        format: 'base64',
        content: bytesToBase64(bundleToZip(files))
      });
      const report = await transfer.importZip('in/hostile.zip', 'in');
      expect(writtenRuns(report.written)).toEqual(runFiles());
      expect(report.written).toContain('in/train.ipynb');
      expect(report.rejected).toEqual([
        'train.runs/x is a file, but "train.runs/x/y" needs a folder of that name',
        'train.runs/x/y is inside "train.runs/x", which is also a file'
      ]);
    });

    it('should go on when the server has a file where a folder is needed, or a folder where a file goes', async () => {
      contents.dirs.add('in/train.runs');
      contents.files.set('in/train.runs/x', 'already a file');
      contents.dirs.add(`in/train.runs/${runs[1].id}.json`);
      const notebook = embedFiles(
        embedRuns(NOTEBOOK as unknown as INotebookLike, runs, {}),
        [
          { path: 'x/y', data: encoder.encode('inside') },
          { path: 'x/z', data: encoder.encode('inside') }
        ]
      );
      contents.files.set('in/train.ipynb', JSON.stringify(notebook));
      const report = await transfer.restoreEmbedded('in/train.ipynb');
      expect(writtenRuns(report.written)).toEqual(
        runFiles().filter(p => !p.includes(runs[1].id))
      );
      expect(report.rejected).toEqual([
        'x/y could not be written: in/train.runs/x is a file on the server, not a folder',
        'x/z could not be written: in/train.runs/x is a file on the server, not a folder',
        `${runs[1].id}.json is a file, but in/train.runs/${runs[1].id}.json is a folder on the server`
      ]);
      expect(contents.files.get('in/train.runs/x')).toBe('already a file');
    });

    it('should go on when the server refuses one file', async () => {
      contents.failSave = path =>
        path.endsWith(`${runs[5].id}.json`) ? new Error('HTTP 403') : null;
      const notebook = embedRuns(
        NOTEBOOK as unknown as INotebookLike,
        runs,
        {}
      );
      contents.files.set('in/train.ipynb', JSON.stringify(notebook));
      const report = await transfer.restoreEmbedded('in/train.ipynb');
      expect(report.written).toHaveLength(63);
      expect(report.rejected).toEqual([
        `${runs[5].id}.json could not be written: HTTP 403`
      ]);
    });
  });

  describe('import target', () => {
    it.each([
      ['/', 'is the server root'],
      ['', 'is the server root'],
      ['/srv/data', 'is an absolute path'],
      ['\\\\server\\share', 'is an absolute path'],
      ['..', '".."'],
      ['../outside', '".."'],
      ['a/../../b', '".."'],
      ['.', '"."'],
      ['./a', '"."'],
      ['a//b', 'empty path segment'],
      ['C:/Windows', 'colon'],
      ['a/%2e%2e/b', 'percent']
    ])('should refuse %j', async (target, reason) => {
      expect(() => importTarget(target)).toThrow(reason);
      const zipPath = (await transfer.exportZip(NB)).path;
      const files = contents.files.size;
      await expect(transfer.importZip(zipPath, target)).rejects.toThrow(
        'give a folder inside the server root'
      );
      expect(contents.files.size).toBe(files);
    });

    it.each([
      ['imports', 'imports'],
      ['a/b/', 'a/b'],
      ['.hidden/runs', '.hidden/runs']
    ])('should take %j', (target, folder) => {
      expect(importTarget(target)).toBe(folder);
    });

    it('should refuse a target that is not a string', () => {
      expect(() => importTarget(42)).toThrow('must be a path');
    });
  });

  describe('#exportTable', () => {
    it('should write CSV and JSON beside the notebook', async () => {
      const csv = contents.files.get(await transfer.exportTable(NB, 'csv'))!;
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'id,name,experiment,status,startedAt,endedAt,durationMs,starred,metrics.loss'
      );
      expect(lines).toHaveLength(4);
      expect(lines[1]).toContain(`${runId(2)},best,baseline,ok`);
      const json = JSON.parse(
        contents.files.get(await transfer.exportTable(NB, 'json'))!
      );
      expect(json.runs).toHaveLength(3);
      expect(json.runs[1].metrics.loss.last).toBe('NaN');
    });
  });

  describe('#findRunsFolders', () => {
    it('should find runs folders whose notebook is gone', async () => {
      contents.files.delete(NB);
      contents.dirs.add('work/other.runs');
      contents.files.set('work/other.ipynb', '{}');
      expect(await transfer.findRunsFolders('work')).toEqual([
        {
          folder: 'work/other.runs',
          notebookPath: 'work/other.ipynb',
          hasNotebook: true
        },
        { folder: FOLDER, notebookPath: NB, hasNotebook: false }
      ]);
    });

    it('should find runs folders whose names hold `:`, `?` and `%41`', async () => {
      contents.files.delete(NB);
      contents.dirs.delete(FOLDER);
      for (const stem of ['a:b', 'q?', '%41']) {
        contents.dirs.add(`work/${stem}.runs`);
      }
      contents.files.set('work/q?.ipynb', '{}');
      expect(await transfer.findRunsFolders('work')).toEqual([
        {
          folder: 'work/%41.runs',
          notebookPath: 'work/%41.ipynb',
          hasNotebook: false
        },
        {
          folder: 'work/a:b.runs',
          notebookPath: 'work/a:b.ipynb',
          hasNotebook: false
        },
        {
          folder: 'work/q?.runs',
          notebookPath: 'work/q?.ipynb',
          hasNotebook: true
        }
      ]);
    });
  });

  describe('symbolic links (as the server extension reports them)', () => {
    const ARTIFACTS = `${FOLDER}/${runId(1)}.artifacts`;
    /** A transfer whose server extension reports these links. */
    const linked = (links: IFolderLink[]) =>
      new HistoryTransfer({
        contents: contents.asManager(),
        store,
        links: {
          check: async () => ({ checked: true, complete: true, links })
        }
      });

    beforeEach(() => {
      // What the folder elsewhere holds.
      contents.files.set(`${ARTIFACTS}/id_rsa`, 'SECRET-OUTSIDE');
    });

    const artifactsLink: IFolderLink = {
      path: ARTIFACTS,
      role: 'entry',
      scope: 'root',
      kind: 'directory'
    };
    const skippedEntry = {
      path: ARTIFACTS,
      reason: 'is a symbolic link to outside the server root'
    };

    it('should leave out of a zip what an artifacts link reaches, and list it', async () => {
      const report = await linked([artifactsLink]).exportZip(NB);
      expect(report.skipped).toEqual([skippedEntry]);
      expect(report.unchecked).toBeUndefined();
      const zip = unzipSync(base64ToBytes(btoa(contents.binary(report.path))));
      expect(Object.keys(zip).filter(p => p.includes('.artifacts'))).toEqual(
        []
      );
      for (const bytes of Object.values(zip)) {
        expect(new TextDecoder().decode(bytes)).not.toContain('SECRET-OUTSIDE');
      }
      expect(Object.keys(zip)).toContain(`train.runs/${runId(0)}.json`);
    });

    it('should leave out of an exported notebook what an artifacts link reaches, and list it', async () => {
      const report = await linked([artifactsLink]).exportNotebook(NB);
      expect(report.skipped).toEqual([skippedEntry]);
      const text = contents.files.get(report.path)!;
      expect(text).not.toContain(btoa('SECRET-OUTSIDE'));
      const history = JSON.parse(text).metadata[EMBED_METADATA_KEY];
      expect(
        history.files.filter((f: { path: string }) =>
          f.path.includes('.artifacts')
        )
      ).toEqual([]);
    });

    it('should export nothing of a runs folder that is itself a link outside', async () => {
      const report = await linked([
        { path: FOLDER, role: 'folder', scope: 'root', kind: 'directory' }
      ]).exportZip(NB);
      expect(report.skipped).toEqual([
        {
          path: FOLDER,
          reason: 'is a symbolic link to outside the server root'
        }
      ]);
      const zip = unzipSync(base64ToBytes(btoa(contents.binary(report.path))));
      expect(Object.keys(zip)).toEqual(['train.ipynb']);
    });

    it('should say when links could not be checked (no server extension)', async () => {
      const report = await new HistoryTransfer({
        contents: contents.asManager(),
        store,
        links: {
          check: async () => ({ checked: false, reason: 'no extension' })
        }
      }).exportZip(NB);
      expect(report.unchecked).toBe('no extension');
      expect(report.skipped).toEqual([]);
    });

    it('should never write an import through a link, and name it', async () => {
      const zipPath = (await transfer.exportZip(NB)).path;
      const target = 'imported';
      const report = await linked([
        {
          path: `${target}/train.runs`,
          role: 'entry',
          scope: 'root',
          kind: 'directory'
        }
      ]).importZip(zipPath, target);
      expect(report.written).toEqual(['imported/train.ipynb']);
      expect(report.rejected).toContainEqual(
        `train.runs/${runId(0)}.json is reached through the symbolic link imported/train.runs, which leads outside the server root`
      );
      expect(
        [...contents.files.keys()].filter(p =>
          p.startsWith('imported/train.runs')
        )
      ).toEqual([]);
    });
  });
});
