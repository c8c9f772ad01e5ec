/**
 * "Open as Notebook" from a run whose file names another notebook (a run
 * file is untrusted: a stranger's folder, or a notebook renamed since):
 * the new notebook is made beside the notebook the run was read from,
 * never where the run file's `notebookPath` points.
 */
import { CommandRegistry } from '@lumino/commands';
import { makeRun } from '../../core/__tests__/fixtures';
import type { IRunStore } from '../../tokens';
import { trans } from '../../ui/__tests__/trans';
import { CommandIDs } from '../../plugins/commandIds';
import { addRestoreCommands } from '../restore';
import { RunViews } from '../runViews';

const ID = '01JDQ6Z0A1AAAAAAAAAAAAAAAA';
const READ_FROM = 'work/renamed.ipynb';

it('should make the rebuilt notebook beside the notebook the run was read from', async () => {
  const foreign = makeRun({
    id: ID,
    notebookPath: '../../../etc/cron.d/evil.ipynb'
  });
  const asked: string[] = [];
  const store = {
    get: async (notebookPath: string, runId: string) => {
      asked.push(`${notebookPath}#${runId}`);
      return foreign;
    }
  } as unknown as IRunStore;
  const created: string[] = [];
  const saved: string[] = [];
  const contents = {
    newUntitled: async (options: { path: string }) => {
      created.push(options.path);
      return { path: `${options.path}/Untitled.ipynb` };
    },
    save: async (path: string) => {
      saved.push(path);
      return {};
    }
  };
  const commands = new CommandRegistry();
  const opened: unknown[] = [];
  commands.addCommand('docmanager:open', {
    execute: args => void opened.push(args.path)
  });
  const views = new RunViews({
    shell: {
      currentWidget: null,
      add: () => undefined,
      activateById: () => undefined
    }
  });
  addRestoreCommands({
    commands,
    activate: () => undefined,
    contents: contents as never,
    store,
    views,
    notebooks: { currentWidget: null } as never,
    trans
  });
  await commands.execute(CommandIDs.openRunNotebook, {
    notebookPath: READ_FROM,
    runId: ID
  });
  expect(asked).toEqual([`${READ_FROM}#${ID}`]);
  expect(created).toEqual(['work']);
  expect(saved).toEqual(['work/Untitled.ipynb']);
  expect(opened).toEqual(['work/Untitled.ipynb']);
  views.dispose();
});
