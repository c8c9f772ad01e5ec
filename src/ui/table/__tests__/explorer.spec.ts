import type { IRunSummary } from '../../../core/run';
import { RunsExplorer } from '../explorer';
import { RunsTableModel } from '../model';

const trans = {
  __: (s: string, ...a: unknown[]) =>
    s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1])),
  _n: (s: string, p: string, n: number, ...a: unknown[]) =>
    (n === 1 ? s : p).replace(/%(\d)/g, (_, k) =>
      String([n, ...a][Number(k) - 1])
    )
} as never;

function run(i: number, status: IRunSummary['status'] = 'ok'): IRunSummary {
  return {
    id: `RUN${String(i).padStart(5, '0')}`,
    notebookPath: 'nb.ipynb',
    name: `run ${i}`,
    experiment: 'exp',
    status,
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    endedAt: null,
    durationMs: i,
    executionCount: i,
    params: { lr: i / 10 },
    metrics: { acc: { last: i, min: 0, max: i, count: 1, lastStep: 0 } }
  };
}

describe('RunsExplorer', () => {
  let model: RunsTableModel;
  let explorer: RunsExplorer;

  beforeEach(() => {
    jest.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 0);
    model = new RunsTableModel();
    model.setRuns(Array.from({ length: 20 }, (_, i) => run(i)));
    explorer = new RunsExplorer({ model, trans });
    document.body.append(explorer.node);
    explorer.active = true;
    explorer.render();
  });

  afterEach(() => {
    explorer.dispose();
    model.dispose();
    explorer.node.remove();
    jest.restoreAllMocks();
  });

  /** The tools above the table: the query row (with the count), the toolbar. */
  const tools = () => [
    explorer.node.querySelector<HTMLElement>('.jp-RunsExplorer-queryRow')!,
    explorer.toolbar.hostNode
  ];
  const count = () =>
    explorer.node.querySelector<HTMLElement>('.jp-RunsExplorer-count')!;

  it('should leave the toolbar untouched when a run changes but not its counts', () => {
    const observer = new MutationObserver(() => undefined);
    for (const node of tools()) {
      observer.observe(node, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true
      });
    }
    const before = model.runs[0];
    const after = { ...before, durationMs: 99 };
    model.applyChanges([after, ...model.runs.slice(1)], {
      added: [],
      changed: [{ before, after }],
      removed: [],
      reset: false
    });
    expect(
      observer
        .takeRecords()
        .map(
          r =>
            `${r.type} ${(r.target as Element).className ?? r.target.nodeName} ${r.attributeName ?? ''}`
        )
    ).toEqual([]);
    observer.disconnect();
    expect(count().textContent).toBe('20 runs');
  });

  it('should count a new run', () => {
    const runs = [run(20), ...model.runs];
    model.applyChanges(runs, {
      added: [runs[0]],
      changed: [],
      removed: [],
      reset: false
    });
    expect(count().textContent).toBe('21 runs');
    expect(count().dataset.shown).toBe('21');
  });
});
