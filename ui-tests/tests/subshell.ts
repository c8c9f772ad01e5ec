/**
 * A second run of an experiment cell in flight at once: one kernel runs one
 * cell at a time on its main shell, so the cell is sent again on a kernel
 * subshell (JEP 91, ipykernel 7) with the cell id and tags JupyterLab puts
 * in an execute request's metadata, and this page records it as it records
 * the main shell's (live-compare.spec.ts, the live-compare benchmark).
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/**
 * Send the experiment cell once more on a new kernel subshell, as
 * JupyterLab would send it on the main shell (code, cell id, tags).
 * Resolves when the request went out (false when the kernel has no
 * subshells); `window.__subshellRuns` holds a promise per run sent, each
 * settled when its run is done.
 */
export async function runOnSubshell(
  page: IJupyterLabPageFixture,
  index: number
): Promise<boolean> {
  return page.evaluate(async i => {
    type Kernel = {
      supportsSubshells: boolean;
      subshellId: string | null;
      requestCreateSubshell(c: object): {
        done: Promise<{ content: { subshell_id: string } }>;
      };
      requestDeleteSubshell(c: object, dispose: boolean): unknown;
      requestExecute(
        c: object,
        dispose: boolean,
        metadata: object
      ): { done: Promise<unknown> };
    };
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      sessionContext: { session: { kernel: Kernel } };
      content: {
        widgets: {
          model: {
            id: string;
            getMetadata(k: string): unknown;
            sharedModel: { getSource(): string };
          };
        }[];
      };
    };
    const kernel = panel.sessionContext.session.kernel;
    if (!kernel.supportsSubshells) {
      return false;
    }
    const cell = panel.content.widgets[i].model;
    const reply = await kernel.requestCreateSubshell({}).done;
    const id = reply.content.subshell_id;
    // The header takes the connection's subshell id as the message is made.
    kernel.subshellId = id;
    let future;
    try {
      future = kernel.requestExecute(
        { code: cell.sharedModel.getSource(), store_history: false },
        true,
        { cellId: cell.id, tags: cell.getMetadata('tags') }
      );
    } finally {
      kernel.subshellId = null;
    }
    const w = window as unknown as { __subshellRuns?: Promise<unknown>[] };
    (w.__subshellRuns ??= []).push(
      future.done.finally(() =>
        kernel.requestDeleteSubshell({ subshell_id: id }, true)
      )
    );
    return true;
  }, index);
}

/** Waits for every run sent by `runOnSubshell` to be done. */
export async function subshellRunsDone(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      (window as unknown as { __subshellRuns?: Promise<unknown>[] })
        .__subshellRuns ?? []
    )
  );
}
