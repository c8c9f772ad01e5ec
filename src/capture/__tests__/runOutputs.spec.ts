import { OutputAreaModel } from '@jupyterlab/outputarea';
import type { KernelMessage } from '@jupyterlab/services';
import { RunOutputs } from '../runOutputs';

function message(
  msg_type: string,
  content: Record<string, unknown>
): KernelMessage.IIOPubMessage {
  return {
    header: { msg_type },
    content
  } as unknown as KernelMessage.IIOPubMessage;
}

/** The run's log display (display id `log`), shown or updated with `text`. */
function logDisplay(
  msg_type: 'display_data' | 'update_display_data',
  text: string
): KernelMessage.IIOPubMessage {
  return message(msg_type, {
    data: { 'text/plain': text },
    metadata: {},
    transient: { display_id: 'log' }
  });
}

describe('RunOutputs', () => {
  it('should collect an execution’s outputs as its output area shows them', () => {
    const outputs = new RunOutputs();
    outputs.add(message('stream', { name: 'stdout', text: 'a\n' }));
    outputs.add(message('stream', { name: 'stdout', text: 'b\n' }));
    outputs.add(logDisplay('display_data', 'step 1'));
    outputs.add(logDisplay('update_display_data', 'step 2'));
    expect(outputs.add(message('status', { execution_state: 'idle' }))).toBe(
      false
    );
    expect(outputs.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      {
        output_type: 'display_data',
        data: { 'text/plain': 'step 2' },
        metadata: {}
      }
    ]);
  });

  it('should give displays, results, errors and display updates as the output area’s model does, without making one', () => {
    const made = jest.spyOn(OutputAreaModel.prototype, 'add');
    const messages = [
      message('display_data', {
        data: { 'text/plain': 'a', 'image/png': 'iVBOR' },
        metadata: { 'image/png': { width: 10 } },
        transient: { display_id: 'plot' }
      }),
      logDisplay('display_data', 'log 1'),
      message('update_display_data', {
        data: { 'text/plain': 'log 2' },
        metadata: { step: 2 },
        transient: { display_id: 'log' }
      }),
      message('update_display_data', {
        data: { 'text/plain': 'nobody' },
        transient: { display_id: 'unknown' }
      }),
      message('execute_result', {
        execution_count: 3,
        data: { 'text/plain': ['multi', 'line'] },
        metadata: {}
      }),
      message('display_data', { data: { 'text/html': '<b>x</b>' } }),
      message('error', {
        ename: 'ValueError',
        evalue: 'bad',
        traceback: ['line 1', 'line 2']
      })
    ];
    try {
      const outputs = new RunOutputs();
      messages.forEach(m => outputs.add(m));
      const fast = outputs.toJSON();
      expect(made).not.toHaveBeenCalled();
      made.mockClear();
      // What the output area does with them (`OutputArea`: an update
      // replaces the outputs of its display id).
      const area = new OutputAreaModel({ trusted: false });
      const displays = new Map<string, number[]>();
      for (const m of messages) {
        const content = m.content as Record<string, unknown>;
        const id = (content.transient as { display_id?: string } | undefined)
          ?.display_id;
        if (m.header.msg_type === 'update_display_data') {
          for (const index of displays.get(id ?? '') ?? []) {
            area.set(index, {
              output_type: 'display_data',
              data: content.data,
              metadata: content.metadata ?? {}
            } as never);
          }
          continue;
        }
        const output = { ...content, output_type: m.header.msg_type };
        delete (output as { transient?: unknown }).transient;
        area.add(output as never);
        if (id) {
          displays.set(id, [...(displays.get(id) ?? []), area.length - 1]);
        }
      }
      // (The reference area's own adds: one per output, none per update.)
      expect(made).toHaveBeenCalledTimes(messages.length - 2);
      expect(fast).toEqual(area.toJSON());
      expect(fast[1]).toMatchObject({ data: { 'text/plain': 'log 2' } });
      // Copies: the messages' own objects are not shared with the run.
      (messages[0].content as { data: Record<string, string> }).data[
        'text/plain'
      ] = 'changed';
      expect(fast[0]).toMatchObject({ data: { 'text/plain': 'a' } });
    } finally {
      made.mockRestore();
    }
  });

  it('should apply a stream, a clear or an update to the outputs before it, as the output area does', () => {
    const outputs = new RunOutputs();
    outputs.add(logDisplay('display_data', 'first'));
    outputs.add(message('error', { ename: 'E', evalue: 'v', traceback: [] }));
    outputs.add(logDisplay('update_display_data', 'second'));
    outputs.add(message('stream', { name: 'stdout', text: 'x\n' }));
    // The model, made now with what came before, goes on updating the
    // display by its id.
    outputs.add(logDisplay('update_display_data', 'third'));
    expect(outputs.toJSON()).toEqual([
      {
        output_type: 'display_data',
        data: { 'text/plain': 'third' },
        metadata: {}
      },
      { output_type: 'error', ename: 'E', evalue: 'v', traceback: [] },
      { output_type: 'stream', name: 'stdout', text: 'x\n' }
    ]);
    outputs.add(message('clear_output', { wait: true }));
    outputs.add(message('stream', { name: 'stdout', text: 'a\rb\n' }));
    outputs.add(message('stream', { name: 'stdout', text: 'c\n' }));
    expect(outputs.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'b\nc\n' }
    ]);
  });

  it('should let its outputs go without disposing their model', () => {
    // Disposing clears the model's signal connections, which Lumino
    // finishes in an animation frame it requests: a frame of the page per
    // recorded run. The model is left to the garbage collector instead.
    const dispose = jest.spyOn(OutputAreaModel.prototype, 'dispose');
    try {
      const outputs = new RunOutputs();
      outputs.add(message('stream', { name: 'stdout', text: 'a\n' }));
      outputs.dispose();
      expect(dispose).not.toHaveBeenCalled();
    } finally {
      dispose.mockRestore();
    }
  });
});
