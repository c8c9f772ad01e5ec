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

describe('RunOutputs', () => {
  it('should collect an execution’s outputs as its output area shows them', () => {
    const outputs = new RunOutputs();
    outputs.add(message('stream', { name: 'stdout', text: 'a\n' }));
    outputs.add(message('stream', { name: 'stdout', text: 'b\n' }));
    outputs.add(
      message('display_data', {
        data: { 'text/plain': 'step 1' },
        metadata: {},
        transient: { display_id: 'log' }
      })
    );
    outputs.add(
      message('update_display_data', {
        data: { 'text/plain': 'step 2' },
        metadata: {},
        transient: { display_id: 'log' }
      })
    );
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
