/**
 * The charts on the page, redrawn when the theme changes.
 *
 * Charts are made in many places (every compare pane, the run detail, any
 * pane another extension adds), so they register themselves here when made
 * and leave when disposed, and one listener — the compare plugin's, on
 * `IThemeManager.themeChanged`, JupyterLab's convention — asks them all to
 * redraw. A `MutationObserver` on `<body data-jp-theme-name>` would work
 * too, but those attributes are themselves written by a `themeChanged`
 * handler (apputils-extension's), so the signal is the source.
 *
 * The redraw waits until a chart can be seen: ThemeManager emits once the
 * theme's CSS has loaded, then hides the shell until the next animation
 * frame, and a chart measured while hidden would be zero pixels wide; a
 * chart in a background tab or scrolled away is not drawn for nothing.
 * An `IntersectionObserver` tells when each is on screen (at once for the
 * ones already there, once the shell is shown again).
 */

/** What the registry asks of a chart. */
export interface ILiveChart {
  readonly node: HTMLElement;
  /** Redraw the current spec if the theme changed since it was drawn. */
  redraw(): void;
}

const live = new Map<Element, ILiveChart>();

let observer: IntersectionObserver | null | undefined;

function visibility(): IntersectionObserver | null {
  if (observer === undefined) {
    observer =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver(entries => {
            for (const entry of entries) {
              if (entry.isIntersecting) {
                observer?.unobserve(entry.target);
                live.get(entry.target)?.redraw();
              }
            }
          });
  }
  return observer;
}

/** Follow the theme with `chart` (until `forgetChart`). */
export function registerChart(chart: ILiveChart): void {
  live.set(chart.node, chart);
}

/** Stop following the theme with `chart` (it is disposed). */
export function forgetChart(chart: ILiveChart): void {
  live.delete(chart.node);
  observer?.unobserve(chart.node);
}

/** How many charts follow the theme (tests, leak checks). */
export function liveChartCount(): number {
  return live.size;
}

/**
 * The theme changed: redraw every chart when it is next on screen (at
 * once where the page cannot tell, e.g. without IntersectionObserver).
 */
export function themeChanged(): void {
  const io = visibility();
  for (const [node, chart] of live) {
    if (io) {
      // Observing again reports the current state afresh.
      io.unobserve(node);
      io.observe(node);
    } else {
      chart.redraw();
    }
  }
}
