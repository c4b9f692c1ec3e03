// lists.js: the lists of leads, deals and accounts (#/leads …) with filters, sorting and paging.
//
// Filters and sort live in the URL (#/leads?status=new&sort=-score), so a list can be linked
// and the back button works; paging appends the next page (next_cursor). Live: rows on screen
// update in place when their entity changes; entities not on screen that change raise a
// "refresh" button, so the list never jumps under the reader.

import { ApiError, get, plural } from './api.js';
import {
  badge, capital, count, h, money, replace, score, setText, td, timeEl, words,
} from './dom.js';
import { DEAL_STAGES, LEAD_STATUSES, LIFECYCLES } from './overview.js';

const PAGE = 25;

// The sort orders each list offers; the first is the server's default and is not sent.
const SORTS = {
  lead: [['-created_at', 'Newest first'], ['created_at', 'Oldest first'], ['-updated_at', 'Recently updated'],
    ['updated_at', 'Least recently updated'], ['-score', 'Highest score']],
  deal: [['-created_at', 'Newest first'], ['created_at', 'Oldest first'], ['-updated_at', 'Recently updated'],
    ['updated_at', 'Least recently updated'], ['-amount', 'Largest value'], ['-score', 'Highest probability']],
  account: [['-created_at', 'Newest first'], ['created_at', 'Oldest first'], ['-updated_at', 'Recently updated'],
    ['updated_at', 'Least recently updated'], ['-score', 'Healthiest']],
};

// The status-like filter of each kind: its query parameter and values.
const STATUS = {
  lead: ['status', 'Status', LEAD_STATUSES],
  deal: ['stage', 'Stage', DEAL_STAGES],
  account: ['lifecycle', 'Lifecycle', LIFECYCLES],
};

// Columns: [header, cell(view), class].
const COLUMNS = {
  lead: [
    ['Lead', (v) => [h('a', { href: `#/lead/${encodeURIComponent(v.id)}` }, v.full_name || v.email || v.id),
      h('span', { class: 'sub muted' }, v.full_name ? v.email : '')]],
    ['Company', (v) => v.company || '–'],
    ['Status', (v) => badge(v.status)],
    ['Score', (v) => (v.qualification ? score(v.qualification.score) : '–'), 'num'],
    ['Next action', (v) => (v.next_actions && v.next_actions[0] ? words(v.next_actions[0].action) : '–')],
    ['Owner', (v) => v.owner || '–'],
    ['Autonomy', (v) => h('span', { class: 'level' }, `L${v.autonomy_level}`)],
    ['Updated', (v) => timeEl(v.updated_at)],
  ],
  deal: [
    ['Deal', (v) => [h('a', { href: `#/deal/${encodeURIComponent(v.id)}` }, v.title || v.id),
      h('span', { class: 'sub muted' }, v.company || '')]],
    ['Stage', (v) => badge(v.stage, 'stage')],
    ['Value', (v) => `${money(v.value)} ${v.currency || ''}`.trim(), 'num'],
    ['Probability', (v) => `${count(v.probability)}%`, 'num'],
    ['Forecast', (v) => words(v.forecast_category) || '–'],
    ['Owner', (v) => v.owner || '–'],
    ['Autonomy', (v) => h('span', { class: 'level' }, `L${v.autonomy_level}`)],
    ['Updated', (v) => timeEl(v.updated_at)],
  ],
  account: [
    ['Account', (v) => [h('a', { href: `#/account/${encodeURIComponent(v.id)}` }, v.name || v.id),
      h('span', { class: 'sub muted' }, v.domain || '')]],
    ['Lifecycle', (v) => badge(v.lifecycle, 'lifecycle')],
    ['Health', (v) => (v.health ? `${v.health.score} · ${words(v.health.category)}` : '–'), 'num'],
    ['Deals', (v) => count((v.deals || []).length), 'num'],
    ['Owner', (v) => v.owner || '–'],
    ['Autonomy', (v) => h('span', { class: 'level' }, `L${v.autonomy_level}`)],
    ['Updated', (v) => timeEl(v.updated_at)],
  ],
};

// mountList renders the list of kind into root, filtered by the URL's query, and returns its
// cleanup.
export function mountList(root, ctx, kind, query) {
  const ac = new AbortController();
  const [statusParam, statusLabel, statuses] = STATUS[kind];
  const sorts = SORTS[kind];
  const title = capital(plural[kind]);

  const filters = {
    [statusParam]: query.get(statusParam) || '',
    owner: query.get('owner') || '',
    sort: query.get('sort') || '',
  };
  if (kind === 'lead') {
    filters.source = query.get('source') || '';
    filters.min_score = query.get('min_score') || '';
  }

  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const statusSelect = h('select', { id: 'f-status', name: statusParam, testid: 'filter-status' },
    h('option', { value: '' }, 'Any'), statuses.map((st) => h('option', { value: st }, capital(words(st)))));
  statusSelect.value = filters[statusParam];
  const ownerInput = h('input', { id: 'f-owner', name: 'owner', testid: 'filter-owner', value: filters.owner, autocomplete: 'off', maxlength: 200 });
  const sortSelect = h('select', { id: 'f-sort', name: 'sort', testid: 'list-sort' },
    sorts.map(([v, label]) => h('option', { value: v }, label)));
  sortSelect.value = filters.sort || sorts[0][0];
  const extra = [];
  if (kind === 'lead') {
    extra.push(field('f-source', 'Source', h('input', { id: 'f-source', name: 'source', value: filters.source, autocomplete: 'off', maxlength: 200 })));
    extra.push(field('f-min-score', 'Minimum score', h('input', {
      id: 'f-min-score', name: 'min_score', type: 'number', min: 0, max: 1, step: 0.05, value: filters.min_score, inputmode: 'decimal',
    })));
  }

  const form = h('form', { class: 'filters', testid: 'list-filters', 'aria-label': `Filter ${plural[kind]}` },
    field('f-status', statusLabel, statusSelect),
    field('f-owner', 'Owner', ownerInput),
    extra,
    field('f-sort', 'Sort', sortSelect),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Apply'),
      h('a', { class: 'btn', href: `#/${plural[kind]}` }, 'Clear')));

  const apply = (ev) => {
    if (ev) ev.preventDefault();
    const q = new URLSearchParams();
    for (const el of form.elements) {
      if (!el.name || !el.value) continue;
      if (el.name === 'sort' && el.value === sorts[0][0]) continue;
      q.set(el.name, el.value.trim());
    }
    const qs = q.toString();
    const next = `#/${plural[kind]}${qs ? `?${qs}` : ''}`;
    if (location.hash !== next) location.hash = next;
  };
  form.addEventListener('submit', apply);
  statusSelect.addEventListener('change', apply);
  sortSelect.addEventListener('change', apply);

  const cols = COLUMNS[kind];
  const tbody = h('tbody', {});
  const summary = h('p', { class: 'muted list-summary', testid: 'list-summary', role: 'status' }, 'Loading…');
  const more = h('button', { type: 'button', class: 'btn', testid: 'list-more', hidden: true }, 'Load more');
  const fresh = h('button', { type: 'button', class: 'btn primary', testid: 'list-refresh', hidden: true }, 'New changes · refresh');

  replace(root,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, title), fresh),
    h('section', { class: 'card', 'aria-label': 'Filters' }, form),
    h('section', { class: 'card', 'aria-labelledby': 'h-list' },
      h('h2', { id: 'h-list', class: 'visually-hidden' }, `${title} found`),
      summary,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive', testid: 'list-table' },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', {}, h('tr', {}, cols.map(([label, , cls]) => h('th', { scope: 'col', class: cls || null }, label)))),
        tbody)),
      h('div', { class: 'pager' }, more)));

  const rows = new Map(); // id → tr
  let cursor = '';
  let loading = false;

  const row = (v) => h('tr', { testid: `row-${v.id}` },
    cols.map(([label, cell, cls]) => td(label, cls, cell(v))));

  async function loadPage() {
    if (loading) return;
    loading = true;
    more.disabled = true;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    q.set('limit', String(PAGE));
    if (cursor) q.set('cursor', cursor);
    try {
      const page = await get(`/api/v1/${plural[kind]}?${q}`, ac.signal);
      ctx.notify(null);
      for (const v of page.items || []) {
        const tr = row(v);
        const old = rows.get(v.id);
        if (old) old.replaceWith(tr);
        else tbody.append(tr);
        rows.set(v.id, tr);
      }
      cursor = page.next_cursor || '';
      more.hidden = !cursor;
      setText(summary, rows.size ? `Showing ${rows.size} ${rows.size === 1 ? kind : plural[kind]}${cursor ? '; more below' : ''}.`
        : `No ${plural[kind]} match.`);
    } catch (err) {
      if (ac.signal.aborted) return;
      const msg = err instanceof ApiError && err.status === 422 ? `Check the filters: ${err.message}` : err.message;
      setText(summary, `Could not load ${plural[kind]}: ${msg}`);
      ctx.notify(`Could not load ${plural[kind]}: ${msg}.`);
    } finally {
      loading = false;
      more.disabled = false;
    }
  }
  more.addEventListener('click', loadPage);
  fresh.addEventListener('click', () => {
    fresh.hidden = true;
    rows.clear();
    tbody.replaceChildren();
    cursor = '';
    loadPage();
  });

  const subFilter = {};
  if (filters[statusParam]) subFilter.status = filters[statusParam];
  if (filters.owner) subFilter.owner = filters.owner;
  const unsubscribe = ctx.stream.subscribe({ kinds: [kind], filter: subFilter, snapshot: 0 }, {
    onChange(msg) {
      const tr = rows.get(msg.id);
      if (tr && msg.view) {
        const next = row(msg.view);
        tr.replaceWith(next);
        rows.set(msg.id, next);
      } else {
        fresh.hidden = false;
      }
    },
    onResync() {
      if (rows.size) fresh.hidden = false;
    },
  });

  loadPage();
  return () => {
    ac.abort();
    unsubscribe();
  };
}
