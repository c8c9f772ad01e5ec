import { Widget } from '@lumino/widgets';
import type { IComparePaneFactory } from '../../../tokens';
import { trans } from '../../__tests__/trans';
import { BUILTIN_COMPARE_PANES } from '../panes/builtin';
import { ComparePaneRegistry, makePanes } from '../registry';

function pane(name: string, rank?: number): IComparePaneFactory {
  return {
    name,
    rank,
    create: () => {
      const w = new Widget();
      w.title.label = name;
      return w;
    }
  };
}

const options = { model: {} as never, trans, rendermime: null };

describe('ComparePaneRegistry', () => {
  describe('#add', () => {
    it('should keep factories in rank order, ties in the order added, unranked last', () => {
      const registry = new ComparePaneRegistry();
      for (const f of [
        pane('last'),
        pane('b', 200),
        pane('a', 100),
        pane('b2', 200)
      ]) {
        registry.add(f);
      }
      expect(registry.factories.map(f => f.name)).toEqual([
        'a',
        'b',
        'b2',
        'last'
      ]);
    });

    it('should refuse a taken name and keep the first', () => {
      const registry = new ComparePaneRegistry();
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
      const first = pane('curves', 1);
      registry.add(first);
      const refused = registry.add(pane('curves', 2));
      expect(warn).toHaveBeenCalled();
      refused.dispose();
      expect(registry.factories).toEqual([first]);
      warn.mockRestore();
    });

    it('should remove a factory when its disposable is disposed, and say so', () => {
      const registry = new ComparePaneRegistry();
      const changes: number[] = [];
      registry.changed.connect(() => changes.push(registry.factories.length));
      const added = registry.add(pane('mine', 900));
      added.dispose();
      added.dispose();
      expect(registry.factories).toEqual([]);
      expect(changes).toEqual([1, 0]);
    });
  });
});

describe('makePanes', () => {
  it('should make one pane per factory, in order, awaiting async ones', async () => {
    const slow: IComparePaneFactory = {
      name: 'slow',
      create: async () => {
        await new Promise(r => setTimeout(r, 5));
        return new Widget();
      }
    };
    const made = await makePanes([pane('a'), slow, pane('c')], options);
    expect(made.map(p => p.name)).toEqual(['a', 'slow', 'c']);
  });

  it('should leave out a pane whose factory throws or rejects', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const made = await makePanes(
      [
        pane('a'),
        {
          name: 'throws',
          create: () => {
            throw new Error('x');
          }
        },
        { name: 'rejects', create: () => Promise.reject(new Error('y')) },
        pane('d')
      ],
      options
    );
    expect(made.map(p => p.name)).toEqual(['a', 'd']);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});

describe('BUILTIN_COMPARE_PANES', () => {
  it('should be the eight panes, in tab order, with unique names and ranks', () => {
    expect(BUILTIN_COMPARE_PANES.map(f => f.name)).toEqual([
      'params',
      'curves',
      'param-charts',
      'classification',
      'importance',
      'groups',
      'what-changed',
      'anomalies'
    ]);
    const registry = new ComparePaneRegistry();
    BUILTIN_COMPARE_PANES.forEach(f => registry.add(f));
    registry.add(pane('extra', 450));
    expect(registry.factories.map(f => f.name).indexOf('extra')).toBe(4);
  });
});
