import { LabIcon } from '@jupyterlab/ui-components';
import flaskSvg from '../../style/icons/flask.svg';

/** The experiment flask: sidebar tab, cell toolbar, commands. */
export const experimentIcon = new LabIcon({
  name: 'jupyterlab-runs:experiment',
  svgstr: flaskSvg
});
