import { LabIcon } from '@jupyterlab/ui-components';
import flaskSvg from '../../style/icons/flask.svg';
import starSvg from '../../style/icons/star.svg';
import starOutlineSvg from '../../style/icons/star-outline.svg';

/** The experiment flask: sidebar tab, cell toolbar, commands. */
export const experimentIcon = new LabIcon({
  name: 'jupyterlab-runs:experiment',
  svgstr: flaskSvg
});

/** Starred runs only: the sidebar's filter, when on. */
export const starIcon = new LabIcon({
  name: 'jupyterlab-runs:star',
  svgstr: starSvg
});

/** Starred runs only: the sidebar's filter, when off. */
export const starOutlineIcon = new LabIcon({
  name: 'jupyterlab-runs:star-outline',
  svgstr: starOutlineSvg
});
