/**
 * A runs model over a real store (ContentsRunStore over an in-memory
 * Contents API) and a recorder double whose live series are the real ones
 * (`LiveSeries` over `LogStream`), for specs of the model and its views.
 */
import 'fake-indexeddb/auto';
import { Signal } from '@lumino/signaling';
import { LiveSeries } from '../../capture/liveSeries';
import { LogStream } from '../../core/capture/logStream';
import { makeRun } from '../../core/__tests__/fixtures';
import type { RunSeries } from '../../core/history/series';
import { summarize, type IRunRecord, type IRunSummary } from '../../core/run';
import { ContentsRunStore } from '../../storage/contentsRunStore';
import { MemoryOutboxStorage } from '../../storage/outbox';
import { MemoryContents } from '../../storage/__tests__/memoryContents';
import type { ILiveSeries, IRunRecorder } from '../../tokens';
import { RunsModel } from '../runsModel';

export const NB = 'work/train.ipynb';

/** Runs in flight as the recorder reports them: live summaries and series. */
export class RecorderDouble {
  readonly runUpdated = new Signal<IRunRecorder, IRunSummary>(this as never);

  liveSeries(id: string): ILiveSeries | null {
    return this._runs.get(id)?.live ?? null;
  }

  /** The kernel started the run's execution. */
  start(id: string): void {
    const stream = new LogStream();
    this._runs.set(id, { stream, live: null, seq: 0 });
    this._runs.get(id)!.live = new LiveSeries(id, stream);
    this.runUpdated.emit(summarize(running(id)));
  }

  /** One log message of `n` points of `loss`, then a live summary. */
  log(id: string, n: number): void {
    const r = this._runs.get(id)!;
    const from = r.stream.series.get('loss')?.step.length ?? 0;
    const steps = Array.from({ length: n }, (_, i) => from + i);
    r.stream.apply({
      v: 1,
      seq: ++r.seq,
      delta: {
        metrics: { loss: { steps, values: steps.map(s => 1 / (s + 1)) } }
      }
    });
    r.live!.update();
    const a = r.stream.aggregates.get('loss')!;
    this.runUpdated.emit({
      ...summarize(running(id)),
      metrics: { loss: { ...a } }
    });
  }

  /** Every point logged by a run, as the store will keep them. */
  series(id: string): RunSeries {
    const s = this._runs.get(id)!.stream.series.get('loss')!;
    return {
      loss: { step: [...s.step], value: [...s.value], time: [...s.time] }
    };
  }

  /** The run was handed to the store: no longer in flight. */
  end(id: string): void {
    this._runs.get(id)?.live?.dispose();
    this._runs.delete(id);
  }

  private _runs = new Map<
    string,
    { stream: LogStream; live: LiveSeries | null; seq: number }
  >();
}

export function running(id: string): IRunRecord {
  return makeRun({
    id,
    notebookPath: NB,
    status: 'running',
    endedAt: null,
    durationMs: null
  });
}

export async function setUp() {
  const contents = new MemoryContents();
  contents.dirs.add('work');
  const store = new ContentsRunStore({
    contents: contents.asManager(),
    writerId: '01JDQ7W0000000000000000001',
    outbox: new MemoryOutboxStorage(),
    shardDelayMs: 60_000,
    backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000, jitter: 0 }
  });
  const recorder = new RecorderDouble();
  const model = new RunsModel({ store, recorder });
  await model.setNotebook(NB);
  return {
    contents,
    store,
    recorder,
    model,
    /** Server reads of series files so far. */
    seriesReads: () => contents.reads.filter(p => p.endsWith('.series.json')),
    dispose() {
      model.dispose();
      store.dispose();
    }
  };
}
