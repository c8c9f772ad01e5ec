import {
  assertInlineSpec,
  ExternalDataError,
  externalReferences,
  refusingLoader
} from '../inlineData';

const EVIL = 'https://evil.example/beacon.csv';

describe('externalReferences', () => {
  it.each<[string, unknown, string[]]>([
    ['data.url', { data: { url: EVIL }, mark: 'point' }, ['/data/url']],
    [
      'a layer’s data',
      { layer: [{ data: { values: [] } }, { data: { url: EVIL } }] },
      ['/layer/1/data/url']
    ],
    [
      'a lookup’s from',
      { transform: [{ lookup: 'a', from: { data: { url: EVIL }, key: 'a' } }] },
      ['/transform/0/from/data/url']
    ],
    [
      'an image mark’s url channel',
      { mark: 'image', encoding: { url: { field: 'u' } } },
      ['/encoding/url']
    ],
    ['a key with a slash', { 'a/b': { url: 1 } }, ['/a~1b/url']],
    [
      'inline data only',
      { data: { values: [{ url: 'x' }] } },
      ['/data/values/0/url']
    ]
  ])('should find %s', (_name, spec, pointers) => {
    expect(externalReferences(spec)).toEqual(pointers);
    expect(() => assertInlineSpec(spec)).toThrow(ExternalDataError);
  });

  it('should pass a spec with inline rows whose text looks like a URL', () => {
    const spec = { data: { values: [{ run: EVIL }] }, mark: 'point' };
    expect(externalReferences(spec)).toEqual([]);
    expect(() => assertInlineSpec(spec)).not.toThrow();
  });
});

describe('refusingLoader', () => {
  let fetchMock: jest.Mock;
  beforeEach(() => {
    fetchMock = jest.fn(() => Promise.reject(new Error('network')));
    (globalThis as { fetch?: unknown }).fetch = fetchMock;
  });
  afterEach(() => {
    delete (globalThis as { fetch?: unknown }).fetch;
  });

  it.each(['load', 'sanitize', 'http', 'file'] as const)(
    'should refuse %s without a request',
    async method => {
      await expect(refusingLoader()[method](EVIL, {})).rejects.toThrow(
        ExternalDataError
      );
      expect(fetchMock).not.toHaveBeenCalled();
    }
  );
});
