import { formatDuration } from '../format';

describe('#formatDuration', () => {
  it.each([
    [null, '–'],
    [-5, '–'],
    [Number.NaN, '–'],
    [0, '0 ms'],
    [949.6, '950 ms'],
    [1234, '1.2 s'],
    [12_400, '12 s'],
    [184_000, '3 min 04 s'],
    [7_500_000, '2 h 05 min']
  ])('%p ms -> %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
