/**
 * MIME renderer extension: shows the live log summary that
 * `import jupyterlab_runs` calls publish (docs/PYTHON_API.md).
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { LOG_MIME_TYPE } from './core/capture/logStream';
import { LogRenderer } from './mime/logRenderer';

const extension: IRenderMime.IExtension = {
  id: 'jupyterlab-runs:log-renderer',
  description:
    'Renders the live summary of metrics logged with jupyterlab_runs.',
  rendererFactory: {
    safe: true,
    mimeTypes: [LOG_MIME_TYPE],
    defaultRank: 50,
    createRenderer: options => new LogRenderer(options)
  },
  rank: 50,
  dataType: 'json'
};

export default extension;
