/**
 * The eight built-in compare panes, added through `IComparePaneRegistry`
 * as another extension adds its own.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IComparePaneRegistry } from '../tokens';
import { BUILTIN_COMPARE_PANES } from '../ui/compare/panes/builtin';

function activate(_app: JupyterFrontEnd, panes: IComparePaneRegistry): void {
  for (const factory of BUILTIN_COMPARE_PANES) {
    panes.add(factory);
  }
}

/** Params, curves, param charts, classification, importance, groups, what changed, anomalies. */
export const comparePanesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-runs:compare-panes',
  description:
    'The built-in panes of the compare view: params and metrics, learning curves, params vs metrics, classification, importance, groups, what changed, anomalies.',
  autoStart: true,
  requires: [IComparePaneRegistry],
  activate
};
