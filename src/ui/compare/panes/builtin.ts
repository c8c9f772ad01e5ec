/**
 * The eight built-in compare panes, as factories for
 * `IComparePaneRegistry`: registered by the `jupyterlab-runs:compare-panes`
 * plugin exactly as another extension would add its own. The pane modules
 * (and the chart code they use) load with the first comparison, not at
 * page load.
 */
import type { Widget } from '@lumino/widgets';
import type * as PaneModules from './index';
import type { IComparePaneFactory, IComparePaneOptions } from '../../../tokens';

type Panes = typeof PaneModules;

const load = (): Promise<Panes> => import('./index');

function pane(
  name: string,
  rank: number,
  make: (panes: Panes, options: IComparePaneOptions) => Widget
): IComparePaneFactory {
  return { name, rank, create: async options => make(await load(), options) };
}

/** In tab order. */
export const BUILTIN_COMPARE_PANES: readonly IComparePaneFactory[] = [
  pane('params', 100, (p, o) => new p.ParamsPane(o)),
  pane('curves', 200, (p, o) => new p.CurvesPane(o)),
  pane('param-charts', 300, (p, o) => new p.ParamChartsPane(o)),
  pane('classification', 400, (p, o) => new p.ClassificationPane(o)),
  pane('importance', 500, (p, o) => new p.ImportancePane(o)),
  pane('groups', 600, (p, o) => new p.GroupsPane(o)),
  pane('what-changed', 700, (p, o) => new p.WhatChangedPane(o)),
  pane('anomalies', 800, (p, o) => new p.AnomaliesPane(o))
];
