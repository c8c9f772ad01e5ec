/**
 * The loader the compare charts give Vega, in a real Vega view: a spec
 * that slipped past `assertInlineSpec` still makes no request.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { nullTranslator } from '@jupyterlab/translation';
import { refusingLoader } from '../../../core/charts';
import { ChartView } from '../chart';

describe('ChartView’s Vega loader', () => {
  it('should keep a real Vega view from fetching a data url or an image', async () => {
    // jsdom has no canvas; vega-scenegraph says so once when loaded.
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    const { parse, View } = await import('vega');
    const fetchMock = jest.fn(() => Promise.reject(new Error('network')));
    (globalThis as { fetch?: unknown }).fetch = fetchMock;
    const spec: TopLevelSpec = {
      layer: [
        {
          data: { url: 'https://evil.example/beacon.csv' },
          mark: 'point',
          encoding: { x: { field: 'a', type: 'quantitative' } }
        },
        {
          data: { values: [{ u: 'https://evil.example/pixel.png' }] },
          mark: 'image',
          encoding: { url: { field: 'u', type: 'nominal' } }
        }
      ]
    };
    const view = new View(parse(compile(spec).spec), {
      loader: refusingLoader() as never,
      renderer: 'none'
    });
    view.logLevel(0);
    await view.runAsync().catch(() => undefined);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(view.data('source_0')).toEqual([]);
    view.finalize();
    delete (globalThis as { fetch?: unknown }).fetch;
    quiet.mockRestore();
  });

  it('should refuse to draw a spec with a url, and say why', async () => {
    const chart = new ChartView({
      name: 'x',
      label: 'x',
      trans: nullTranslator.load('jupyterlab_runs')
    });
    await chart.setSpec({
      data: { url: 'https://evil.example/beacon.csv' },
      mark: 'point'
    } as TopLevelSpec);
    expect(chart.node.dataset.state).toBe('error');
    expect(chart.result).toBeNull();
    expect(chart.node.textContent).toContain(
      'The chart refers to data outside itself at /data/url'
    );
    chart.dispose();
  });
});
