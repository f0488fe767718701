/**
 * The "Embed this chart" button and dialog: the iframe snippet for the live chart or for an
 * archived one frozen at today's numbers, with a copy button. URLs are made absolute from
 * the page's own address, so the snippet is right wherever the site is hosted.
 */

interface DialogStrings {
  button: string;
  dialogTitle: string;
  live: string;
  archived: string;
  copy: string;
  copied: string;
  close: string;
  snippet: string;
}

let dialog: HTMLDialogElement | null = null;

function words(): DialogStrings | null {
  const text = document.getElementById('embed-strings')?.textContent;
  return text ? (JSON.parse(text) as DialogStrings) : null;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

/** The snippet journalists paste: lazy, full width, a fallback height, a title for screen readers. */
export function snippet(url: string, title: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${escape(url)}" title="${escape(title)}" width="100%" height="520" style="border:0;width:100%" loading="lazy"></iframe>`;
}

function embedUrl(path: string, lang: string): string {
  const url = new URL(path, location.href);
  // Every parameter is spelled out, so the embed never changes view when defaults change.
  if (!url.searchParams.has('time')) url.searchParams.set('time', '2020..latest');
  url.searchParams.set('tab', 'chart');
  url.searchParams.set('lang', lang);
  url.searchParams.set('theme', 'auto');
  return url.toString();
}

function open(figure: HTMLElement, t: DialogStrings): void {
  const title = figure.querySelector('h2')?.textContent ?? document.title;
  const lang = document.documentElement.lang === 'en' ? 'en' : 'vi';
  dialog?.remove();
  const code = el('textarea', { readOnly: true, rows: 4, id: 'embed-code' });
  const liveRadio = el('input', { type: 'radio', name: 'embed-kind', value: 'live', checked: true, id: 'embed-live' });
  const archivedRadio = el('input', { type: 'radio', name: 'embed-kind', value: 'archived', id: 'embed-archived' });
  const update = () => {
    const path = archivedRadio.checked ? figure.dataset.embedArchived! : figure.dataset.embed!;
    code.value = snippet(embedUrl(path, lang), title);
  };
  liveRadio.addEventListener('change', update);
  archivedRadio.addEventListener('change', update);
  const copy = el('button', { type: 'button', textContent: t.copy, className: 'copy' });
  copy.addEventListener('click', async () => {
    code.select();
    try {
      await navigator.clipboard.writeText(code.value);
    } catch {
      document.execCommand('copy');
    }
    copy.textContent = t.copied;
  });
  const close = el('button', { type: 'button', textContent: t.close, className: 'close' });
  dialog = el(
    'dialog',
    { className: 'embed-dialog' },
    el('h2', { textContent: t.dialogTitle, id: 'embed-dialog-title' }),
    el(
      'fieldset',
      {},
      el('legend', { textContent: title }),
      el('label', {}, liveRadio, document.createTextNode(` ${t.live}`)),
      el('label', {}, archivedRadio, document.createTextNode(` ${t.archived}`)),
    ),
    el('label', { htmlFor: 'embed-code', textContent: t.snippet }),
    code,
    el('p', { className: 'actions' }, copy, close),
  );
  dialog.setAttribute('aria-labelledby', 'embed-dialog-title');
  close.addEventListener('click', () => dialog?.close());
  document.body.append(dialog);
  update();
  dialog.showModal();
  code.focus();
  code.select();
}

export const openEmbedDialog = {
  /** Adds the button under a chart's caption; without JavaScript there is no button to break. */
  attach(figure: HTMLElement): void {
    const t = words();
    if (!t || figure.querySelector('button.embed-button')) return;
    const button = el('button', { type: 'button', className: 'embed-button', textContent: t.button });
    button.addEventListener('click', () => open(figure, t));
    figure.querySelector('figcaption')?.append(button);
  },
};
