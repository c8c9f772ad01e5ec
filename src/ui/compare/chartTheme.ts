/**
 * How a chart looks in the current JupyterLab theme: colours and font
 * read from the theme's CSS variables at draw time, and the legend placed
 * for the width the chart has.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Whether JupyterLab shows a light theme (the default when unknown). */
export function isLightTheme(): boolean {
  return document.body.dataset.jpThemeLight !== 'false';
}

/** The theme's chart colours and font, read from its CSS variables now. */
export function themeColors(): {
  light: boolean;
  text: string;
  muted: string;
  grid: string;
  font: string;
} {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) =>
    style.getPropertyValue(name).trim() || fallback;
  const light = isLightTheme();
  return {
    light,
    text: v('--jp-ui-font-color1', light ? '#212121' : '#e0e0e0'),
    muted: v('--jp-ui-font-color2', light ? '#616161' : '#bdbdbd'),
    grid: v('--jp-border-color2', light ? '#e0e0e0' : '#424242'),
    font: v('--jp-ui-font-family', 'sans-serif')
  };
}

/** What a drawn chart's look depends on in the theme. */
export function themeKey(): string {
  const { light, text, muted, grid, font } = themeColors();
  return JSON.stringify([light, text, muted, grid, font]);
}

/** Vega-Lite config that takes fonts and colors from the JupyterLab theme. */
export function themeConfig(): Record<string, unknown> {
  const { text, muted, grid, font } = themeColors();
  return {
    font,
    axis: {
      labelColor: muted,
      titleColor: text,
      gridColor: grid,
      domainColor: grid,
      tickColor: grid
    },
    legend: { labelColor: muted, titleColor: text },
    title: { color: text },
    view: { stroke: grid },
    text: { color: text },
    // The pointer's rule on curves.
    rule: { color: muted }
  };
}

/** Below this width (px) a chart's legend goes under it, in columns. */
export const NARROW_CHART_WIDTH = 480;

/** Legend placement for a host `width` px wide (0: not laid out). */
function legendLayout(width: number): Record<string, unknown> {
  return width > 0 && width < NARROW_CHART_WIDTH
    ? {
        orient: 'bottom',
        direction: 'vertical',
        columns: Math.max(1, Math.floor(width / 170))
      }
    : {};
}

/** The config a spec is drawn with: the theme's, the spec's, the layout. */
export function drawConfig(spec: TopLevelSpec, width: number): object {
  const theme = themeConfig();
  const own = (spec as { config?: { legend?: object } }).config ?? {};
  return {
    ...theme,
    ...own,
    legend: {
      ...(theme.legend as object),
      ...own.legend,
      ...legendLayout(width)
    }
  };
}
