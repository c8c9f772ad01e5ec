/**
 * The panes (tabs) of the compare view, as factories registered through
 * `IComparePaneRegistry`: the eight built-in panes register like any other
 * extension's (`./panes/builtin.ts`), and each compare view makes one pane
 * per factory, in rank order.
 */
import type { Widget } from '@lumino/widgets';
import { DisposableDelegate, type IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type {
  IComparePaneFactory,
  IComparePaneOptions,
  IComparePaneRegistry
} from '../../tokens';

export class ComparePaneRegistry implements IComparePaneRegistry {
  get changed(): ISignal<IComparePaneRegistry, void> {
    return this._changed;
  }

  get factories(): readonly IComparePaneFactory[] {
    return this._factories;
  }

  add(factory: IComparePaneFactory): IDisposable {
    if (this._factories.some(f => f.name === factory.name)) {
      console.warn(`A compare pane named "${factory.name}" is already added.`);
      return new DisposableDelegate(() => undefined);
    }
    // Stable: equal ranks keep the order they were added in.
    this._factories = [...this._factories, factory]
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rankOf(a.f) - rankOf(b.f) || a.i - b.i)
      .map(({ f }) => f);
    this._changed.emit();
    return new DisposableDelegate(() => {
      const before = this._factories.length;
      this._factories = this._factories.filter(f => f !== factory);
      if (this._factories.length !== before) {
        this._changed.emit();
      }
    });
  }

  private _factories: IComparePaneFactory[] = [];
  private _changed = new Signal<IComparePaneRegistry, void>(this);
}

/** A made pane and the name of the factory that made it. */
export interface IMadePane {
  name: string;
  widget: Widget;
}

/**
 * Make one pane per factory, in order. A factory that throws or rejects is
 * reported on the console and left out: another extension's broken pane
 * must not keep a comparison from opening.
 */
export async function makePanes(
  factories: readonly IComparePaneFactory[],
  options: IComparePaneOptions
): Promise<IMadePane[]> {
  const made = await Promise.all(
    factories.map(async factory => {
      try {
        return { name: factory.name, widget: await factory.create(options) };
      } catch (error) {
        console.error(`Compare pane "${factory.name}" failed:`, error);
        return null;
      }
    })
  );
  return made.filter((p): p is IMadePane => p !== null);
}

/** Without a rank a pane goes last. */
function rankOf(factory: IComparePaneFactory): number {
  return factory.rank ?? Infinity;
}
