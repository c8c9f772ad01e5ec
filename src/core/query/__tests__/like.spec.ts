import { compileLike } from '../like';

describe('query: LIKE patterns', () => {
  it.each<[string, string, boolean]>([
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['a%', 'abc', true],
    ['%c', 'abc', true],
    ['%b%', 'abc', true],
    ['%x%', 'abc', false],
    ['a_c', 'abc', true],
    ['a_c', 'ac', false],
    ['a%c%e', 'abcde', true],
    ['a%c%e', 'abcdf', false],
    ['%a%a%a%a%b', 'a'.repeat(200), false],
    ['_%_', 'ab', true],
    ['_%_', 'a', false],
    ['', '', true],
    ['', 'a', false],
    ['%', '', true],
    ['%%', 'x', true],
    ['50\\%', '50%', true],
    ['50\\%', '500', false],
    ['a\\_b', 'a_b', true],
    ['a\\_b', 'axb', false],
    ['a\\\\b', 'a\\b', true],
    ['.*', 'abc', false],
    ['.*', '.*', true],
    ['(a+)+$', '(a+)+$', true],
    ['_', '😀', true],
    ['__', '😀', false],
    ['a_b', 'a😀b', true],
    ['%_', '😀', true],
    ['%_x', '😀😀x', true],
    ['%😀_', 'ab😀c', true],
    ['%b_%c', 'abxbyc', true],
    ['x\\', 'x\\', true]
  ])('%p like %p -> %p', (pattern, value, expected) => {
    expect(compileLike(pattern)(value)).toBe(expected);
  });

  it('should fold case for ilike only', () => {
    expect(compileLike('CNN%')('cnn-big')).toBe(false);
    expect(compileLike('CNN%', true)('cnn-big')).toBe(true);
    expect(compileLike('%N_B%', true)('cnn big')).toBe(true);
  });

  it('should stay fast on adversarial patterns', () => {
    const match = compileLike('%a%a%a%a%a%a%a%b');
    const t0 = Date.now();
    expect(match('a'.repeat(5000))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
