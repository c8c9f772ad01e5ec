import { readAssignments } from '../assignments';

describe('#readAssignments', () => {
  it('should read one-line assignments, comments and blanks aside', () => {
    const a = readAssignments(
      "# sweep\nlr = 0.1  # learning rate\nseed=1\n\nname: str = 'a # not a comment'\n"
    );
    expect([...a.values]).toEqual([
      ['lr', '0.1'],
      ['seed', '1'],
      ['name', "'a # not a comment'"]
    ]);
    expect(a.other).toEqual([]);
  });

  it('should keep the last assignment of a name', () => {
    expect(readAssignments('seed = 1\nseed = 5').values.get('seed')).toBe('5');
  });

  it.each([
    ['a comparison', 'seed == 1', 'seed == 1'],
    ['an augmented assignment', 'seed += 1', 'seed += 1'],
    ['an indented line', 'if x:\n    seed = 2', '    seed = 2'],
    ['a call', 'np.random.seed(3)', 'np.random.seed(3)']
  ])('should keep %s among the other lines', (_name, code, line) => {
    const a = readAssignments(code);
    expect(a.other).toContain(line.trim());
    expect(a.values.has('seed') && code.includes('if')).toBe(false);
  });

  it('should not read a value spread over several lines', () => {
    const a = readAssignments("grid = {\n  'lr': [0.1, 0.2],\n}\nseed = 1");
    expect(a.unsure).toEqual(new Set(['grid']));
    expect(a.values.has('grid')).toBe(false);
    expect(a.values.get('seed')).toBe('1');
  });

  it('should not read a triple-quoted string', () => {
    const a = readAssignments('doc = """a\nb"""');
    expect(a.unsure.has('doc')).toBe(true);
  });
});
