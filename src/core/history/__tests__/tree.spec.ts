import { checkTree } from '../tree';

const paths = (list: string[]) => list.map(path => ({ path }));

describe('checkTree', () => {
  it('accepts a plain tree as it is', () => {
    const entries = paths(['a.json', 'a.artifacts/x.png', 'a.artifacts/y/z']);
    expect(checkTree(entries)).toEqual({ accepted: entries, rejected: [] });
  });

  it.each<[string[], string[], [string, string][]]>([
    [
      ['x', 'x/y', 'ok.json'],
      ['ok.json'],
      [
        ['x', 'is a file, but "x/y" needs a folder of that name'],
        ['x/y', 'is inside "x", which is also a file']
      ]
    ],
    [
      ['x/y', 'x', 'ok.json'],
      ['ok.json'],
      [
        ['x', 'is a file, but "x/y" needs a folder of that name'],
        ['x/y', 'is inside "x", which is also a file']
      ]
    ],
    [
      ['a/b', 'a/b/c/d', 'a/e'],
      ['a/e'],
      [
        ['a/b', 'is a file, but "a/b/c/d" needs a folder of that name'],
        ['a/b/c/d', 'is inside "a/b", which is also a file']
      ]
    ],
    [
      ['X', 'x/y'],
      [],
      [
        ['X', 'is a file, but "x/y" needs a folder of that name'],
        ['x/y', 'is inside "X", which is also a file']
      ]
    ],
    [
      ['a.json', 'a.json', 'A.JSON', 'b'],
      ['a.json', 'b'],
      [
        ['a.json', 'is repeated'],
        ['A.JSON', 'has the same name as "a.json" on a case-insensitive disk']
      ]
    ],
    [
      ['caf\u00e9', 'cafe\u0301'],
      ['caf\u00e9'],
      [
        [
          'cafe\u0301',
          'has the same name as "caf\u00e9" on a case-insensitive disk'
        ]
      ]
    ]
  ])('%j', (input, accepted, rejected) => {
    const result = checkTree(paths(input));
    expect(result.accepted.map(e => e.path)).toEqual(accepted);
    expect(result.rejected.map(r => [r.path, r.reason]).sort()).toEqual(
      [...rejected].sort()
    );
  });
});
