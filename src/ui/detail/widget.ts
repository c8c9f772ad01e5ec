/**
 * The detail of one run: its code in a read-only highlighted editor,
 * lineage, params, metrics with charts, environment, data, outputs
 * (rendered untrusted), artifacts with previews, tags and notes, and the
 * restore actions.
 */
import {
  CodeEditor,
  CodeEditorWrapper,
  type IEditorServices
} from '@jupyterlab/codeeditor';
import type * as nbformat from '@jupyterlab/nbformat';
import { OutputAreaModel, SimplifiedOutputArea } from '@jupyterlab/outputarea';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { PromiseDelegate } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { Panel, Widget } from '@lumino/widgets';
import { runDetails, type IRunDetails } from '../../core/compare/details';
import { formatDuration } from '../../core/format';
import type { RunSeries } from '../../core/history/series';
import type { IRunRecord } from '../../core/run';
import type { IRunsChange } from '../../core/runs/runList';
import { runName, type INameable } from '../../core/runs/names';
import type { IRunsModel } from '../../tokens';
import { provenanceBlock } from '../provenance';
import { colorSwatch } from '../runIdentity';
import { HostedWidgets, type Message } from '../hostedWidgets';
import { renderArtifacts } from './artifacts';
import { renderEnvironment } from './environment';
import { RunPlots } from './plots';
import {
  datasetsTable,
  el,
  gridTable,
  keyValueTable,
  lineageList,
  section
} from './sections';

/** How the detail view reads the run and its files. */
export interface IRunDetailSource {
  record(): Promise<IRunRecord>;
  series(): Promise<RunSeries | null>;
  /** A file of the runs folder, by relative path. */
  readText(relativePath: string): Promise<string>;
  readBase64(relativePath: string): Promise<string>;
  /** The user's name, star, note and tags for the run, if kept apart. */
  annotation?(): Promise<IRunUserAnnotation>;
}

/** What a user added to a run after it ran. */
export interface IRunUserAnnotation {
  name?: string;
  starred?: boolean;
  note?: string;
  tags?: Record<string, string>;
}

export class RunDetailWidget extends Panel {
  constructor(options: RunDetailWidget.IOptions) {
    super();
    this._options = options;
    this._trans = options.trans;
    this.addClass('jp-RunDetail');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', options.trans.__('Run details'));
    this.title.label = options.title;
    this._body = new Widget();
    this._body.addClass('jp-RunDetail-body');
    this._body.node.append(
      el('p', 'jp-RunDetail-message', options.trans.__('Loading run…'))
    );
    this.addWidget(this._body);
    this._summary = options.summary;
    options.follow?.model.runsChanged.connect(this._onRunsChanged, this);
    void this._load();
  }

  /**
   * Read and show the run again (it ended, or the user renamed, starred or
   * tagged it). The editor, outputs and chart of the last rendering are
   * disposed first.
   */
  async reload(): Promise<void> {
    this._plots?.dispose();
    this._plots = null;
    this._hosted.clear();
    for (const w of this._owned) {
      w.dispose();
    }
    this._owned = [];
    await this._load();
  }

  /** Resolves once the run is shown (or failed to load). */
  get ready(): Promise<void> {
    return this._ready.promise;
  }

  /**
   * Never throws, attached or not, twice, or after the parent was disposed:
   * the editor and the output area live in nodes of this panel, outside its
   * layout (`HostedWidgets`).
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._plots?.dispose();
    this._hosted.dispose();
    for (const w of this._owned) {
      w.dispose();
    }
    this._owned = [];
    super.dispose();
  }

  protected onBeforeAttach(msg: Message): void {
    super.onBeforeAttach(msg);
    this._hosted.forward(msg);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._hosted.forward(msg);
  }

  protected onBeforeDetach(msg: Message): void {
    this._hosted.forward(msg);
    super.onBeforeDetach(msg);
  }

  protected onAfterDetach(msg: Message): void {
    this._hosted.forward(msg);
    super.onAfterDetach(msg);
  }

  /**
   * The followed run changed in the runs model: re-read it once it ended
   * (its final record, outputs and stored series) or when what the user
   * said about it, or its number, changed; not at each live update while
   * it runs.
   */
  private _onRunsChanged(_: IRunsModel, change: IRunsChange): void {
    const id = this._options.follow?.runId;
    const c = change.changed.find(x => x.after.id === id);
    if (!c) {
      return;
    }
    const { before, after } = c;
    this._summary = after;
    if (
      (before.status === 'running' && after.status !== 'running') ||
      before.name !== after.name ||
      before.seq !== after.seq ||
      before.starred !== after.starred ||
      JSON.stringify(before.tags ?? {}) !== JSON.stringify(after.tags ?? {})
    ) {
      void this.reload();
    }
  }

  private async _load(): Promise<void> {
    const t = this._trans;
    try {
      const source = this._options.source;
      const [record, annotation] = await Promise.all([
        source.record(),
        source.annotation?.().catch(() => ({})) ?? Promise.resolve({})
      ]);
      if (this.isDisposed) {
        this._ready.resolve(undefined); // closed while loading
        return;
      }
      this._annotation = annotation;
      const details = runDetails(record);
      this.title.label = t.__('Run %1', runName(this._identity(record)));
      this._render(record, details);
      this._ready.resolve(undefined);
      const series = await this._options.source.series().catch(() => null);
      if (!this.isDisposed) {
        this._plots?.setSeries(series);
      }
    } catch (e) {
      if (this.isDisposed) {
        this._ready.resolve(undefined);
        return;
      }
      this._body.node.replaceChildren(
        el(
          'p',
          'jp-RunDetail-message jp-mod-error',
          t.__(
            'The run could not be read: %1',
            e instanceof Error ? e.message : String(e)
          )
        )
      );
      this._ready.resolve(undefined);
    }
  }

  private _render(record: IRunRecord, d: IRunDetails): void {
    const t = this._trans;
    const root = this._body.node;
    root.replaceChildren();
    const summary: IRunUserAnnotation = {
      ...(this._summary as IRunUserAnnotation | undefined),
      ...this._annotation
    };

    // Header and actions.
    const header = el('header', 'jp-RunDetail-header');
    const title = el('h2', 'jp-RunDetail-title');
    title.append(
      colorSwatch(this._identity(record)),
      runName(this._identity(record))
    );
    const status = el(
      'span',
      `jp-RunsPanel-statusBadge jp-mod-${record.status}`,
      record.status
    );
    header.append(title, status);
    const actions = el('div', 'jp-RunDetail-actions');
    actions.setAttribute('role', 'toolbar');
    actions.setAttribute('aria-label', t.__('Run actions'));
    for (const [command, label] of this._options.actions ?? []) {
      const b = el('button', 'jp-mod-styled jp-RunDetail-action', label);
      b.type = 'button';
      b.addEventListener(
        'click',
        () =>
          void this._options.commands?.execute(command, {
            runId: record.id,
            notebookPath: this._options.notebookPath ?? record.notebookPath
          })
      );
      actions.append(b);
    }
    header.append(actions);
    root.append(header);

    root.append(
      section(
        'overview',
        t.__('Overview'),
        keyValueTable(t.__('Overview'), [
          [t.__('Run id'), record.id],
          [t.__('Experiment'), record.experiment],
          [t.__('Started'), new Date(record.startedAt).toLocaleString()],
          [t.__('Duration'), formatDuration(record.durationMs)],
          [t.__('Execution count'), record.executionCount],
          [
            t.__('Kernel'),
            `${record.kernel.name} (${record.kernel.language} ${record.kernel.languageVersion})`
          ],
          ...(record.error
            ? [
                [
                  t.__('Error'),
                  `${record.error.ename}: ${record.error.evalue}`
                ] as const
              ]
            : [])
        ])
      )
    );
    // What a reader looks for first: params, metrics and the run's own
    // plots; then notes, code, provenance and the rest.
    const params = Object.entries(d.params);
    root.append(
      section(
        'params',
        t.__('Params'),
        params.length
          ? keyValueTable(t.__('Params'), params)
          : el('p', 'jp-RunDetail-message', t.__('No params.'))
      )
    );
    const metrics = Object.entries(record.metrics ?? {}) as unknown as [
      string,
      Record<string, unknown>
    ][];
    const metricsSection = section(
      'metrics',
      t.__('Metrics'),
      metrics.length
        ? gridTable(
            t.__('Metrics'),
            [
              t.__('Metric'),
              t.__('Final'),
              t.__('Min'),
              t.__('Max'),
              t.__('Points'),
              t.__('Last step')
            ],
            metrics.map(([k, m]) => [
              k,
              dec(m.last),
              dec(m.min),
              dec(m.max),
              m.count,
              m.lastStep
            ])
          )
        : el('p', 'jp-RunDetail-message', t.__('No metrics.'))
    );
    root.append(metricsSection);
    this._plots = new RunPlots({
      trans: t,
      record,
      details: d,
      run: this._identity(record),
      reader: this._options.source,
      width: () => this.node.clientWidth || 700
    });
    root.append(this._plots.node);
    const tags = { ...d.tags, ...(summary.tags ?? {}) };
    const notes = summary.note || d.notes;
    const tagList = el('ul', 'jp-RunDetail-tags');
    for (const [k, v] of Object.entries(tags)) {
      tagList.append(el('li', 'jp-RunDetail-tag', v ? `${k}: ${v}` : k));
    }
    root.append(
      section(
        'tags',
        t.__('Tags and notes'),
        Object.keys(tags).length
          ? tagList
          : el('p', 'jp-RunDetail-message', t.__('No tags.')),
        el('p', 'jp-RunDetail-notes', notes || t.__('No notes.'))
      )
    );

    // Code, read-only and highlighted.
    const codeHost = el('div', 'jp-RunDetail-editor');
    root.append(section('code', t.__('Code'), codeHost));
    this._attachCode(codeHost, record);

    root.append(
      section(
        'provenance',
        t.__('Provenance'),
        provenanceBlock(t, d.provenance, d.lineage)
      )
    );
    for (const extra of this._options.sections?.(record) ?? []) {
      root.append(extra);
    }
    root.append(section('lineage', t.__('Lineage'), lineageList(t, d.lineage)));

    const env = section(
      'environment',
      t.__('Environment'),
      el('p', 'jp-RunDetail-message', t.__('Loading environment…'))
    );
    root.append(env);
    void renderEnvironment(t, env, record, d, this._options.source);

    root.append(
      section(
        'data',
        t.__('Data'),
        d.datasets.length
          ? datasetsTable(t, d.datasets)
          : el('p', 'jp-RunDetail-message', t.__('No data files recorded.'))
      ),
      section(
        'files-written',
        t.__('Files written'),
        d.outputFiles.length
          ? datasetsTable(t, d.outputFiles, t.__('Files written'))
          : el(
              'p',
              'jp-RunDetail-message',
              t.__('No files written by the run were recorded.')
            )
      )
    );

    const outputs = el('div', 'jp-RunDetail-outputs');
    root.append(section('outputs', t.__('Outputs'), outputs));
    this._attachOutputs(outputs, record);

    const artifacts = el('div', 'jp-RunDetail-artifacts');
    root.append(section('artifacts', t.__('Artifacts'), artifacts));
    renderArtifacts(t, artifacts, d.artifacts, this._options.source);
  }

  private _attachCode(host: HTMLElement, record: IRunRecord): void {
    const services = this._options.editorServices;
    if (!services) {
      host.append(el('pre', 'jp-RunDetail-code', record.code));
      return;
    }
    const model = new CodeEditor.Model();
    model.mimeType = services.mimeTypeService.getMimeTypeByLanguage({
      name: record.kernel.language
    });
    model.sharedModel.setSource(record.code);
    const editor = new CodeEditorWrapper({
      model,
      factory: services.factoryService.newInlineEditor,
      editorOptions: { config: { readOnly: true, lineNumbers: true } }
    });
    editor.addClass('jp-RunDetail-codeEditor');
    this._hosted.add(editor, host);
    // CodeMirror's read-only state still leaves a focusable text box that
    // screen readers announce as editable: say that it is read-only. It
    // stays focusable so keyboard users can select and copy the code.
    const content = editor.node.querySelector('.cm-content');
    content?.setAttribute('aria-readonly', 'true');
    content?.setAttribute('aria-label', this._trans.__('Run code (read-only)'));
    this._owned.push(model);
  }

  private _attachOutputs(host: HTMLElement, record: IRunRecord): void {
    const t = this._trans;
    if (!this._options.rendermime) {
      host.append(
        el('p', 'jp-RunDetail-message', t.__('Outputs cannot be shown here.'))
      );
      return;
    }
    if (!record.outputs.length) {
      host.append(el('p', 'jp-RunDetail-message', t.__('No output.')));
      return;
    }
    // Untrusted: HTML is sanitized; JavaScript and scripts never run.
    const model = new OutputAreaModel({
      values: record.outputs as unknown as nbformat.IOutput[],
      trusted: false
    });
    const area = new SimplifiedOutputArea({
      model,
      rendermime: this._options.rendermime
    });
    this._hosted.add(area, host);
    this._owned.push(model);
  }

  /** What names and colours this run: its number from the runs list. */
  private _identity(record: IRunRecord): INameable {
    const summary = this._summary as
      { name?: string; seq?: number } | undefined;
    return {
      id: record.id,
      experiment: record.experiment,
      name: this._annotation.name || summary?.name,
      seq: summary?.seq
    };
  }

  private _options: RunDetailWidget.IOptions;
  private _trans: TranslationBundle;
  private _body: Widget;
  private _plots: RunPlots | null = null;
  /** Widgets in nodes of the body (editor, outputs). */
  private _hosted = new HostedWidgets();
  /** Their models. */
  private _owned: IDisposable[] = [];
  private _annotation: IRunUserAnnotation = {};
  private _summary: object | undefined;
  private _ready = new PromiseDelegate<void>();
}

export namespace RunDetailWidget {
  export interface IOptions {
    trans: TranslationBundle;
    source: IRunDetailSource;
    /** The run's summary as listed (name, star, tags, notes), if known. */
    summary?: object;
    /** Follow the run in the runs model (see `reload`). */
    follow?: { model: IRunsModel; runId: string };
    title: string;
    editorServices?: IEditorServices | null;
    rendermime?: IRenderMimeRegistry | null;
    commands?: CommandRegistry;
    /** Buttons: [command id, translated label]. */
    actions?: [string, string][];
    /**
     * The notebook whose runs folder the run was read from, passed to the
     * actions; default: the one the record names, which is stale once the
     * notebook was renamed (its runs folder moved with it).
     */
    notebookPath?: string;
    /** More sections, shown after the code (e.g. the reproduction). */
    sections?: (record: IRunRecord) => HTMLElement[];
  }
}

function dec(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
}
