/**
 * The files a run logged: the artifacts table, previews of its text and
 * image artifacts, and the one preview builder the Plots section uses for
 * its figures. Text only or data URLs of checked raster types: nothing a
 * run wrote can run script here.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IArtifactInfo } from '../../core/compare/details';
import { el, gridTable, previewKind } from './sections';

/** How previews read the runs folder's files. */
export interface IArtifactReader {
  readText(relativePath: string): Promise<string>;
  readBase64(relativePath: string): Promise<string>;
}

/** Characters of a text artifact shown. */
const TEXT_PREVIEW_CHARS = 4000;

/**
 * A captioned preview of `a` (an image or the start of a text), filled in
 * once read; null for an artifact that gets none (`previewKind`).
 */
export function artifactPreview(
  trans: TranslationBundle,
  a: IArtifactInfo,
  reader: IArtifactReader
): HTMLElement | null {
  const kind = previewKind(a);
  if (!kind || !a.path) {
    return null;
  }
  const fig = el('figure', 'jp-RunDetail-preview');
  fig.append(el('figcaption', '', a.name));
  const unreadable = () =>
    fig.append(el('p', 'jp-RunDetail-message', trans.__('Not readable.')));
  if (kind === 'image') {
    void reader.readBase64(a.path).then(data => {
      const img = el('img');
      img.alt = a.name;
      // A data URL of a checked raster type: no script can run in it.
      img.src = `data:${a.mime.toLowerCase()};base64,${data.replace(/[^A-Za-z0-9+/=]/g, '')}`;
      fig.append(img);
    }, unreadable);
  } else {
    void reader
      .readText(a.path)
      .then(
        text =>
          fig.append(
            el(
              'pre',
              'jp-RunDetail-code',
              text.length > TEXT_PREVIEW_CHARS
                ? `${text.slice(0, TEXT_PREVIEW_CHARS)}\n…`
                : text
            )
          ),
        unreadable
      );
  }
  return fig;
}

/**
 * The Artifacts section's content: every logged file in a table, and
 * previews of those that are not figures (the Plots section shows those).
 */
export function renderArtifacts(
  trans: TranslationBundle,
  host: HTMLElement,
  artifacts: readonly IArtifactInfo[],
  reader: IArtifactReader
): void {
  const t = trans;
  if (!artifacts.length) {
    host.append(el('p', 'jp-RunDetail-message', t.__('No artifacts.')));
    return;
  }
  host.append(
    gridTable(
      t.__('Artifacts'),
      [
        t.__('Name'),
        t.__('Kind'),
        t.__('Type'),
        t.__('Size'),
        t.__('SHA-256'),
        t.__('Stored')
      ],
      artifacts.map(a => [
        a.name,
        a.kind,
        a.mime,
        a.size,
        a.sha256,
        a.stored ? t.__('yes') : t.__('no')
      ])
    )
  );
  const previews = el('div', 'jp-RunDetail-previews');
  for (const a of artifacts) {
    const preview = a.kind === 'figure' ? null : artifactPreview(t, a, reader);
    if (preview) {
      previews.append(preview);
    }
  }
  if (previews.childElementCount) {
    host.append(previews);
  }
}
