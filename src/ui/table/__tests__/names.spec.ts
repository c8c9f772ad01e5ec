import type { IRunSummary } from '../../../core/run';
import { runColor } from '../../../core/runs/names';
import { RunList } from '../../../core/runs/runList';
import { RunsTableModel } from '../model';
import { RunsTableView } from '../view';

const trans = {
  __: (s: string, ...a: unknown[]) =>
    s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1])),
  _n: (s: string, p: string, n: number) => (n === 1 ? s : p)
} as never;

function run(i: number, extra: Partial<IRunSummary> = {}): IRunSummary {
  return {
    id: `01JH5Z${String(i).padStart(4, '0')}AAAAAAAAAAAAAAAA`,
    notebookPath: 'nb.ipynb',
    experiment: 'drill',
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    endedAt: null,
    durationMs: 1000,
    executionCount: i,
    params: { lr: 0.1 + 0.2 * i },
    metrics: {
      loss: {
        last: 2.4999999999999998e275,
        min: 0,
        max: 1,
        count: 1,
        lastStep: 0
      }
    },
    ...extra
  };
}

describe('RunsTableView: names, colours and numbers', () => {
  let model: RunsTableModel;
  let view: RunsTableView;

  beforeEach(() => {
    jest.spyOn(window, 'requestAnimationFrame').mockImplementation(cb => {
      cb(0);
      return 0;
    });
    // Numbered as the runs model numbers them.
    const list = new RunList();
    list.reset([run(1), run(2), run(3, { name: 'baseline' }), run(4)]);
    model = new RunsTableModel();
    model.setRuns(list.runs);
    view = new RunsTableView({ model, trans });
    document.body.append(view.node);
    view.active = true;
    view.render();
  });

  afterEach(() => {
    view.dispose();
    model.dispose();
    view.node.remove();
    jest.restoreAllMocks();
  });

  const row = (id: string) =>
    view.node.querySelector<HTMLElement>(`[data-run-id="${id}"]`)!;
  const nameCell = (id: string) =>
    row(id).querySelector<HTMLElement>('.jp-RunsTable-name')!;

  it('should call unnamed runs by experiment and number, never by id', () => {
    expect(nameCell(run(1).id).textContent).toBe('drill #1');
    expect(nameCell(run(4).id).textContent).toBe('drill #4');
    expect(nameCell(run(3).id).textContent).toBe('baseline');
    expect(view.node.textContent).not.toContain(run(1).id);
  });

  it("should show each run's colour in a swatch, as the charts draw it", () => {
    const colours = [1, 2, 3, 4].map(i =>
      nameCell(run(i).id).querySelector<HTMLElement>('.jp-RunsSwatch')!
    );
    colours.forEach((swatch, k) => {
      const expected = runColor({ ...run(k + 1), seq: k + 1 });
      expect(swatch.dataset.color).toBe(expected);
      expect(swatch.style.getPropertyValue('--jp-runs-run-color')).toBe(
        expected
      );
    });
    expect(new Set(colours.map(s => s.dataset.color)).size).toBe(4);
  });

  it('should write numbers without float artefacts', () => {
    const text = row(run(1).id).textContent!;
    expect(text).toContain('2.5e+275');
    expect(text).toContain('0.3');
    expect(text).not.toContain('0.30000000000000004');
    expect(text).not.toContain('2.4999999999999998');
  });
});
