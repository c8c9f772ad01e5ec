import type { ParamValue } from '../../run';
import {
  differingParams,
  paramsSubtitle,
  paramsSubtitles
} from '../differingParams';

const runs = (...params: Record<string, ParamValue>[]) =>
  params.map(p => ({ params: p }));

describe('#differingParams', () => {
  it('should name only the params whose values differ, sorted', () => {
    expect(
      differingParams(
        runs(
          { solver: 'saga', C: 10, max_iter: 100 },
          { solver: 'lbfgs', C: 10, max_iter: 100 },
          { solver: 'saga', C: 0.1, max_iter: 100 }
        )
      )
    ).toEqual(['C', 'solver']);
  });

  it('should count a missing param as a value', () => {
    expect(differingParams(runs({ a: 1, b: 2 }, { a: 1 }))).toEqual(['b']);
  });

  it('should compare lists and objects by value', () => {
    expect(
      differingParams(
        runs(
          { layers: [64, 32], opt: { lr: 0.1 } },
          { layers: [64, 32], opt: { lr: 0.01 } }
        )
      )
    ).toEqual(['opt']);
  });

  it('should find nothing to tell apart in one run, or none', () => {
    expect(differingParams(runs({ a: 1 }))).toEqual([]);
    expect(differingParams([])).toEqual([]);
    expect(differingParams([{}, {}])).toEqual([]);
  });

  it('should tell 1 from "1" and null from missing', () => {
    expect(differingParams(runs({ a: 1 }, { a: '1' }))).toEqual(['a']);
    expect(differingParams(runs({ a: null }, {}))).toEqual(['a']);
  });
});

describe('#paramsSubtitle', () => {
  it("should write the run's values of the differing params", () => {
    expect(
      paramsSubtitles(
        runs(
          { C: 10, solver: 'saga', tol: 1e-4 },
          { C: 0.1, solver: 'lbfgs', tol: 1e-4 }
        )
      )
    ).toEqual(['C=10 · solver=saga', 'C=0.1 · solver=lbfgs']);
  });

  it('should write numbers without float artefacts', () => {
    expect(paramsSubtitle({ params: { lr: 0.1 + 0.2 } }, ['lr'])).toBe(
      'lr=0.3'
    );
  });

  it('should leave out a param the run lacks', () => {
    expect(paramsSubtitles(runs({ a: 1, b: 2 }, { a: 2 }))).toEqual([
      'a=1 · b=2',
      'a=2'
    ]);
  });

  it('should show a few params and cut long values', () => {
    const keys = ['a', 'b', 'c', 'd'];
    expect(
      paramsSubtitle({ params: { a: 1, b: 2, c: 3, d: 4 } }, keys, { limit: 2 })
    ).toBe('a=1 · b=2 · …');
    expect(
      paramsSubtitle({ params: { path: 'abcdefghij' } }, ['path'], {
        valueLength: 5
      })
    ).toBe('path=abcd…');
  });
});
