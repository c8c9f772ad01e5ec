import { Signal } from '@lumino/signaling';
import { DEFAULT_CAPTURE_SETTINGS } from '../../capture/settings';
import type { IRunRecord, IRunSummary } from '../../core/run';
import type { IRunStore } from '../../tokens';
import {
  ReproductionCancelled,
  ReproductionCellFailed,
  type ReproduceKernel
} from '../kernelRun';
import {
  RunReproducer,
  reproductionSessionPath,
  type ReproduceProgress
} from '../reproducer';

/** Loose message shapes: the fake plays the kernel's side of the protocol. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const LOG = 'application/vnd.jupyterlab-runs.log+json';
const ENV_HASH = 'e'.repeat(64);
const ENV = { python: { version: '3.12.1' }, packages: { numpy: '2.0.0' } };
const ORIGINAL_ID = '01J00000000000000000000000';

/** How the fake kernel answers one cell. */
interface ICellScript {
  /** The reply status; 'hang' never replies (until interrupted). */
  reply?: 'ok' | 'error' | 'hang';
  stdout?: string;
  acc?: number;
  /** Params the kernel's snapshot of the cell holds. */
  params?: Record<string, unknown>;
}

/**
 * A kernel that plays a script per cell, as ipykernel with
 * jupyterlab_runs would: execute_input, outputs, logging display, the
 * snapshot on the control comm (named by the request), then the reply.
 */
class FakeKernel {
  constructor(private _script: (code: string) => ICellScript) {}
  iopubMessage = new Signal<this, Json>(this);
  requests: { content: Json; metadata: Json }[] = [];
  interrupted = 0;
  comms: string[] = [];
  registerOk = true;
  /** Snapshots in the cells' execute replies (`reply_snapshots`), not on IOPub. */
  replySnapshots = false;
  info = Promise.resolve({
    implementation: 'ipython',
    implementation_version: '9',
    language_info: { name: 'python', version: '3.12.1' }
  } as Json);
  private _n = 0;
  private _hung: (() => void) | null = null;

  createComm(target: string) {
    this.comms.push(target);
    return { commsOverSubshells: 'perCommTarget', open: () => undefined };
  }

  interrupt() {
    this.interrupted++;
    this._hung?.();
    return Promise.resolve();
  }

  requestExecute(content: Json, _dispose?: boolean, metadata?: Json) {
    this.requests.push({ content, metadata });
    const msgId = `req-${++this._n}`;
    const header = {
      msg_id: msgId,
      date: new Date(1e12 + this._n).toISOString()
    };
    if (content.silent) {
      return {
        msg: { header },
        done: Promise.resolve({
          content: { status: this.registerOk ? 'ok' : 'error' }
        })
      };
    }
    const script = this._script(content.code);
    const emit = (type: string, c: object) =>
      this.iopubMessage.emit({
        header: { msg_type: type, msg_id: `${msgId}-${type}` },
        parent_header: { msg_id: msgId },
        content: c
      });
    const done = new Promise<Json>(resolve => {
      setTimeout(() => {
        emit('execute_input', { code: content.code, execution_count: this._n });
        if (script.stdout) {
          emit('stream', { name: 'stdout', text: script.stdout });
        }
        if (script.acc !== undefined) {
          emit('display_data', {
            data: {
              [LOG]: {
                v: 1,
                seq: 1,
                final: true,
                exec_id: `x${msgId}`,
                delta: {
                  metrics: { acc: { steps: [0], values: [script.acc] } }
                }
              }
            },
            metadata: {}
          });
        }
        const tags: string[] = metadata?.tags ?? [];
        const payload: object[] = [];
        if (
          this.registerOk &&
          tags.some(t => t === 'parameters' || t.startsWith('experiment'))
        ) {
          const snapshot = {
            params: script.params ?? {},
            ...(tags.includes('parameters')
              ? {}
              : {
                  environment: { hash: ENV_HASH, ...ENV },
                  datasets: [
                    { path: 'sweep-data.csv', sha256: 'd'.repeat(64), size: 3 }
                  ],
                  slice: {
                    executions: this.requests
                      .filter(
                        r => !r.content.silent && r !== this.requests.at(-1)
                      )
                      .map(r => ({
                        cellId: r.metadata.cellId,
                        code: r.content.code
                      })),
                    unresolved: [],
                    truncated: false,
                    unseen: 0,
                    historyCount: 3
                  }
                })
          };
          const data = {
            key: '',
            request: msgId,
            json: JSON.stringify(snapshot)
          };
          if (this.replySnapshots) {
            payload.push({ source: 'jupyterlab_runs.snapshot', ...data });
          } else {
            emit('comm_msg', { comm_id: 'c', data: { snapshot: data } });
          }
        }
        const finish = (status: string) => {
          if (status === 'error') {
            emit('error', {
              ename: 'NameError',
              evalue: "name 'x' is not defined",
              traceback: []
            });
          }
          resolve({
            content:
              status === 'ok'
                ? { status: 'ok', payload }
                : {
                    status: 'error',
                    ename: 'NameError',
                    evalue: "name 'x' is not defined",
                    payload
                  }
          });
        };
        if (script.reply === 'hang') {
          this._hung = () => finish('error');
        } else {
          finish(script.reply ?? 'ok');
        }
      }, 0);
    });
    return { msg: { header }, done };
  }
}

function original(): IRunRecord {
  return {
    schemaVersion: 2,
    id: ORIGINAL_ID,
    notebookPath: 'dir/sweep.ipynb',
    cellId: 'train',
    experiment: 'logreg',
    code: 'acc = train()',
    executionCount: 3,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
    status: 'ok',
    outputs: [{ output_type: 'stream', name: 'stdout', text: 'done\n' }],
    kernel: { name: 'python3', language: 'python', languageVersion: '3.12.1' },
    extensionVersion: '0.0.0',
    params: { seed: 1, batch: 16 },
    paramSources: { seed: 'parameters', batch: 'inferred' },
    metrics: {
      acc: { last: 0.85, min: 0.85, max: 0.85, count: 1, lastStep: 0 }
    },
    hasSeries: true,
    datasets: [
      {
        path: 'sweep-data.csv',
        sha256: 'd'.repeat(64),
        size: 3,
        source: 'literal'
      }
    ],
    environment: { deepProbe: true, hash: ENV_HASH },
    lineage: {
      scope: 'slice',
      entries: [
        {
          cellId: 'params',
          executionCount: 1,
          code: 'seed = 1',
          state: 'unchanged'
        },
        {
          cellId: 'data',
          executionCount: 2,
          code: 'X = make(seed)',
          state: 'unchanged'
        }
      ]
    }
  };
}

function setUp(
  script: (code: string) => ICellScript,
  listed: IRunSummary[] = [],
  stored: Record<string, IRunRecord> = {}
) {
  const kernel = new FakeKernel(script);
  const saved: IRunRecord[] = [];
  const files: string[] = [];
  const sessions: { path: string; kernelName: string }[] = [];
  let shutdowns = 0;
  const records: Record<string, IRunRecord> = {
    [ORIGINAL_ID]: original(),
    ...stored
  };
  const store = {
    get: async (_nb: string, id: string) => structuredClone(records[id]),
    list: async () => ({
      notebookPath: 'dir/sweep.ipynb',
      runs: listed,
      warnings: []
    }),
    save: async (record: IRunRecord) => void saved.push(record),
    writeFile: async (_nb: string, path: string) => void files.push(path)
  } as unknown as IRunStore;
  const reproducer = new RunReproducer({
    store,
    settings: () => ({ ...DEFAULT_CAPTURE_SETTINGS, snapshotTimeoutMs: 200 }),
    relativeTolerance: () => undefined,
    readText: async (_nb, path) => {
      if (path !== `env-${ENV_HASH}.json`) {
        throw new Error('not found');
      }
      return JSON.stringify(ENV);
    },
    startKernel: async options => {
      sessions.push(options);
      return {
        kernel: kernel as unknown as ReproduceKernel,
        shutdown: async () => void shutdowns++
      };
    }
  });
  return {
    kernel,
    saved,
    files,
    sessions,
    reproducer,
    shutdowns: () => shutdowns
  };
}

const sameAsOriginal = (code: string): ICellScript =>
  code === 'acc = train()'
    ? { acc: 0.85, stdout: 'done\n', params: { batch: 16 } }
    : code === 'seed = 1'
      ? { params: { seed: 1 } }
      : {};

describe('RunReproducer', () => {
  describe('#reproduce', () => {
    it('should run the notebook cell by cell in a fresh kernel and record a linked run that reproduced exactly', async () => {
      const t = setUp(sameAsOriginal);
      const progress: ReproduceProgress[] = [];
      const record = await t.reproducer.reproduce(
        'dir/sweep.ipynb',
        ORIGINAL_ID,
        p => progress.push(p)
      ).done;

      expect(progress).toEqual([
        { phase: 'starting' },
        { phase: 'cell', index: 0, total: 3 },
        { phase: 'cell', index: 1, total: 3 },
        { phase: 'cell', index: 2, total: 3 },
        { phase: 'recording' }
      ]);
      // A kernel of the run's kernelspec, in a session beside the notebook.
      expect(t.sessions).toEqual([
        {
          kernelName: 'python3',
          path: expect.stringMatching(
            /^dir\/sweep\.reproduce-01J0{23}-\w+\.ipynb$/
          )
        }
      ]);
      expect(t.shutdowns()).toBe(1);
      // The kernel side is set up for the original notebook, then each cell
      // goes with its id and tags, as JupyterLab sends them.
      expect(t.kernel.requests[0].content.code).toContain('register(');
      expect(t.kernel.requests[0].content.code).toContain('dir/sweep.ipynb');
      expect(t.kernel.comms).toEqual(['jupyterlab-runs-control']);
      expect(t.kernel.requests.slice(1).map(r => r.metadata)).toEqual([
        { cellId: 'params', tags: ['parameters'] },
        { cellId: 'data', tags: [] },
        { cellId: 'train', tags: ['experiment:logreg'] }
      ]);

      expect(t.saved).toEqual([record]);
      expect(record.id).not.toBe(ORIGINAL_ID);
      expect(record.reproducedFrom).toBe(ORIGINAL_ID);
      expect(record.status).toBe('ok');
      expect(record.params).toEqual({ seed: 1, batch: 16 });
      expect(record.metrics?.acc.last).toBe(0.85);
      expect(record.lineage?.entries.map(e => e.cellId)).toEqual([
        'params',
        'data'
      ]);
      expect(record.lineage?.scope).toBe('slice');
      expect(record.provenance?.state).toBe('clean');
      expect(record.reproduction).toEqual(
        expect.objectContaining({ of: ORIGINAL_ID, verdict: 'exact' })
      );
      expect(t.files).toContain(`env-${ENV_HASH}.json`);
    });

    it('should take the snapshots from the cells’ execute replies, as a kernel asked for them sends them', async () => {
      const t = setUp(sameAsOriginal);
      t.kernel.replySnapshots = true;
      const record = await t.reproducer.reproduce(
        'dir/sweep.ipynb',
        ORIGINAL_ID,
        () => undefined
      ).done;
      expect(record.params).toEqual({ seed: 1, batch: 16 });
      expect(record.lineage?.scope).toBe('slice');
      expect(record.provenance?.state).toBe('clean');
      expect(record.reproduction?.verdict).toBe('exact');
    });

    it('should record a run that differs, naming the metric, and suspect unseeded randomness against an earlier reproduction', async () => {
      const earlier: IRunRecord = {
        ...original(),
        id: '01J00000000000000000000001',
        reproducedFrom: ORIGINAL_ID,
        metrics: {
          acc: { last: 0.8, min: 0.8, max: 0.8, count: 1, lastStep: 0 }
        }
      };
      const t = setUp(
        code =>
          code === 'acc = train()'
            ? { acc: 0.9, stdout: 'done\n' }
            : sameAsOriginal(code),
        [
          {
            id: earlier.id,
            notebookPath: 'dir/sweep.ipynb',
            experiment: 'logreg',
            status: 'ok',
            startedAt: earlier.startedAt,
            endedAt: earlier.endedAt,
            durationMs: 1,
            executionCount: 3,
            reproduction: { of: ORIGINAL_ID, verdict: 'differs' }
          }
        ],
        { [earlier.id]: earlier }
      );
      const record = await t.reproducer.reproduce(
        'dir/sweep.ipynb',
        ORIGINAL_ID
      ).done;
      expect(record.reproduction?.verdict).toBe('differs');
      expect(record.reproduction?.differences.metrics).toEqual([
        expect.objectContaining({
          name: 'acc',
          original: 0.85,
          reproduced: 0.9,
          withinTolerance: false
        })
      ]);
      expect(record.reproduction?.unseededRandomness).toEqual({
        disagreesWith: [earlier.id]
      });
    });

    it('should interrupt and shut the kernel down on cancel, and record nothing', async () => {
      const t = setUp(code =>
        code === 'X = make(seed)' ? { reply: 'hang' } : sameAsOriginal(code)
      );
      let reproduction: ReturnType<RunReproducer['reproduce']>;
      const cancelledAt = new Promise<void>(resolve => {
        reproduction = t.reproducer.reproduce(
          'dir/sweep.ipynb',
          ORIGINAL_ID,
          p => {
            if (p.phase === 'cell' && p.index === 1) {
              setTimeout(() => {
                reproduction.cancel();
                resolve();
              }, 20);
            }
          }
        );
      });
      await cancelledAt;
      await expect(reproduction!.done).rejects.toBeInstanceOf(
        ReproductionCancelled
      );
      expect(t.kernel.interrupted).toBe(1);
      expect(t.shutdowns()).toBe(1);
      expect(t.saved).toEqual([]);
      // The experiment cell was never sent.
      expect(t.kernel.requests.map(r => r.metadata?.cellId)).not.toContain(
        'train'
      );
    });

    it('should shut the kernel down when a cell before the experiment fails, and record nothing', async () => {
      const t = setUp(code =>
        code === 'X = make(seed)' ? { reply: 'error' } : sameAsOriginal(code)
      );
      const done = t.reproducer.reproduce('dir/sweep.ipynb', ORIGINAL_ID).done;
      await expect(done).rejects.toBeInstanceOf(ReproductionCellFailed);
      await expect(done).rejects.toThrow(
        "Cell 2 failed: NameError: name 'x' is not defined"
      );
      expect(t.shutdowns()).toBe(1);
      expect(t.saved).toEqual([]);
    });

    it('should record a failing experiment cell as an error run that differs', async () => {
      const t = setUp(code =>
        code === 'acc = train()' ? { reply: 'error' } : sameAsOriginal(code)
      );
      const record = await t.reproducer.reproduce(
        'dir/sweep.ipynb',
        ORIGINAL_ID
      ).done;
      expect(t.shutdowns()).toBe(1);
      expect(record.status).toBe('error');
      expect(record.error?.ename).toBe('NameError');
      expect(record.reproduction?.verdict).toBe('differs');
      expect(record.reproduction?.status).toEqual({
        original: 'ok',
        reproduced: 'error'
      });
    });

    it('should still record the run, without a snapshot, when jupyterlab_runs is not importable in the kernel', async () => {
      const t = setUp(sameAsOriginal);
      t.kernel.registerOk = false;
      const record = await t.reproducer.reproduce(
        'dir/sweep.ipynb',
        ORIGINAL_ID
      ).done;
      expect(t.kernel.comms).toEqual([]);
      expect(record.environment?.deepProbe).toBe(false);
      expect(record.environment?.reason).toMatch(/not importable/);
      expect(t.shutdowns()).toBe(1);
    });
  });
});

describe('reproductionSessionPath', () => {
  it('should be beside the notebook, never the notebook itself, and unique per start', () => {
    const a = reproductionSessionPath('a/b/nb.ipynb', ORIGINAL_ID, 1);
    const b = reproductionSessionPath('a/b/nb.ipynb', ORIGINAL_ID, 2);
    expect(a).toMatch(/^a\/b\/nb\.reproduce-/);
    expect(a).not.toBe('a/b/nb.ipynb');
    expect(a).not.toBe(b);
    expect(reproductionSessionPath('nb.ipynb', ORIGINAL_ID, 1)).toMatch(
      /^nb\.reproduce-/
    );
  });
});
