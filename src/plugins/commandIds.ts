/** Command ids, `jupyterlab-runs:verb-noun`. */
export namespace CommandIDs {
  export const toggleExperimentTag = 'jupyterlab-runs:toggle-experiment-tag';
  export const showRuns = 'jupyterlab-runs:show-runs';
  export const refreshRuns = 'jupyterlab-runs:refresh-runs';
  export const compareRuns = 'jupyterlab-runs:compare-runs';
  export const openRun = 'jupyterlab-runs:open-run';
  export const insertRunCode = 'jupyterlab-runs:insert-run-code';
  export const openRunNotebook = 'jupyterlab-runs:open-run-notebook';
  export const restoreParameters = 'jupyterlab-runs:restore-parameters';
  export const reproduceRun = 'jupyterlab-runs:reproduce-run';
  // Run history: management, export and import (plugins/history.ts).
  export const renameRun = 'jupyterlab-runs:rename-run';
  export const toggleRunStar = 'jupyterlab-runs:toggle-run-star';
  export const editRunNote = 'jupyterlab-runs:edit-run-note';
  export const addRunTags = 'jupyterlab-runs:add-run-tags';
  export const deleteRun = 'jupyterlab-runs:delete-run';
  export const restoreRuns = 'jupyterlab-runs:restore-runs';
  export const emptyRunsTrash = 'jupyterlab-runs:empty-runs-trash';
  export const openRunsFolder = 'jupyterlab-runs:open-runs-folder';
  export const exportNotebookWithRuns =
    'jupyterlab-runs:export-notebook-with-runs';
  export const exportRunsZip = 'jupyterlab-runs:export-runs-zip';
  export const exportRunsCsv = 'jupyterlab-runs:export-runs-csv';
  export const exportRunsJson = 'jupyterlab-runs:export-runs-json';
  export const importRunsBundle = 'jupyterlab-runs:import-runs-bundle';
  export const restoreEmbeddedRuns = 'jupyterlab-runs:restore-embedded-runs';
  export const retrySavingRuns = 'jupyterlab-runs:retry-saving-runs';
}

/** The gettext domain of every user-visible string. */
export const TRANSLATION_DOMAIN = 'jupyterlab_runs';

/** The sidebar plugin's id: its settings (`schema/sidebar.json`) are read by others. */
export const SIDEBAR_PLUGIN_ID = 'jupyterlab-runs:sidebar';
