/**
 * The notebook of a run: its dependency slice and params as cells that run
 * top to bottom. "Open as Notebook" saves it and "Reproduce Run" executes
 * it, so what a user opens is exactly what a reproduction ran.
 */
import { runDetails } from '../compare/details';
import { rebuildCells, type IRebuiltCell } from '../compare/restore';
import type { IRunRecord } from '../run';

/** A code cell of a run's notebook, with the id it runs under. */
export interface IRunNotebookCell extends IRebuiltCell {
  /** A valid, unique nbformat cell id (the original one when it can be). */
  id: string;
}

/** nbformat 4.5 JSON of a run's notebook. */
export interface IRunNotebook {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: {
    kernelspec: { name: string; display_name: string; language: string };
    'jupyterlab-runs': { rebuiltFrom: string };
  };
  cells: Record<string, unknown>[];
}

/** nbformat 4.5 cell ids: 1–64 of these characters. */
const CELL_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** The experiment tag a run's cell had. */
export function experimentTag(record: Pick<IRunRecord, 'experiment'>): string {
  return record.experiment ? `experiment:${record.experiment}` : 'experiment';
}

/**
 * The code cells of a run's notebook, in order: `rebuildCells` over the
 * run's lineage (its slice), params and code. Each keeps the id of the
 * notebook cell it ran from when that is a valid nbformat id not already
 * used, so a reproduction's lineage names the same cells.
 */
export function runNotebookCells(record: IRunRecord): IRunNotebookCell[] {
  const d = runDetails(record);
  const cells = rebuildCells({
    params: d.params,
    paramSources: record.paramSources,
    lineage: d.lineage.entries,
    code: record.code,
    cellId: record.cellId || null,
    experimentTag: experimentTag(record)
  });
  const used = new Set<string>(['run-origin']);
  return cells.map((cell, i) => {
    let id = cell.cellId ?? '';
    if (!CELL_ID.test(id) || used.has(id)) {
      id = `run-cell-${i}`;
      for (let n = 2; used.has(id); n++) {
        id = `run-cell-${i}-${n}`;
      }
    }
    used.add(id);
    return { ...cell, id };
  });
}

/**
 * The whole notebook: a markdown cell saying where it came from (`heading`,
 * already translated), then the run's cells, no outputs.
 */
export function runNotebook(record: IRunRecord, heading: string): IRunNotebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: record.kernel.name,
        display_name: record.kernel.name,
        language: record.kernel.language
      },
      'jupyterlab-runs': { rebuiltFrom: record.id }
    },
    cells: [
      {
        cell_type: 'markdown',
        id: 'run-origin',
        metadata: {},
        source: heading
      },
      ...runNotebookCells(record).map(c => ({
        cell_type: 'code',
        id: c.id,
        metadata: { tags: c.tags },
        source: c.source,
        outputs: [],
        execution_count: null
      }))
    ]
  };
}
