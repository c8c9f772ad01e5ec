/**
 * Reproduce Run: rebuild a run's notebook (`runNotebookCells`, the same
 * builder "Open as Notebook" uses), execute it in a fresh kernel of the
 * run's kernelspec (`KernelRun`), record the experiment cell's execution
 * as a new run linked to the original (`reproducedFrom`) with the verdict
 * (`reproductionVerdict`), and always shut the kernel down — after the
 * run, an error or a cancel.
 */
import { readKernelSlice } from '../core/capture/lineage';
import { describeRun } from '../core/capture/provenance';
import { notebookStem } from '../core/paths';
import { recordExecution } from '../core/record';
import { runNotebookCells } from '../core/reproduce/notebook';
import {
  reproductionVerdict,
  runResults,
  type IRunResults
} from '../core/reproduce/verdict';
import type { IRunEnvironmentRef, IRunKernel, IRunRecord } from '../core/run';
import { environmentRef, finalizeRun } from '../capture/finalize';
import { kernelOptions, type ICaptureSettings } from '../capture/settings';
import { storeRun } from '../capture/storeRun';
import type { IRunStore } from '../tokens';
import {
  KernelRun,
  ReproductionCancelled,
  type ReproduceKernel
} from './kernelRun';

/** Earlier reproductions compared for unseeded randomness, at most. */
const MAX_EARLIER = 10;

/** A kernel started for one reproduction. */
export interface IReproduceSession {
  kernel: ReproduceKernel;
  /** Shut the kernel down (and end its session). */
  shutdown(): Promise<void>;
}

/** Progress of a reproduction, for the user. */
export type ReproduceProgress =
  | { phase: 'starting' }
  | { phase: 'cell'; index: number; total: number }
  | { phase: 'recording' };

/** A reproduction under way. */
export interface IReproduction {
  /** The new run, once recorded. */
  readonly done: Promise<IRunRecord>;
  /** Interrupt the kernel and shut it down; `done` rejects with `ReproductionCancelled`. */
  cancel(): void;
}

export class RunReproducer {
  constructor(options: RunReproducer.IOptions) {
    this._options = options;
  }

  /** Start reproducing run `runId` of `notebookPath`. */
  reproduce(
    notebookPath: string,
    runId: string,
    progress: (p: ReproduceProgress) => void = () => undefined
  ): IReproduction {
    let cancelled = false;
    let kernelRun: KernelRun | null = null;
    const done = this._reproduce(notebookPath, runId, progress, {
      isCancelled: () => cancelled,
      started: k => (kernelRun = k)
    });
    return {
      done,
      cancel: () => {
        cancelled = true;
        kernelRun?.cancel();
      }
    };
  }

  private async _reproduce(
    notebookPath: string,
    runId: string,
    progress: (p: ReproduceProgress) => void,
    control: { isCancelled(): boolean; started(k: KernelRun): void }
  ): Promise<IRunRecord> {
    const { store } = this._options;
    const settings = this._options.settings();
    const original = await store.get(notebookPath, runId);
    const cells = runNotebookCells(original);
    progress({ phase: 'starting' });
    const session = await this._options.startKernel({
      path: reproductionSessionPath(notebookPath, runId, Date.now()),
      kernelName: original.kernel.name
    });
    let observed;
    let kernel: IRunKernel;
    try {
      if (control.isCancelled()) {
        throw new ReproductionCancelled();
      }
      const kernelRun = new KernelRun({
        kernel: session.kernel,
        cells,
        experiment: original.experiment
      });
      control.started(kernelRun);
      observed = await kernelRun.execute(
        {
          kernelOptions: kernelOptions(
            settings,
            settings.captureEnvironment,
            store.resolvePath?.(notebookPath) ?? notebookPath
          ),
          snapshotTimeoutMs: settings.snapshotTimeoutMs
        },
        (index, total) => progress({ phase: 'cell', index, total })
      );
      kernel = await kernelInfo(session.kernel, original.kernel.name);
    } finally {
      await session
        .shutdown()
        .catch(e => console.warn('jupyterlab-runs: kernel not shut down', e));
    }
    progress({ phase: 'recording' });
    const { run, armed, parameters, endedAt } = observed;
    const snapshot = run.snapshot;
    const env = settings.captureEnvironment
      ? environmentRef(snapshot, new Date())
      : null;
    const environment: IRunEnvironmentRef = env?.ref ?? {
      deepProbe: false,
      reason: !settings.captureEnvironment
        ? 'Environment capture is turned off in the settings.'
        : armed
          ? 'The kernel did not send an environment snapshot in time.'
          : "jupyterlab_runs is not importable in this kernel: install jupyterlab-runs in the kernel's environment to record packages, git state and parameters."
    };
    const slice = readKernelSlice(snapshot?.slice);
    const notebookCells = new Map(
      cells.map((c, index) => [c.id, { index, source: c.source }])
    );
    // Checked against the notebook the reproduction ran, top to bottom.
    const checked = settings.captureLineage
      ? describeRun(
          slice,
          notebookCells,
          {
            cellId: run.cellId,
            code: run.code,
            executionCount: run.executionCount
          },
          null
        )
      : {};
    const final = finalizeRun(run, run.outputs.toJSON(), {
      settings,
      snapshot,
      parameters,
      environment,
      ...checked
    });
    run.outputs.dispose();
    const record: IRunRecord = {
      ...recordExecution({
        id: run.id,
        notebookPath: store.resolvePath?.(notebookPath) ?? notebookPath,
        cellId: run.cellId ?? '',
        experiment: run.experiment,
        code: run.code,
        executionCount: run.executionCount,
        startedAt: Math.min(run.startedAt ?? run.scheduledAt, endedAt),
        endedAt,
        success: run.error === null,
        error: run.error,
        outputs: final.outputs,
        kernel
      }),
      ...final.fields,
      reproducedFrom: original.id
    };
    const envFile = env?.files.find(f => f.name.startsWith('env-'));
    const reproduced = runResults(
      record,
      envFile ? JSON.parse(envFile.content) : undefined
    );
    record.reproduction = reproductionVerdict(
      await this._results(notebookPath, original),
      reproduced,
      {
        relativeTolerance: this._options.relativeTolerance(),
        earlier: await this._earlier(notebookPath, original.id)
      }
    );
    for (const file of env?.files ?? []) {
      await store
        .writeFile(notebookPath, file.name, file.content, 'text')
        .catch(e =>
          console.warn('jupyterlab-runs: environment not written', e)
        );
    }
    await storeRun(store, record, final);
    return record;
  }

  /** A run's results, with its environment file when it can be read. */
  private async _results(
    notebookPath: string,
    record: IRunRecord
  ): Promise<IRunResults> {
    const hash = record.environment?.hash;
    let env: unknown = undefined;
    if (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)) {
      env = await this._options
        .readText(notebookPath, `env-${hash}.json`)
        .then(text => JSON.parse(text) as unknown)
        .catch(() => undefined);
    }
    return runResults(record, env);
  }

  /** The latest earlier reproductions of run `of`, newest first. */
  private async _earlier(
    notebookPath: string,
    of: string
  ): Promise<IRunResults[]> {
    const { store } = this._options;
    const listing = await store.list(notebookPath).catch(() => null);
    const ids = (listing?.runs ?? [])
      .filter(r => r.reproduction?.of === of && r.status !== 'running')
      .slice(0, MAX_EARLIER)
      .map(r => r.id);
    const out: IRunResults[] = [];
    for (const id of ids) {
      try {
        out.push(
          await this._results(notebookPath, await store.get(notebookPath, id))
        );
      } catch {
        // An unreadable earlier reproduction is just not compared.
      }
    }
    return out;
  }

  private _options: RunReproducer.IOptions;
}

export namespace RunReproducer {
  export interface IOptions {
    store: IRunStore;
    /** Start a kernel of `kernelName` whose session is named `path`. */
    startKernel(options: {
      path: string;
      kernelName: string;
    }): Promise<IReproduceSession>;
    /** A file of a notebook's runs folder, by relative path. */
    readText(notebookPath: string, relativePath: string): Promise<string>;
    /** The capture settings now (schema/recorder.json). */
    settings(): ICaptureSettings;
    /** The relative tolerance now (schema/reproduce.json); undefined: the default. */
    relativeTolerance(): number | undefined;
  }
}

/**
 * The session path of a reproduction kernel: beside the notebook (the
 * kernel starts in the notebook's folder, so relative data paths resolve
 * as they did), never the notebook's own path (the server would hand back
 * the notebook's kernel), unique per reproduction.
 */
export function reproductionSessionPath(
  notebookPath: string,
  runId: string,
  now: number
): string {
  const slash = notebookPath.lastIndexOf('/');
  const dir = slash >= 0 ? notebookPath.slice(0, slash + 1) : '';
  return `${dir}${notebookStem(notebookPath)}.reproduce-${runId}-${now.toString(36)}.ipynb`;
}

async function kernelInfo(
  kernel: ReproduceKernel,
  name: string
): Promise<IRunKernel> {
  const out: IRunKernel = { name, language: '', languageVersion: '' };
  try {
    const info = await kernel.info;
    out.language = info.language_info.name ?? '';
    out.languageVersion = info.language_info.version ?? '';
    out.implementation = info.implementation;
    out.implementationVersion = info.implementation_version;
  } catch {
    // The name is enough to compare kernels.
  }
  return out;
}
