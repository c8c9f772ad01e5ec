/**
 * What a drawn chart tells the page that its canvas does not: attributes
 * on the chart's figure, kept current as the user zooms and clicks the
 * legend. Tests read them (a canvas has no DOM to query), and so may
 * anything else that reads the page.
 *
 * - `data-colors`: `{label: colour}` of the colour scale, as the legend shows;
 * - `data-x-domain`: the x scale's domain `[min, max]` (after zoom and pan);
 * - `data-hidden-runs`: the labels hidden by legend clicks;
 * - `data-legend`: `{label: [x, y]}`, the centre of each legend label in
 *   CSS pixels from the canvas's top left (where a click toggles it).
 */
import type { Result } from 'vega-embed';
import { HIDDEN_PARAM, ZOOM_PARAM } from '../../core/charts/interactive';

type View = Result['view'];

/** The colour of each series as the drawn view maps it, as JSON. */
export function drawnColors(result: Result): string {
  try {
    const scale = result.view.scale('color') as
      | (((value: unknown) => unknown) & { domain?: () => unknown[] })
      | undefined;
    if (!scale || typeof scale.domain !== 'function') {
      return '';
    }
    const domain = scale.domain();
    return JSON.stringify(
      Object.fromEntries(domain.map(d => [String(d), String(scale(d))]))
    );
  } catch {
    return ''; // no colour scale
  }
}

/** A scenegraph node as far as this file reads it. */
interface ISceneNode {
  marktype?: string;
  role?: string;
  items?: ISceneNode[];
  x?: number;
  y?: number;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  datum?: { value?: unknown };
}

/**
 * Centres of the legend labels: item bounds are in their group's
 * coordinates, so each group's offset is added on the way down, and the
 * view's origin (its padding) at the top.
 */
function legendLabels(view: View): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const visit = (mark: ISceneNode, dx: number, dy: number) => {
    for (const item of mark.items ?? []) {
      if (mark.role === 'legend-label' && item.bounds && item.datum) {
        const b = item.bounds;
        out[String(item.datum.value)] = [
          Math.round(dx + (b.x1 + b.x2) / 2),
          Math.round(dy + (b.y1 + b.y2) / 2)
        ];
      }
      if (mark.marktype === 'group') {
        for (const child of item.items ?? []) {
          visit(child, dx + (item.x ?? 0), dy + (item.y ?? 0));
        }
      }
    }
  };
  const [ox, oy] = view.origin();
  // The typings call it a Scene; at run time it is the Scenegraph.
  const scene = view.scenegraph() as unknown as { root?: ISceneNode };
  if (scene.root) {
    visit(scene.root, ox, oy);
  }
  return out;
}

/** Keep `node`'s attributes in step with `view` (see the file's comment). */
export function mirrorViewState(view: View, node: HTMLElement): void {
  const show = () => {
    try {
      const x = view.scale('x') as { domain?: () => unknown[] } | undefined;
      node.dataset.xDomain = JSON.stringify(x?.domain?.().map(Number) ?? []);
    } catch {
      delete node.dataset.xDomain; // no x scale
    }
    let hidden: unknown = undefined;
    try {
      hidden = (view.signal(HIDDEN_PARAM) as { series?: unknown })?.series;
    } catch {
      // no legend to hide runs with
    }
    node.dataset.hiddenRuns = JSON.stringify(
      Array.isArray(hidden) ? hidden : []
    );
    node.dataset.legend = JSON.stringify(legendLabels(view));
  };
  show();
  for (const name of [ZOOM_PARAM, HIDDEN_PARAM]) {
    try {
      view.signal(name);
    } catch {
      continue; // this spec does not have it
    }
    // Scales update in the same run as the signal: read them after it.
    view.addSignalListener(name, () => view.runAfter(show));
  }
}
