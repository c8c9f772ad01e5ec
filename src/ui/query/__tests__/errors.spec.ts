import {
  parseQuery,
  QUERY_MESSAGES,
  queryMessage,
  type QueryErrorCode
} from '../../../core/query';
import { translateQueryError, translateQueryMessage } from '../errors';

/** A bundle that "translates" by filling the English text. */
const english = {
  __: (s: string, ...a: unknown[]) =>
    s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1]))
} as never;

/** A bundle that marks every string it translated. */
const marked = {
  __: (s: string, ...a: unknown[]) =>
    `«${s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1]))}»`
} as never;

describe('query errors: translated by code', () => {
  it.each(Object.keys(QUERY_MESSAGES) as QueryErrorCode[])(
    '%s has a translation with the core’s English text',
    code => {
      const args = ['a', null];
      expect(translateQueryMessage(english, code, args)).toBe(
        queryMessage(code, args)
      );
    }
  );

  it.each([
    'metrics.acc >',
    'params.lr = 1 and (',
    'foo = 1',
    'attributes.nope = 1',
    "metrics.acc = 'x'",
    'x.y = 1',
    "params.model = 'cnn",
    'metrics.acc > 0.5 )'
  ])('%s: the translated error equals the core’s message', text => {
    const result = parseQuery(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(translateQueryError(english, result.error)).toBe(
        result.error.message
      );
      // Every word of it went through the translation bundle.
      expect(translateQueryError(marked, result.error)).toMatch(/^«.*»$/);
    }
  });
});
