import type { IProvenanceCell } from '../../core/run';
import { issueText, provenanceBadge, provenanceBlock } from '../provenance';
import { trans } from './trans';

const params: IProvenanceCell = {
  cellId: 'params',
  executionCount: 1,
  index: 1,
  line: 'lr = 0.1'
};
const data: IProvenanceCell = {
  cellId: 'data',
  executionCount: 2,
  index: 2,
  line: 'import numpy as np'
};
const lineage = {
  scope: 'slice' as const,
  entries: [],
  historyCount: 3,
  clean: null,
  issues: []
};

describe('provenance views', () => {
  it('should name the stale variable, its values and the cell that used it', () => {
    expect(
      issueText(trans, {
        kind: 'stale-param',
        name: 'seed',
        used: '1',
        now: '5',
        cell: params,
        usedBy: [data]
      })
    ).toBe(
      '`seed` is 5 in the parameters cell, but cell 3 (In [2]: import numpy as np) used `seed = 1` from an earlier execution of cell 2 (In [1]: lr = 0.1).'
    );
  });

  it('should name a deleted cell and what the run took from it', () => {
    expect(
      issueText(trans, {
        kind: 'deleted',
        cell: { ...data, index: null },
        names: ['X', 'np']
      })
    ).toBe(
      'a deleted cell (In [2]: import numpy as np) was deleted since it ran; the run used `X`, `np` from it.'
    );
  });

  it('should label the icon for screen readers', () => {
    const badge = provenanceBadge(trans, 'stale');
    expect(badge.getAttribute('role')).toBe('img');
    expect(badge.getAttribute('aria-label')).toMatch(/^Stale/);
    expect(provenanceBadge(trans, null).getAttribute('aria-label')).toMatch(
      /^Not checked/
    );
  });

  it('should list each issue in the detail, as text', () => {
    const block = provenanceBlock(
      trans,
      {
        state: 'stale',
        issues: [
          { kind: 'edited', cell: data, names: ['<img src=x>'] },
          { kind: 'self-dependent', names: ['n'] }
        ]
      },
      lineage
    );
    const items = [...block.querySelectorAll('li')];
    expect(items.map(li => li.dataset.kind)).toEqual([
      'edited',
      'self-dependent'
    ]);
    expect(block.querySelector('img')).toBeNull();
    expect(items[0].textContent).toContain('`<img src=x>`');
  });

  it('should show a version 1 run’s own flags, unchecked', () => {
    const block = provenanceBlock(trans, null, {
      ...lineage,
      scope: 'session',
      clean: false,
      issues: ['re-run', 'edited']
    });
    expect(block.textContent).toContain('Not checked');
    expect(block.textContent).toContain('re-run, edited');
  });
});
