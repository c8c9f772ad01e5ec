/**
 * Notebooks written by the tests and benchmarks, as a user's would be:
 * nbformat 4.5, code cells with ids, and a Python 3 kernel named so that
 * opening one asks nothing (a modal "Select Kernel" would hold the page, as
 * it holds a user).
 */

/** A code cell, never run. */
export interface ICodeCell {
  cell_type: 'code';
  id: string;
  metadata: { tags: string[] };
  source: string;
  outputs: [];
  execution_count: null;
}

/** A code cell with this id, source and tags. */
export function codeCell(
  id: string,
  source: string,
  tags: string[] = []
): ICodeCell {
  return {
    cell_type: 'code',
    id,
    metadata: { tags },
    source,
    outputs: [],
    execution_count: null
  };
}

/** A notebook's file text, with these cells. */
export function notebookJson(cells: ICodeCell[] = []): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    cells
  });
}
