import { unzipSync } from 'fflate';
import { makeRun } from '../../core/__tests__/fixtures';
import { runId } from '../../core/history/__tests__/fixtures';
import { EMBED_METADATA_KEY, base64ToBytes } from '../../core/history';
import { ContentsRunStore } from '../contentsRunStore';
import { HistoryTransfer } from '../transfer';
import { MemoryContents } from './memoryContents';

const NB = 'work/train.ipynb';
const FOLDER = 'work/train.runs';
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
      const exported = await transfer.exportNotebook(NB);
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
        'env-0123.json'
      ]);

      // Import into a fresh folder.
      contents.dirs.add('fresh');
      contents.files.set('fresh/train.ipynb', contents.files.get(exported)!);
      expect(await transfer.embeddedToRestore('fresh/train.ipynb')).toBe(3);
      const report = await transfer.restoreEmbedded('fresh/train.ipynb');
      expect(report.rejected).toEqual([]);
      expect(await transfer.embeddedToRestore('fresh/train.ipynb')).toBe(0);

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
      const exported = await transfer.exportNotebook(NB);
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

  describe('#exportZip and #importZip', () => {
    it('should carry the notebook and the whole folder, byte for byte', async () => {
      const zipPath = await transfer.exportZip(NB);
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

    it('should refuse an archive with a traversal entry', async () => {
      const { zipSync } = await import('fflate');
      const evil = zipSync({ '../evil.txt': new Uint8Array([1]) });
      await contents.save('work/evil.zip', {
        type: 'file',
        format: 'base64',
        content: btoa(String.fromCharCode(...evil))
      });
      await expect(transfer.importZip('work/evil.zip')).rejects.toThrow('..');
      expect(
        [...contents.files.keys()].filter(p => p.includes('evil.txt'))
      ).toEqual([]);
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
  });
});
