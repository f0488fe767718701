/**
 * The search box in every page's header: an ARIA combobox over /localities/search.json, fetched
 * on first use. Names match without diacritics (đ = d) by the API's rule (lib/match.ts); an old
 * commune's name leads to the commune(s) it went into. Without JavaScript the form opens the
 * localities index, which lists every commune under its province.
 */
import { matchRank } from '../../lib/match.ts';
import type { SearchIndex } from '../model.ts';

interface Entry {
  name: string;
  code: string;
  /** What the option says under the name: the province, or "formerly …". */
  detail: string;
  href: string;
  /** Provinces, then today's communes, then old names. */
  tier: number;
  /** The name and code it is found by: its own, or the old commune's. */
  by: [string, string];
}

const MAX_OPTIONS = 10;
const collator = new Intl.Collator('vi');

function entries(index: SearchIndex, base: string, formerly: (name: string) => string): Entry[] {
  const provinces = new Map(index.provinces);
  const communes = new Map(index.communes.map(([code, name, province]) => [code, { name, province }]));
  const page = (code: string) => `${base}${code}/`;
  return [
    ...index.provinces.map(([code, name]): Entry => ({ name, code, detail: '', href: page(code), tier: 0, by: [name, code] })),
    ...index.communes.map(([code, name, province]): Entry => ({ name, code, detail: provinces.get(province) ?? '', href: page(code), tier: 1, by: [name, code] })),
    ...index.before.flatMap(([code, name, into]) =>
      into.map((to): Entry => {
        const now = communes.get(to);
        return { name: now?.name ?? to, code: to, detail: `${formerly(name)} · ${provinces.get(now?.province ?? '') ?? ''}`, href: page(to), tier: 2, by: [name, code] };
      }),
    ),
  ];
}

export function initSearch(): void {
  const form = document.querySelector<HTMLFormElement>('form[data-search-index]');
  const input = form?.querySelector<HTMLInputElement>('input[type="search"]');
  const list = form?.querySelector<HTMLUListElement>('[role="listbox"]');
  const status = form?.querySelector<HTMLElement>('[role="status"]');
  if (!form || !input || !list || !status) return;
  const base = new URL(form.action, location.href).href;
  const strings = { none: form.dataset.none ?? '', results: form.dataset.results ?? '{n}', formerly: form.dataset.formerly ?? '{name}' };
  let all: Entry[] | null = null;
  let loading: Promise<void> | null = null;
  let active = -1;
  let shown: Entry[] = [];

  const load = () =>
    (loading ??= fetch(new URL(form.dataset.searchIndex!, location.href))
      .then((r) => r.json() as Promise<SearchIndex>)
      .then((index) => {
        all = entries(index, base, (name) => strings.formerly.replace('{name}', name));
      })
      .catch(() => {
        loading = null;
      }));

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i: number) => {
    active = i;
    list.querySelectorAll('[role="option"]').forEach((el, j) => el.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `search-option-${i}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const render = () => {
    const q = input.value;
    if (!all || q.trim().length < 2) return close();
    const seen = new Set<string>();
    shown = all
      .map((e) => ({ e, rank: matchRank(e.by[0], e.by[1], q) }))
      .filter(({ rank }) => rank >= 0)
      .sort((a, b) => a.rank - b.rank || a.e.tier - b.e.tier || collator.compare(a.e.name, b.e.name))
      .map(({ e }) => e)
      .filter((e) => {
        const key = `${e.href}|${e.detail}`;
        return !seen.has(key) && (seen.add(key), true);
      })
      .slice(0, MAX_OPTIONS);
    list.replaceChildren(
      ...shown.map((e, i) => {
        const li = document.createElement('li');
        li.id = `search-option-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        // An option is not a link (no interactive control inside another): Enter or a click opens it.
        li.append(e.name);
        if (e.detail) {
          const small = document.createElement('small');
          small.textContent = ` ${e.detail}`;
          li.append(small);
        }
        li.addEventListener('mousedown', (event) => event.preventDefault());
        li.addEventListener('click', () => location.assign(e.href));
        return li;
      }),
    );
    status.textContent = shown.length === 0 ? strings.none : strings.results.replace('{n}', String(shown.length));
    list.hidden = shown.length === 0;
    input.setAttribute('aria-expanded', String(shown.length > 0));
    highlight(-1);
  };

  input.addEventListener('focus', () => void load());
  input.addEventListener('input', () => void load()?.then(render));
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (list.hidden) return render();
      event.preventDefault();
      const n = shown.length;
      highlight(n === 0 ? -1 : (active + (event.key === 'ArrowDown' ? 1 : n - 1 + (active < 0 ? 1 : 0))) % n);
    } else if (event.key === 'Enter' && active >= 0 && shown[active]) {
      event.preventDefault();
      location.assign(shown[active]!.href);
    } else if (event.key === 'Escape') close();
  });
}
