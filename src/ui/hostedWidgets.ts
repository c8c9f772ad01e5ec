/**
 * Lumino widgets placed inside plain DOM nodes of another widget (a code
 * editor or an output area in a section of the run detail), rather than in
 * its layout.
 *
 * Lumino only tells a widget that it left the page through its parent's
 * layout. A widget attached by hand with `Widget.attach` into a node of its
 * owner hears nothing when the owner's tab is closed: it still believes it
 * is attached, and disposing it then calls `Widget.detach`, which throws
 * "Widget is not attached." because its node has left the document. So the
 * owner forwards its attach and detach messages here, and `dispose`
 * checks the node itself: disposing never throws, whatever the state
 * (attached, detached, never attached, owner already disposed, twice).
 */
import type { IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';

/** A Lumino message (its type, without a dependency on `@lumino/messaging`). */
export type Message = Parameters<Widget['processMessage']>[0];

/** What `MessageLoop.sendMessage` does for a widget, without message hooks. */
function send(widget: Widget, msg: Message): void {
  widget.processMessage(msg);
}

export class HostedWidgets implements IDisposable {
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Put `widget` into `host` (a node of the owner). Attached at once if the
   * host is on the page, else when the owner is attached.
   */
  add(widget: Widget, host: HTMLElement): void {
    if (this._isDisposed) {
      widget.dispose();
      return;
    }
    this._widgets.push(widget);
    if (host.isConnected) {
      Widget.attach(widget, host);
    } else {
      host.appendChild(widget.node);
    }
  }

  /** Forward one of the owner's attach/detach messages. */
  forward(msg: Message): void {
    for (const w of this._widgets) {
      if (w.isDisposed) {
        continue;
      }
      switch (msg.type) {
        case 'before-attach':
          if (!w.isAttached) {
            send(w, Widget.Msg.BeforeAttach);
          }
          break;
        case 'after-attach':
          if (!w.isAttached && w.node.isConnected) {
            send(w, Widget.Msg.AfterAttach);
          }
          break;
        case 'before-detach':
          if (w.isAttached) {
            send(w, Widget.Msg.BeforeDetach);
          }
          break;
        case 'after-detach':
          if (w.isAttached) {
            send(w, Widget.Msg.AfterDetach);
          }
          break;
      }
    }
  }

  /** Dispose the widgets added so far (before a re-render). */
  clear(): void {
    const widgets = this._widgets;
    this._widgets = [];
    for (const w of widgets) {
      disposeHosted(w);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.clear();
  }

  private _widgets: Widget[] = [];
  private _isDisposed = false;
}

/**
 * Dispose a widget attached by hand, whether or not it is still on the
 * page. Never throws for its attachment state.
 */
export function disposeHosted(widget: Widget): void {
  if (widget.isDisposed) {
    return;
  }
  if (!widget.parent && widget.isAttached) {
    if (widget.node.isConnected) {
      Widget.detach(widget);
    } else {
      // Its host left the page without telling it: bring its flags in line.
      send(widget, Widget.Msg.BeforeDetach);
      send(widget, Widget.Msg.AfterDetach);
    }
  }
  widget.node.remove();
  widget.dispose();
}
