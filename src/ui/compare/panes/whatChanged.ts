/**
 * "What changed" between two runs, in one pane: the cell's code diff, the
 * lineage diff, params, environment and packages, data hashes, and the
 * outputs side by side (rendered untrusted, so no script or HTML of a run
 * ever runs).
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { OutputAreaModel, SimplifiedOutputArea } from '@jupyterlab/outputarea';
import type * as nbformat from '@jupyterlab/nbformat';
import { Widget } from '@lumino/widgets';
import {
  environmentInfo,
  runDetails,
  type IEnvironmentInfo
} from '../../../core/compare/details';
import {
  codeDiff,
  datasetDiff,
  hasChanges,
  lineageText,
  mapDiff,
  type IDiffLine,
  type IKeyChange
} from '../../../core/compare/whatChanged';
import type { IRunRecord, ParamValue } from '../../../core/run';
import type { CompareChange, CompareModel } from '../model';
import {
  ComparePane,
  controlBar,
  el,
  message,
  selectControl,
  valueText
} from './base';
import { columnHeads } from '../../dom';
import { HostedWidgets, type Message } from '../../hostedWidgets';

/** A unified diff as DOM: one line per row, text only. */
export function renderDiff(
  lines: readonly IDiffLine[],
  label: string
): HTMLElement {
  const box = el('div', 'jp-RunsDiff');
  box.setAttribute('role', 'table');
  box.setAttribute('aria-label', label);
  for (const line of lines) {
    const row = el('div', `jp-RunsDiff-line jp-mod-${line.kind}`);
    row.setAttribute('role', 'row');
    row.append(
      el(
        'span',
        'jp-RunsDiff-number',
        line.oldLine === null ? '' : String(line.oldLine)
      ),
      el(
        'span',
        'jp-RunsDiff-number',
        line.newLine === null ? '' : String(line.newLine)
      ),
      el(
        'span',
        'jp-RunsDiff-sign',
        line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ' '
      ),
      el('span', 'jp-RunsDiff-text', line.text)
    );
    row.querySelectorAll('span').forEach(s => s.setAttribute('role', 'cell'));
    box.append(row);
  }
  return box;
}

export class WhatChangedPane extends ComparePane {
  constructor(
    options: Omit<ComparePane.IOptions, 'name' | 'label'> & {
      rendermime?: IRenderMimeRegistry | null;
    }
  ) {
    super({
      ...options,
      name: 'what-changed',
      label: options.trans.__('What changed')
    });
    this._rendermime = options.rendermime ?? null;
  }

  /** Never throws, attached or not, twice, or after its parent was disposed. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._clearOutputs();
    this._hosted.dispose();
    super.dispose();
  }

  // The output areas live in nodes of this pane, outside any layout: they
  // learn that the pane left the page from here (`HostedWidgets`).
  protected onBeforeAttach(msg: Message): void {
    super.onBeforeAttach(msg);
    this._hosted.forward(msg);
  }

  protected onAfterAttach(): void {
    super.onAfterAttach();
    this._hosted.forward(Widget.Msg.AfterAttach);
  }

  protected onBeforeDetach(msg: Message): void {
    this._hosted.forward(msg);
    super.onBeforeDetach(msg);
  }

  protected onAfterDetach(msg: Message): void {
    this._hosted.forward(msg);
    super.onAfterDetach(msg);
  }

  protected dependsOn(change: CompareChange): boolean {
    return change !== 'series';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    const runs = model.runs;
    this._clearOutputs();
    if (runs.length < 2) {
      this.node.replaceChildren(
        message(t.__('Select two runs to see what changed.'))
      );
      return;
    }
    if (runs.some(r => model.record(r.id) === undefined)) {
      void model.loadRecords();
      this.node.replaceChildren(message(t.__('Loading runs…')));
      return;
    }
    const labels = this.runLabels();
    const ids = runs.map(r => r.id);
    const o = model.options;
    const aId =
      o.changedA && ids.includes(o.changedA)
        ? o.changedA
        : o.referenceId && ids.includes(o.referenceId)
          ? o.referenceId
          : ids[0];
    const bId =
      o.changedB && ids.includes(o.changedB) && o.changedB !== aId
        ? o.changedB
        : ids.find(id => id !== aId)!;
    const choices = this.runChoices();
    const controls = controlBar(
      t.__('Runs to compare'),
      selectControl(t.__('Before'), choices, aId, v =>
        model.setOptions({ changedA: v })
      ),
      selectControl(t.__('After'), choices, bId, v =>
        model.setOptions({ changedB: v })
      )
    );
    const a = model.record(aId);
    const b = model.record(bId);
    if (!a || !b || a instanceof Error || b instanceof Error) {
      const err = [a, b].find(x => x instanceof Error) as Error | undefined;
      this.node.replaceChildren(
        controls,
        message(t.__('A run could not be read: %1', err?.message ?? ''))
      );
      return;
    }
    const da = runDetails(a);
    const db = runDetails(b);
    const sections: HTMLElement[] = [controls];

    // Code of the cell.
    const code = codeDiff(a.code, b.code);
    sections.push(
      this._section(
        'code',
        t.__('Code'),
        hasChanges(code)
          ? renderDiff(code, t.__('Code diff'))
          : message(t.__('The cell code is identical.'))
      )
    );
    // Lineage.
    if (da.lineage.entries.length || db.lineage.entries.length) {
      const lin = codeDiff(
        lineageText(da.lineage.entries),
        lineageText(db.lineage.entries)
      );
      sections.push(
        this._section(
          'lineage',
          t.__('Lineage (cells run before)'),
          hasChanges(lin)
            ? renderDiff(lin, t.__('Lineage diff'))
            : message(t.__('The lineage is identical.'))
        )
      );
    }
    // Params.
    sections.push(
      this._section(
        'params',
        t.__('Params'),
        this._changes(
          mapDiff<ParamValue>(da.params, db.params),
          t.__('No param changed.')
        )
      )
    );
    // Environment.
    const env = this._section(
      'environment',
      t.__('Environment'),
      message(t.__('Loading environments…'))
    );
    sections.push(env);
    void this._renderEnvironment(env, a, b);
    // Data.
    const data = datasetDiff(da.datasets, db.datasets);
    sections.push(
      this._section(
        'data',
        t.__('Data'),
        data.length
          ? this._changes(data, '', true)
          : message(t.__('Neither run recorded data files.'))
      )
    );
    // Outputs side by side.
    const outputs = el('div', 'jp-RunsCompare-grid jp-RunsCompare-outputs');
    sections.push(this._section('outputs', t.__('Outputs'), outputs));
    this.node.replaceChildren(...sections);
    for (const [record, label] of [
      [a, labels[ids.indexOf(aId)]],
      [b, labels[ids.indexOf(bId)]]
    ] as const) {
      const col = el('div', 'jp-RunsCompare-outputColumn');
      col.append(el('h4', '', label));
      outputs.append(col);
      this._attachOutputs(col, record);
    }
  }

  private _section(
    name: string,
    title: string,
    content: HTMLElement
  ): HTMLElement {
    const s = el('section', 'jp-RunsCompare-changed');
    s.dataset.section = name;
    const h = el('h3', 'jp-RunsCompare-heading', title);
    s.setAttribute('aria-label', title);
    s.append(h, content);
    return s;
  }

  /** A table of key changes. */
  private _changes<T>(
    rows: IKeyChange<T>[],
    empty: string,
    includeSame = false
  ): HTMLElement {
    const t = this.trans;
    const shown = includeSame ? rows : rows.filter(r => r.change !== 'same');
    if (!shown.length) {
      return message(empty);
    }
    const table = el('table', 'jp-RunsCompare-table jp-RunsCompare-changes');
    const thead = columnHeads([
      t.__('Key'),
      t.__('Before'),
      t.__('After'),
      t.__('Change')
    ]);
    const body = el('tbody');
    const changeLabel = {
      added: t.__('added'),
      removed: t.__('removed'),
      changed: t.__('changed'),
      same: t.__('same')
    };
    for (const r of shown) {
      const tr = el('tr', `jp-mod-${r.change}`);
      tr.append(
        el('th', '', r.key),
        el('td', '', valueText(r.before)),
        el('td', '', valueText(r.after)),
        el('td', '', changeLabel[r.change])
      );
      body.append(tr);
    }
    table.append(thead, body);
    return table;
  }

  private async _renderEnvironment(
    section: HTMLElement,
    a: IRunRecord,
    b: IRunRecord
  ): Promise<void> {
    const t = this.trans;
    const read = async (r: IRunRecord): Promise<IEnvironmentInfo | null> => {
      const hash = runDetails(r).environment.hash;
      if (!hash) {
        return null;
      }
      try {
        return environmentInfo(
          JSON.parse(await this.model.readRunsFile(`env-${hash}.json`))
        );
      } catch {
        return null;
      }
    };
    const [ea, eb] = await Promise.all([read(a), read(b)]);
    const rows: IKeyChange<string>[] = [];
    const kernel = (r: IRunRecord) => ({
      'kernel.name': r.kernel.name,
      'kernel.language': `${r.kernel.language} ${r.kernel.languageVersion}`,
      ...(r.kernel.implementation
        ? {
            'kernel.implementation':
              `${r.kernel.implementation} ${r.kernel.implementationVersion ?? ''}`.trim()
          }
        : {})
    });
    rows.push(...mapDiff(kernel(a), kernel(b)));
    if (ea || eb) {
      const flat = (e: IEnvironmentInfo | null) => ({
        ...prefix('python.', e?.python ?? {}),
        ...prefix('platform.', e?.platform ?? {}),
        ...prefix('packages.', e?.packages ?? {})
      });
      rows.push(...mapDiff(flat(ea), flat(eb)));
    }
    const content = this._changes(
      rows,
      ea || eb
        ? t.__('The environments are identical.')
        : t.__(
            'No environment was recorded beyond the kernel, which is identical.'
          )
    );
    const old = section.querySelector(':scope > :not(h3)');
    old?.replaceWith(content);
  }

  private _attachOutputs(host: HTMLElement, record: IRunRecord): void {
    const t = this.trans;
    if (!this._rendermime) {
      host.append(message(t.__('Outputs cannot be shown here.')));
      return;
    }
    if (!record.outputs.length) {
      host.append(message(t.__('No output.')));
      return;
    }
    // Untrusted: HTML is sanitized, scripts and JavaScript outputs do not run.
    const model = new OutputAreaModel({
      values: record.outputs as unknown as nbformat.IOutput[],
      trusted: false
    });
    const area = new SimplifiedOutputArea({
      model,
      rendermime: this._rendermime
    });
    area.addClass('jp-RunsCompare-outputArea');
    this._hosted.add(area, host);
    this._models.push(model);
  }

  private _clearOutputs(): void {
    this._hosted.clear();
    for (const m of this._models) {
      m.dispose();
    }
    this._models = [];
  }

  private _rendermime: IRenderMimeRegistry | null;
  private _hosted = new HostedWidgets();
  private _models: OutputAreaModel[] = [];
}

function prefix(p: string, o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [p + k, v]));
}

export type { CompareModel };
