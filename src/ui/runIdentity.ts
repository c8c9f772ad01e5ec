/**
 * How a run shows itself in any view: its colour swatch and its name with,
 * where space is short, the params that tell it from the runs beside it.
 * The same colour (`runColor`) as in every chart legend.
 */
import { runColor, runName, type INameable } from '../core/runs/names';
import { el } from './dom';

/**
 * A small square in the run's colour. Decorative (the name is beside it);
 * the colour is a data value, so it is set as the `--jp-runs-run-color`
 * custom property that `style/base.css` paints with, and as `data-color`.
 */
export function colorSwatch(run: INameable): HTMLSpanElement {
  const swatch = el('span', 'jp-RunsSwatch');
  const color = runColor(run);
  swatch.style.setProperty('--jp-runs-run-color', color);
  swatch.dataset.color = color;
  swatch.setAttribute('aria-hidden', 'true');
  return swatch;
}

/**
 * The run's swatch and name (or `label`, e.g. a chart's label for it),
 * with `subtitle` (e.g. `C=10 · solver=saga`) under it when given, for
 * compare headers and lists.
 */
export function runTitle(
  run: INameable,
  options: { label?: string; subtitle?: string } = {}
): HTMLSpanElement {
  const label = options.label ?? runName(run);
  const subtitle = options.subtitle ?? '';
  const title = el('span', 'jp-RunsRunTitle');
  title.append(colorSwatch(run), el('span', 'jp-RunsRunTitle-name', label));
  title.dataset.runId = run.id;
  if (subtitle) {
    title.append(el('span', 'jp-RunsRunTitle-subtitle', subtitle));
  }
  title.title = subtitle ? `${label}\n${subtitle}` : label;
  return title;
}
