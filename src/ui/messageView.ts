/**
 * A main-area view that only says something: what a restored detail or
 * comparison shows when what it showed is gone (the tab stays until closed,
 * and comes back if the runs do).
 */
import { Widget } from '@lumino/widgets';
import { el } from './dom';

export function messageView(label: string, text: string): Widget {
  const view = new Widget();
  view.addClass('jp-RunsMessageView');
  view.node.setAttribute('role', 'region');
  view.node.setAttribute('aria-label', label);
  const message = el('p', 'jp-RunsCompare-message jp-mod-error', text);
  message.setAttribute('role', 'alert');
  view.node.append(message);
  view.title.label = label;
  return view;
}
