import { resolveRunTarget, type IRunTargetContext } from '../runTarget';

const A = '01JDQ6Z0A1AAAAAAAAAAAAAAAA';
const B = '01JDQ6Z0A1BBBBBBBBBBBBBBBB';
const C = '01JDQ6Z0A1CCCCCCCCCCCCCCCC';

/** The sidebar lists nb.ipynb with B selected; nothing else is open. */
function context(patch: Partial<IRunTargetContext> = {}): IRunTargetContext {
  return {
    menu: null,
    current: null,
    sidebar: { notebookPath: 'nb.ipynb', runIds: [B] },
    notebookPath: 'nb.ipynb',
    ...patch
  };
}

const folderView = { notebookPath: 'old/deleted.ipynb', runIds: [] };
const detailView = { notebookPath: 'other.ipynb', runIds: [C] };
const compareView = { notebookPath: 'other.ipynb', runIds: [A, C] };

describe('resolveRunTarget', () => {
  describe('from arguments (palette, buttons, restorer, other extensions)', () => {
    it('should take runId and notebookPath as given', () => {
      expect(
        resolveRunTarget(
          { runId: A, notebookPath: 'x.ipynb' },
          context({ current: detailView })
        )
      ).toEqual({ notebookPath: 'x.ipynb', runIds: [A] });
    });

    it('should take runIds, without duplicates', () => {
      expect(resolveRunTarget({ runIds: [A, B, A] }, context())).toEqual({
        notebookPath: 'nb.ipynb',
        runIds: [A, B]
      });
    });

    it('should place ids without a notebook in the view in front that shows them', () => {
      expect(
        resolveRunTarget({ runId: C }, context({ current: compareView }))
      ).toEqual({ notebookPath: 'other.ipynb', runIds: [C] });
    });

    it('should place ids the view in front does not show in the sidebar’s notebook', () => {
      // The sidebar's "open" button passes only the run id, whatever tab is in front.
      expect(
        resolveRunTarget({ runId: A }, context({ current: folderView }))
      ).toEqual({ notebookPath: 'nb.ipynb', runIds: [A] });
    });

    it('should fall back to the notebook in front without a sidebar', () => {
      expect(
        resolveRunTarget(
          { runId: A },
          context({ sidebar: null, notebookPath: 'front.ipynb' })
        )
      ).toEqual({ notebookPath: 'front.ipynb', runIds: [A] });
    });

    it.each([
      ['a path', { runId: '../../etc/passwd' }],
      ['an empty list', { runIds: [] }],
      ['a list with a non-id', { runIds: [A, 'x'] }],
      ['a list with a number', { runIds: [A, 7] }]
    ])('should refuse %s rather than guess', (_label, args) => {
      expect(
        resolveRunTarget(args, context({ menu: { runId: A, scope: null } }))
      ).toBeNull();
    });

    it('should ignore the context menu when ids are given', () => {
      expect(
        resolveRunTarget(
          { runId: B },
          context({ menu: { runId: A, scope: folderView } })
        )
      ).toEqual({ notebookPath: 'nb.ipynb', runIds: [B] });
    });
  });

  describe('from a context menu', () => {
    it('should act on a sidebar row in the sidebar’s notebook', () => {
      expect(
        resolveRunTarget(
          {},
          context({
            menu: {
              runId: A,
              scope: { notebookPath: 'nb.ipynb', runIds: [B] }
            }
          })
        )
      ).toEqual({ notebookPath: 'nb.ipynb', runIds: [A] });
    });

    it('should act on a runs-folder row in that folder, not the sidebar’s', () => {
      // The bug: "Open Run Details" looked the run up under nb.ipynb.
      expect(
        resolveRunTarget(
          {},
          context({
            menu: { runId: A, scope: folderView },
            current: folderView
          })
        )
      ).toEqual({ notebookPath: 'old/deleted.ipynb', runIds: [A] });
    });

    it('should act on a compared run in the comparison’s notebook', () => {
      expect(
        resolveRunTarget(
          {},
          context({ menu: { runId: C, scope: compareView } })
        )
      ).toEqual({ notebookPath: 'other.ipynb', runIds: [C] });
    });

    it('should refuse a row in an unknown view instead of guessing its notebook', () => {
      expect(
        resolveRunTarget({}, context({ menu: { runId: A, scope: null } }))
      ).toBeNull();
    });

    it('should let notebookPath name the folder of a row of an unknown view', () => {
      expect(
        resolveRunTarget(
          { notebookPath: 'given.ipynb' },
          context({ menu: { runId: A, scope: null } })
        )
      ).toEqual({ notebookPath: 'given.ipynb', runIds: [] });
    });

    it('should not act on a row whose id is not a run id', () => {
      expect(
        resolveRunTarget(
          {},
          context({ menu: { runId: 'bogus', scope: folderView } })
        )
      ).toEqual({ notebookPath: 'old/deleted.ipynb', runIds: [] });
    });
  });

  describe('from the view in front', () => {
    it('should act on a detail’s run', () => {
      expect(resolveRunTarget({}, context({ current: detailView }))).toEqual({
        notebookPath: 'other.ipynb',
        runIds: [C]
      });
    });

    it('should act on a comparison’s runs', () => {
      expect(resolveRunTarget({}, context({ current: compareView }))).toEqual({
        notebookPath: 'other.ipynb',
        runIds: [A, C]
      });
    });

    it('should act on a runs folder’s notebook, with no run', () => {
      expect(resolveRunTarget({}, context({ current: folderView }))).toEqual({
        notebookPath: 'old/deleted.ipynb',
        runIds: []
      });
    });

    it('should drop the view’s runs when notebookPath names another notebook', () => {
      expect(
        resolveRunTarget(
          { notebookPath: 'x.ipynb' },
          context({ current: detailView })
        )
      ).toEqual({ notebookPath: 'x.ipynb', runIds: [] });
    });
  });

  describe('from the sidebar', () => {
    it('should act on its notebook and selection', () => {
      expect(resolveRunTarget({}, context())).toEqual({
        notebookPath: 'nb.ipynb',
        runIds: [B]
      });
    });

    it('should fall back to the notebook in front', () => {
      expect(
        resolveRunTarget(
          {},
          context({ sidebar: null, notebookPath: 'front.ipynb' })
        )
      ).toEqual({ notebookPath: 'front.ipynb', runIds: [] });
    });

    it('should answer null with no notebook anywhere', () => {
      expect(
        resolveRunTarget(
          {},
          context({
            sidebar: { notebookPath: null, runIds: [] },
            notebookPath: null
          })
        )
      ).toBeNull();
    });
  });
});
