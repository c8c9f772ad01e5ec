import { format } from 'd3-format';
import {
  formatNumber,
  numberAxis,
  STEP_FORMAT,
  VALUE_FORMAT
} from '../numbers';

describe('#formatNumber', () => {
  it.each([
    [2.4999999999999998e275, '2.5e+275'],
    [0.30000000000000004, '0.3'],
    [0.1 + 0.7, '0.8'],
    [0.123456, '0.1235'],
    [-0.5, '-0.5'],
    [12345.6, '1.235e+4'],
    [6.02e23, '6.02e+23'],
    [0.000123, '0.000123'],
    [1e-7, '1e-7']
  ])('should write %p as %p', (v, text) => {
    expect(formatNumber(v)).toBe(text);
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [271, '271'],
    [1000000, '1000000'],
    [-42, '-42'],
    [123456789012, '123456789012']
  ])('should write the integer %p as %p', (v, text) => {
    expect(formatNumber(v)).toBe(text);
  });

  it('should write integers past exact range in scientific notation', () => {
    expect(formatNumber(1e21)).toBe('1e+21');
  });

  it.each([
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity']
  ])('should write %p as %p', (v, text) => {
    expect(formatNumber(v)).toBe(text);
  });

  it.each([0.30000000000000004, 2.4999999999999998e275, 0.00123, 12345.6, 3.5])(
    'should write %p as a Vega axis with the value format does',
    v => {
      // Vega formats axes with d3-format's default locale (which writes
      // the minus sign as U+2212; these are positive).
      const vega = format(VALUE_FORMAT)(v);
      expect(formatNumber(v)).toBe(vega);
    }
  );
});

describe('#numberAxis', () => {
  it('should declare d3-format strings, not expressions', () => {
    expect(numberAxis()).toEqual({
      format: VALUE_FORMAT,
      formatType: 'number'
    });
    expect(numberAxis('step')).toEqual({
      format: STEP_FORMAT,
      formatType: 'number',
      // Whole steps only: no `500m` tick on a short series.
      tickMinStep: 1
    });
  });

  it('should write steps with SI prefixes on a Vega axis', () => {
    const f = format(numberAxis('step').format);
    expect([0, 271, 1000, 1500, 12000].map(f)).toEqual([
      '0',
      '271',
      '1k',
      '1.5k',
      '12k'
    ]);
  });
});
