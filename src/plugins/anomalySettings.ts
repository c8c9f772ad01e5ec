/**
 * The anomaly flags' settings (`schema/sidebar.json`), read by the sidebar
 * (the runs table) and the compare view (its Anomalies pane) alike.
 */
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  BEST_RELATIVE_MARGIN,
  type IAnomalyOptions
} from '../core/series/anomalies';

/** `IAnomalyOptions` from the sidebar's settings; defaults when unset. */
export function anomalySettings(
  settings: ISettingRegistry.ISettings
): IAnomalyOptions {
  const margin = settings.composite.anomalyRelativeMargin;
  return {
    bestRelativeMargin:
      typeof margin === 'number' && Number.isFinite(margin) && margin >= 0
        ? margin
        : BEST_RELATIVE_MARGIN
  };
}
