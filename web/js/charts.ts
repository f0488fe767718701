/**
 * Chart pages: draws each figure.chart from its JSON payload. The table under the chart always
 * holds the same numbers; once the chart is drawn it is folded away, and if anything fails it
 * simply stays open.
 */
import { openEmbedDialog } from './embed-dialog.ts';
import { chartJs, drawLines, readPayload, trendLines } from './trend.ts';

function draw(figure: HTMLElement): void {
  const box = figure.querySelector<HTMLElement>('.chart-box');
  const canvas = box?.querySelector('canvas');
  const p = readPayload(figure);
  if (!box || !canvas || !p) return;
  box.hidden = false;
  try {
    drawLines(canvas, p.lang, p.labels, trendLines(p));
  } catch (err) {
    box.hidden = true;
    throw err;
  }
  // The chart now shows the numbers; the table stays one click away.
  const details = figure.querySelector('details.chart-table');
  if (details instanceof HTMLDetailsElement) details.open = false;
}

function drawAll(): void {
  document.querySelectorAll<HTMLElement>('figure.chart').forEach((figure) => {
    if (figure.dataset.embed) openEmbedDialog.attach(figure);
    if (!chartJs()) return;
    try {
      draw(figure);
    } catch (err) {
      // The table is still open and complete; leave a trace for whoever maintains the site.
      console.error('Thước đo: chart not drawn', figure.id, err);
    }
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
else drawAll();
