/**
 * Interactive curves in a real Vega view, parsed with `ast: true` and run
 * by the CSP-safe interpreter as ChartView runs them, driven by DOM events
 * on its SVG: every expression the params generate must be one the
 * interpreter evaluates.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import type { IMetricSeries } from '../../run';
import { learningCurveSpec, meanStdBandSpec } from '../curves';
import {
  HIDDEN_PARAM,
  hoverRows,
  HOVER_POSITIONS,
  ZOOM_PARAM
} from '../interactive';

function series(n: number, f: (i: number) => number): IMetricSeries {
  return {
    step: Array.from({ length: n }, (_, i) => i),
    value: Array.from({ length: n }, (_, i) => f(i)),
    time: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000)
  };
}

/** Two converging runs and one that diverges to 1100. */
const CURVES = [
  { run: { id: 'a', name: 'calm' }, series: series(10, i => 1 / (i + 1)) },
  { run: { id: 'b', name: 'steady' }, series: series(10, i => 2 / (i + 1)) },
  { run: { id: 'c', name: 'diverged' }, series: series(12, i => 100 * i) }
];

type Scale = { domain(): number[] };

async function drawn(spec: TopLevelSpec) {
  const { parse, View } = await import('vega');
  const { expressionInterpreter } = await import('vega-interpreter');
  const host = document.createElement('div');
  document.body.append(host);
  const tips: unknown[] = [];
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'svg',
    container: host,
    hover: false
  } as never);
  view.tooltip((_h: unknown, _e: unknown, _i: unknown, value: unknown) => {
    tips.push(value);
  });
  await view.runAsync();
  const legendLabel = (text: string) =>
    [...host.querySelectorAll('.role-legend-label text')].find(
      t => t.textContent === text
    )!;
  const fire = async (target: Element, event: Event) => {
    target.dispatchEvent(event);
    await view.runAsync();
  };
  const domain = (scale: 'x' | 'y') => (view.scale(scale) as Scale).domain();
  return { view, host, tips, legendLabel, fire, domain };
}

describe('interactive curves', () => {
  let quiet: jest.SpyInstance;
  beforeAll(() => {
    // jsdom has no canvas; vega-scenegraph says so once when loaded.
    quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterAll(() => quiet.mockRestore());

  describe('#learningCurveSpec', () => {
    it('should declare zoom, legend and hover params and filter hidden runs in every data layer', () => {
      const spec = learningCurveSpec(CURVES, { smoothing: 0.5 }) as {
        layer: { params?: { name: string }[]; transform?: unknown[] }[];
      };
      const params = spec.layer.flatMap(l => l.params ?? []);
      expect(params).toEqual([
        expect.objectContaining({ name: ZOOM_PARAM, bind: 'scales' }),
        expect.objectContaining({ name: HIDDEN_PARAM, bind: 'legend' }),
        expect.objectContaining({ name: 'hover' })
      ]);
      // Raw and smoothed lines leave hidden runs out; the hover rule is
      // one row per x, not per run.
      expect(spec.layer.map(l => l.transform?.length ?? 0)).toEqual([1, 1, 0]);
    });

    it('should be static when asked', () => {
      const spec = learningCurveSpec(CURVES, { interactive: false });
      expect(JSON.stringify(spec)).not.toContain('"params"');
      expect((spec as { layer: unknown[] }).layer).toHaveLength(1);
    });

    it('should hide a run on a legend click, leave it out of the y-domain, and show it on the next', async () => {
      const { view, legendLabel, fire, domain } = await drawn(
        learningCurveSpec(CURVES, { width: 400 })
      );
      expect(domain('y')[1]).toBeGreaterThanOrEqual(1100);
      const click = () => new MouseEvent('click', { bubbles: true });
      await fire(legendLabel('diverged'), click());
      expect(view.signal(HIDDEN_PARAM).series).toEqual(['diverged']);
      // The others are no longer flattened: y ends near their maximum (2).
      expect(domain('y')[1]).toBeLessThanOrEqual(2);
      // The legend keeps the entry, crossed out, to be clicked back.
      expect(legendLabel('\u2298 diverged')).toBeDefined();
      expect(legendLabel('steady')).toBeDefined();
      await fire(legendLabel('calm'), click());
      expect(view.signal(HIDDEN_PARAM).series).toEqual(['diverged', 'calm']);
      await fire(legendLabel('\u2298 diverged'), click());
      await fire(legendLabel('\u2298 calm'), click());
      expect(view.signal(HIDDEN_PARAM)).toEqual({});
      expect(domain('y')[1]).toBeGreaterThanOrEqual(1100);
      view.finalize();
    });

    it('should zoom x on a wheel and restore the domain on a double click', async () => {
      const { view, host, fire, domain } = await drawn(
        learningCurveSpec(CURVES, { width: 400 })
      );
      const before = domain('x');
      const line = host.querySelector('.mark-line path')!;
      await fire(
        line,
        new WheelEvent('wheel', { bubbles: true, deltaY: -300, clientX: 100 })
      );
      const zoomed = domain('x');
      expect(zoomed[1] - zoomed[0]).toBeLessThan(before[1] - before[0]);
      await fire(line, new MouseEvent('dblclick', { bubbles: true }));
      expect(domain('x')).toEqual(before);
      view.finalize();
    });

    it('should show every run’s value at the pointer’s step', async () => {
      const { view, host, tips, fire } = await drawn(
        learningCurveSpec(CURVES, { width: 400, text: { step: 'Step' } })
      );
      const cells = host.querySelectorAll('.mark-path path');
      expect(cells.length).toBeGreaterThan(0);
      // The Voronoi cell of step 3 (one per position, in x order).
      await fire(cells[3], new MouseEvent('pointermove', { bubbles: true }));
      expect(view.signal('hover')).toEqual(expect.objectContaining({ x: [3] }));
      expect(tips.at(-1)).toEqual({
        title: 'Step: 3',
        calm: '0.25',
        steady: '0.5',
        diverged: '300'
      });
      view.finalize();
    });
  });

  describe('#meanStdBandSpec', () => {
    it('should hide a group on a legend click', async () => {
      const groups = [
        { group: 'small', curves: [{ x: [0, 1, 2], y: [1, 2, 3] }] },
        { group: 'huge', curves: [{ x: [0, 1, 2], y: [1e3, 2e3, 3e3] }] }
      ];
      const { view, legendLabel, fire, domain } = await drawn(
        meanStdBandSpec(groups, { width: 400 })
      );
      expect(domain('y')[1]).toBeGreaterThanOrEqual(3000);
      await fire(
        legendLabel('huge'),
        new MouseEvent('click', { bubbles: true })
      );
      expect(domain('y')[1]).toBeLessThanOrEqual(3);
      view.finalize();
    });
  });

  describe('#hoverRows', () => {
    const title = (x: number) => `Step ${x}`;

    it('should give each run its last value at or before x, none outside its range', () => {
      const rows = hoverRows(
        [
          { label: 'a', x: [0, 2, 4], y: [10, 12, 14] },
          { label: 'b', x: [3, 5], y: [1, null] }
        ],
        title
      );
      expect(rows.map(r => r.x)).toEqual([0, 2, 3, 4]);
      expect(rows.map(r => r.tip)).toEqual([
        { title: 'Step 0', a: '10' },
        { title: 'Step 2', a: '12' },
        { title: 'Step 3', a: '12', b: '1' },
        { title: 'Step 4', a: '14' }
      ]);
    });

    it('should list a run named like a reserved tooltip key under another key', () => {
      const [row] = hoverRows(
        [
          { label: 'title', x: [1], y: [1] },
          { label: 'image', x: [1], y: [2] }
        ],
        title
      );
      expect(row.tip).toEqual({
        title: 'Step 1',
        'title (run)': '1',
        'image (run)': '2'
      });
    });

    it('should keep at most HOVER_POSITIONS positions, first and last included', () => {
      const x = Array.from({ length: 1000 }, (_, i) => i);
      const rows = hoverRows([{ label: 'a', x, y: x }], title);
      expect(rows).toHaveLength(HOVER_POSITIONS);
      expect(rows[0].x).toBe(0);
      expect(rows.at(-1)!.x).toBe(999);
    });
  });
});
