/**
 * The outputs of one execution, collected from its own IOPub messages.
 *
 * Why not read the cell's outputs when it ends: a cell run again before its
 * previous execution finished (a queued burst) gets a new future, and
 * JupyterLab then stops routing the earlier execution's messages to the
 * cell (and never emits `executed` for it). Collecting by request gives
 * every execution its own outputs. `OutputAreaModel` does what the cell's
 * output area does with them (stream merging, carriage returns,
 * `clear_output(wait=True)`); display updates are applied by display id, as
 * `OutputArea` does.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { OutputAreaModel } from '@jupyterlab/outputarea';
import type * as nbformat from '@jupyterlab/nbformat';
import type { RunOutput } from '../core/run';

export class RunOutputs {
  /** Apply one IOPub message of the execution; false if it is not an output. */
  add(msg: KernelMessage.IIOPubMessage): boolean {
    const type = msg.header.msg_type;
    const content = msg.content as Record<string, unknown>;
    if (type === 'clear_output') {
      this._model.clear(!!content.wait);
      this._displays.clear();
      return true;
    }
    if (type === 'update_display_data') {
      const id = displayId(content);
      const output = {
        output_type: 'display_data',
        data: content.data,
        metadata: content.metadata ?? {}
      } as nbformat.IOutput;
      for (const index of (id && this._displays.get(id)) || []) {
        this._model.set(index, output);
      }
      return true;
    }
    if (
      type !== 'stream' &&
      type !== 'display_data' &&
      type !== 'execute_result' &&
      type !== 'error'
    ) {
      return false;
    }
    const output = { ...content, output_type: type } as nbformat.IOutput;
    delete (output as { transient?: unknown }).transient;
    this._model.add(output);
    const id = displayId(content);
    if (id) {
      const indices = this._displays.get(id) ?? [];
      indices.push(this._model.length - 1);
      this._displays.set(id, indices);
    }
    return true;
  }

  /** The outputs in nbformat form. */
  toJSON(): RunOutput[] {
    return this._model.toJSON() as unknown as RunOutput[];
  }

  /**
   * Let the outputs go. The model is left to the garbage collector, not
   * disposed: nothing outside this object holds it or its signals, and
   * disposing it cleared its signal connections, which Lumino finishes in
   * an animation frame it asks for (about 0.5 ms of the page per run in
   * `_finish`, and a frame; `benchmarks/execution-cost.sh`, profiled).
   */
  dispose(): void {
    this._displays.clear();
  }

  private _model = new OutputAreaModel({ trusted: false });
  private _displays = new Map<string, number[]>();
}

function displayId(content: Record<string, unknown>): string | null {
  const transient = content.transient as { display_id?: unknown } | undefined;
  return typeof transient?.display_id === 'string'
    ? transient.display_id
    : null;
}
