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
    if (
      type !== 'stream' &&
      type !== 'display_data' &&
      type !== 'execute_result' &&
      type !== 'error' &&
      type !== 'clear_output' &&
      type !== 'update_display_data'
    ) {
      return false;
    }
    if (this._model === null && SIMPLE.has(type)) {
      this._simple.push(msg);
      this._noteDisplay(msg, this._simple.length - 1);
      return true;
    }
    if (this._model === null && type === 'update_display_data') {
      // As the model's `set` does: the display, replaced where it is
      // (each log flush of a run updates its log display so).
      const content = msg.content as Record<string, unknown>;
      for (const index of this._displays.get(displayId(content) ?? '') ?? []) {
        this._simple[index] = {
          header: { msg_type: 'display_data' },
          content: { ...updatedDisplay(content), transient: content.transient }
        } as unknown as KernelMessage.IIOPubMessage;
      }
      return true;
    }
    this._apply(this._modelled(), msg);
    return true;
  }

  /** The outputs in nbformat form. */
  toJSON(): RunOutput[] {
    if (this._model === null) {
      return this._simple.map(msg => simpleOutput(msg));
    }
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
    this._simple = [];
  }

  /**
   * The output area's model, made at the first output that needs what it
   * does (a stream, a clear), with the outputs before it. Until then the
   * outputs are kept as they came, a display update replacing its display:
   * an `OutputAreaModel` and its output models, made for every run, were
   * about 1 ms of the page per tagged execution
   * (`benchmarks/execution-cost.sh`, profiled), for outputs (displays,
   * results, errors, and the run's own log display, updated as it logs)
   * it keeps as they are.
   */
  private _modelled(): OutputAreaModel {
    if (this._model === null) {
      this._model = new OutputAreaModel({ trusted: false });
      // The same places in the model: noted again as each is added.
      this._displays.clear();
      for (const msg of this._simple) {
        this._apply(this._model, msg);
      }
      this._simple = [];
    }
    return this._model;
  }

  private _apply(
    model: OutputAreaModel,
    msg: KernelMessage.IIOPubMessage
  ): void {
    const type = msg.header.msg_type;
    const content = msg.content as Record<string, unknown>;
    if (type === 'clear_output') {
      model.clear(!!content.wait);
      this._displays.clear();
      return;
    }
    if (type === 'update_display_data') {
      const output = updatedDisplay(content) as nbformat.IOutput;
      for (const index of this._displays.get(displayId(content) ?? '') ?? []) {
        model.set(index, output);
      }
      return;
    }
    const output = { ...content, output_type: type } as nbformat.IOutput;
    delete (output as { transient?: unknown }).transient;
    model.add(output);
    this._noteDisplay(msg, model.length - 1);
  }

  /** Where an output with a display id is, for that id's updates. */
  private _noteDisplay(msg: KernelMessage.IIOPubMessage, index: number): void {
    const id = displayId(msg.content as Record<string, unknown>);
    if (id) {
      const indices = this._displays.get(id) ?? [];
      indices.push(index);
      this._displays.set(id, indices);
    }
  }

  private _model: OutputAreaModel | null = null;
  /** Outputs before the model is made (`_modelled`), as they came. */
  private _simple: KernelMessage.IIOPubMessage[] = [];
  /** Where each display id is: in `_simple`, then in the model. */
  private _displays = new Map<string, number[]>();
}

/**
 * Outputs the output area's model keeps as they come: copied, with their
 * transient part (a display id) left out; an update replaces a display.
 * Streams are merged and have their carriage returns applied, a clear
 * empties the area (or waits for the next output): those take the model.
 */
const SIMPLE = new Set(['display_data', 'execute_result', 'error']);

/** A simple output as `OutputAreaModel.toJSON` gives it. */
function simpleOutput(msg: KernelMessage.IIOPubMessage): RunOutput {
  const content = msg.content as Record<string, unknown>;
  const output: Record<string, unknown> = {
    output_type: msg.header.msg_type
  };
  for (const key of Object.keys(content)) {
    if (key !== 'transient') {
      output[key] = structuredClone(content[key]);
    }
  }
  if (output.output_type !== 'error') {
    output.data ??= {};
    output.metadata ??= {};
  }
  return output as unknown as RunOutput;
}

/** What an `update_display_data` message's content puts in its display's place. */
function updatedDisplay(content: Record<string, unknown>): object {
  return {
    output_type: 'display_data',
    data: content.data,
    metadata: content.metadata ?? {}
  };
}

function displayId(content: Record<string, unknown>): string | null {
  const transient = content.transient as { display_id?: unknown } | undefined;
  return typeof transient?.display_id === 'string'
    ? transient.display_id
    : null;
}
