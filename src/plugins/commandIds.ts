/** Command ids, `jupyterlab-runs:verb-noun`. */
export namespace CommandIDs {
  export const toggleExperimentTag = 'jupyterlab-runs:toggle-experiment-tag';
  export const showRuns = 'jupyterlab-runs:show-runs';
  export const refreshRuns = 'jupyterlab-runs:refresh-runs';
}

/** The gettext domain of every user-visible string. */
export const TRANSLATION_DOMAIN = 'jupyterlab_runs';
