/**
 * A stand-in for @jupyterlab/outputarea in jsdom tests (the real one needs
 * a full JupyterLab): Lumino widgets like the real ones, which is what
 * attaching and disposing views is about. Use it as
 * `jest.mock('@jupyterlab/outputarea', () => require('<path>/fakeOutputArea'))`.
 */
import { Widget } from '@lumino/widgets';

export class OutputAreaModel {
  constructor(readonly options?: unknown) {}
  isDisposed = false;
  dispose(): void {
    this.isDisposed = true;
  }
}

export class SimplifiedOutputArea extends Widget {
  constructor(options: { model: OutputAreaModel }) {
    super();
    this.model = options.model;
    this.addClass('fake-OutputArea');
  }
  model: OutputAreaModel;
}
