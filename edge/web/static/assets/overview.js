// overview.js: the overview (#/): counts, funnel, pipeline, autonomy, recent leads and the live
// activity feed.
//
// Live: one subscription to every kind, with activity. A change re-reads
// /api/v1/stats/overview at most every 250 ms; the server caches the stats for up to a second,
// so when the answer is older than the change (generated_at < the view's updated_at) it asks
// again shortly, a few times. A lead's change also updates the recent leads at once.

import { entityPath, get, plural } from './api.js';
import { barList, funnel, legend, stacked } from './charts.js';
import {
  actorClass, actorName, badge, byTestId, capital, count, h, money, moneyNumber, parseTime, replace,
  score, setText, td, timeEl, words,
} from './dom.js';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'converted', 'archived'];
export const DEAL_STAGES = ['prospect', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost'];
export const LIFECYCLES = ['onboarding', 'active', 'at_risk', 'expansion_ready', 'churned'];
const FUNNEL = [['captured', 'Captured'], ['qualified', 'Qualified'], ['converted', 'Converted'], ['won', 'Won']];
const FORECAST = [['pipeline', 'Pipeline'], ['best_case', 'Best case'], ['commit', 'Commit'], ['closed', 'Closed'], ['omitted', 'Omitted']];
const KINDS = ['lead', 'deal', 'account'];
const LEVELS = ['1', '2', '3', '4', '5'];

const REFRESH_MS = 250; // wait after a change before re-reading the stats (contract: ≤ 300 ms)
const STALE_RETRY_MS = 100; // and between re-reads while the answer predates the change
const STALE_TRIES = 15; // the server keeps an overview up to 250 ms: 15 tries outlast it
const FEED_MAX = 50;
const RECENT_MAX = 10;

// Feed keeps the activity entries heard while the page is open, newest first, across views.
export class Feed {
  constructor() {
    this.items = []; // {kind, id, entry}
    this.seen = new Set();
    this.listeners = new Set();
    this.seeded = false; // filled once from recent timelines
  }

  add(kind, id, entry) {
    if (!entry || !entry.event_id || this.seen.has(entry.event_id)) return;
    this.seen.add(entry.event_id);
    this.items.unshift({ kind, id, entry });
    this.items.sort((a, b) => (parseTime(b.entry.time) || 0) - (parseTime(a.entry.time) || 0));
    while (this.items.length > FEED_MAX) this.seen.delete(this.items.pop().entry.event_id);
    for (const fn of this.listeners) fn();
  }

  listen(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

// mountOverview renders the overview into root and returns its cleanup.
export function mountOverview(root, ctx) {
  const ac = new AbortController();
  const timers = new Set();
  const later = (fn, ms) => {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
    return t;
  };

  // Skeleton: built once, filled by render.
  const kpi = (label, testid, extra) => h('div', { class: 'kpi' },
    h('span', { class: 'kpi-label' }, label),
    h('span', { class: 'kpi-value', testid }, '–'), extra || null);
  const updated = h('p', { class: 'muted updated', testid: 'overview-updated' }, 'Loading…');

  const leadBars = barList(LEAD_STATUSES.map((st) => ({ key: st, label: capital(words(st)), testid: `count-leads-${st}` })), { label: 'Leads by status' });
  const dealBars = barList(DEAL_STAGES.map((st) => ({ key: st, label: capital(words(st)), testid: `count-deals-${st}` })), { label: 'Deals by stage' });
  const accountBars = barList(LIFECYCLES.map((st) => ({ key: st, label: capital(words(st)), testid: `count-accounts-${st}` })), { label: 'Accounts by lifecycle' });
  const funnelChart = funnel(FUNNEL.map(([key, label]) => ({ key, label, testid: `funnel-${key}` })), { label: 'Funnel' });

  const forecastBar = h('div', { class: 'forecast-bar' });
  const forecastBody = h('tbody', {});
  const autonomyBody = h('tbody', {});
  const recentBody = h('tbody', {});
  const recentEmpty = h('p', { class: 'empty muted', hidden: true }, 'No leads yet. Capture one with POST /api/v1/leads.');
  const feedList = h('ol', { class: 'feed', testid: 'activity-feed', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const feedEmpty = h('p', { class: 'empty muted' }, 'Nothing yet. What agents, reminders and people do appears here as it happens.');
  const feedFilter = h('select', { id: 'feed-filter', testid: 'activity-filter' },
    h('option', { value: 'all' }, 'Everyone'),
    h('option', { value: 'agents' }, 'Agents and reminders'),
    h('option', { value: 'people' }, 'People and signals'));

  const autonomyCells = new Map();
  for (const kind of KINDS) {
    const cells = LEVELS.map((lv) => h('td', { class: 'num', testid: `autonomy-${kind}-${lv}` }, '–'));
    const bar = h('div', { class: 'autonomy-bar' });
    autonomyCells.set(kind, { cells, bar });
    autonomyBody.append(h('tr', {}, h('th', { scope: 'row' }, capital(kind) + 's', bar), cells));
  }

  replace(root,
    h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, 'Overview'), updated),
    h('section', { class: 'kpis', 'aria-label': 'Totals' },
      kpi('Leads', 'count-leads-total'),
      kpi('Deals', 'count-deals-total'),
      kpi('Accounts', 'count-accounts-total'),
      kpi('Open pipeline', 'pipeline-open-value'),
      kpi('Weighted pipeline', 'pipeline-weighted-value'),
      kpi('Won', 'pipeline-won-value')),
    h('div', { class: 'grid' },
      h('section', { class: 'card span-7', 'aria-labelledby': 'h-recent' },
        h('div', { class: 'card-head' }, h('h2', { id: 'h-recent' }, 'Recent leads'), h('a', { href: '#/leads' }, 'All leads')),
        h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive', testid: 'recent-leads' },
          h('caption', { class: 'visually-hidden' }, 'The most recently captured leads, with score and next action'),
          h('thead', {}, h('tr', {}, ['Lead', 'Status', 'Score', 'Next action', 'Autonomy', 'Captured'].map((c) => h('th', { scope: 'col' }, c)))),
          recentBody)),
        recentEmpty),
      h('section', { class: 'card span-5', 'aria-labelledby': 'h-activity' },
        h('div', { class: 'card-head' }, h('h2', { id: 'h-activity' }, 'Live activity'),
          h('div', { class: 'inline-field' }, h('label', { for: 'feed-filter' }, 'Show'), feedFilter)),
        feedList, feedEmpty),
      h('section', { class: 'card span-5', 'aria-labelledby': 'h-funnel' },
        h('h2', { id: 'h-funnel' }, 'Funnel'),
        h('p', { class: 'muted small' }, 'Captured leads → qualified (now qualified or converted) → converted → deals won.'),
        funnelChart.el),
      h('section', { class: 'card span-7', 'aria-labelledby': 'h-pipeline' },
        h('h2', { id: 'h-pipeline' }, 'Pipeline by forecast category'),
        forecastBar,
        h('div', { class: 'table-wrap' }, h('table', { class: 'table compact responsive' },
          h('caption', { class: 'visually-hidden' }, 'Deals, value and weighted value by forecast category'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Category'), h('th', { scope: 'col', class: 'num' }, 'Deals'),
            h('th', { scope: 'col', class: 'num' }, 'Value'), h('th', { scope: 'col', class: 'num' }, 'Weighted'))),
          forecastBody)),
        h('p', { class: 'muted small' }, 'Values are summed over all currencies.')),
      h('section', { class: 'card span-4', 'aria-labelledby': 'h-leads' }, h('h2', { id: 'h-leads' }, 'Leads by status'), leadBars.el),
      h('section', { class: 'card span-4', 'aria-labelledby': 'h-deals' }, h('h2', { id: 'h-deals' }, 'Deals by stage'), dealBars.el),
      h('section', { class: 'card span-4', 'aria-labelledby': 'h-accounts' }, h('h2', { id: 'h-accounts' }, 'Accounts by lifecycle'), accountBars.el),
      h('section', { class: 'card span-12', 'aria-labelledby': 'h-autonomy' },
        h('h2', { id: 'h-autonomy' }, 'Autonomy levels'),
        h('p', { class: 'muted small' }, 'L1 draft only · L2 assisted · L3 supervised · L4 delegated · L5 autonomous, human on the loop.'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'table autonomy' },
          h('caption', { class: 'visually-hidden' }, 'Entities at each autonomy level'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Kind'), LEVELS.map((lv) => h('th', { scope: 'col', class: 'num' }, `L${lv}`)))),
          autonomyBody)),
        legend(LEVELS.map((lv) => ({ key: `l${lv}`, label: `L${lv}` }))))));

  let stats = null;
  let recent = []; // rows shown in recent leads
  let recentLimit = RECENT_MAX;

  function render(st, fresh) {
    stats = st;
    const leads = st.leads || {};
    const deals = st.deals || {};
    const accounts = st.accounts || {};
    const pipe = st.pipeline || {};
    setText(byTestId(root, 'count-leads-total'), count(leads.total));
    setText(byTestId(root, 'count-deals-total'), count(deals.total));
    setText(byTestId(root, 'count-accounts-total'), count(accounts.total));
    setText(byTestId(root, 'pipeline-open-value'), money(pipe.open_value));
    setText(byTestId(root, 'pipeline-weighted-value'), money(pipe.weighted_value));
    setText(byTestId(root, 'pipeline-won-value'), money(pipe.won_value));
    leadBars.update(leads.by_status || {});
    dealBars.update(deals.by_stage || {});
    accountBars.update(accounts.by_lifecycle || {});
    const steps = {};
    for (const f of st.funnel || []) steps[f.step] = f.count;
    funnelChart.update(steps);
    renderForecast(pipe.by_forecast || {});
    renderAutonomy(st.autonomy || {});
    if (fresh) {
      recent = (st.recent_leads || []).slice();
      recentLimit = Math.max(RECENT_MAX, recent.length);
      renderRecent();
    }
    replace(updated, 'Updated ', timeEl(st.generated_at));
  }

  function renderForecast(byForecast) {
    const segs = FORECAST.map(([key, label]) => {
      const f = byForecast[key] || {};
      return { key, label, value: moneyNumber(f.value), display: money(f.value) };
    });
    replace(forecastBar, stacked(segs, { label: 'Deal value by forecast category' }), legend(segs));
    replace(forecastBody, FORECAST.map(([key, label]) => {
      const f = byForecast[key] || {};
      return h('tr', {},
        h('th', { scope: 'row' }, h('span', { class: `swatch tone-${key}`, 'aria-hidden': 'true' }), label),
        td('Deals', 'num', h('span', { testid: `forecast-${key}-count` }, count(f.count))),
        td('Value', 'num', h('span', { testid: `forecast-${key}-value` }, money(f.value))),
        td('Weighted', 'num', h('span', { testid: `forecast-${key}-weighted` }, money(f.weighted))));
    }));
  }

  function renderAutonomy(autonomy) {
    for (const kind of KINDS) {
      const dist = autonomy[kind] || {};
      const { cells, bar } = autonomyCells.get(kind);
      LEVELS.forEach((lv, i) => setText(cells[i], count(dist[lv])));
      replace(bar, stacked(LEVELS.map((lv) => ({ key: `l${lv}`, label: `L${lv}`, value: Number(dist[lv]) || 0 })),
        { label: `${capital(kind)}s by autonomy level`, height: 8 }));
    }
  }

  function renderRecent() {
    recentEmpty.hidden = recent.length > 0;
    replace(recentBody, recent.map((l) => h('tr', { testid: `recent-lead-${l.id}` },
      td('Lead', null,
        h('a', { href: `#/lead/${encodeURIComponent(l.id)}` }, l.full_name || l.email || l.id),
        h('span', { class: 'sub muted' }, [l.company, l.full_name ? l.email : ''].filter(Boolean).join(' · '))),
      td('Status', null, badge(l.status)),
      td('Score', 'num', scoreMeter(l.score)),
      td('Next action', null, l.next_action ? words(l.next_action) : h('span', { class: 'muted' }, 'none')),
      td('Autonomy', null, h('span', { class: 'level' }, `L${l.autonomy_level || '?'}`)),
      td('Captured', null, timeEl(l.created_at)))));
  }

  // applyLead shows a lead's change in recent leads at once, before the stats are re-read.
  function applyLead(v) {
    if (!v || !v.id) return;
    const row = {
      id: v.id, full_name: v.full_name, email: v.email, company: v.company, status: v.status,
      score: v.qualification ? v.qualification.score : null,
      next_action: v.next_actions && v.next_actions[0] ? v.next_actions[0].action : '',
      autonomy_level: v.autonomy_level, created_at: v.created_at,
    };
    const i = recent.findIndex((r) => r.id === v.id);
    if (i >= 0) {
      recent[i] = row;
    } else {
      const oldest = recent.length ? parseTime(recent[recent.length - 1].created_at) : -Infinity;
      if (recent.length >= recentLimit && !(parseTime(row.created_at) >= oldest)) return;
      recent.push(row);
      recent.sort((a, b) => (parseTime(b.created_at) || 0) - (parseTime(a.created_at) || 0));
      recent = recent.slice(0, recentLimit);
    }
    renderRecent();
  }

  // The feed.
  const feed = ctx.feed;
  function renderFeed() {
    const mode = feedFilter.value;
    const shown = feed.items.filter(({ entry }) => {
      const c = actorClass(entry.actor);
      if (mode === 'agents') return c === 'agent' || c === 'reminder';
      if (mode === 'people') return c === 'person' || c === 'signal';
      return true;
    });
    feedEmpty.hidden = shown.length > 0;
    const have = new Map([...feedList.children].map((li) => [li.dataset.testid, li]));
    const want = shown.map(({ kind, id, entry }) => have.get(`activity-${entry.event_id}`) || feedItem(kind, id, entry));
    // Keep existing nodes (and their focus); only insert what is new, in order.
    want.forEach((li, i) => {
      if (feedList.children[i] !== li) feedList.insertBefore(li, feedList.children[i] || null);
    });
    while (feedList.children.length > want.length) feedList.lastElementChild.remove();
  }
  feedFilter.addEventListener('change', renderFeed);
  const stopFeed = feed.listen(renderFeed);
  renderFeed();

  // Loading, with retries on failure and re-reads on changes.
  let needFresh = 0; // server time (ms) the stats must be at least as new as
  let inflight = false;
  let again = false;
  let scheduled = 0;
  let staleTries = 0;
  let failures = 0;

  function schedule(ms) {
    if (scheduled || ac.signal.aborted) return;
    scheduled = later(() => { scheduled = 0; load(); }, ms);
  }

  async function load() {
    if (inflight) { again = true; return; }
    inflight = true;
    let next = 0;
    try {
      const st = await get('/api/v1/stats/overview', ac.signal);
      failures = 0;
      ctx.notify(null);
      const generated = parseTime(st.generated_at);
      const stale = needFresh > 0 && generated < needFresh;
      render(st, !stale);
      if (stale && staleTries < STALE_TRIES) {
        staleTries++;
        next = STALE_RETRY_MS;
      } else {
        staleTries = 0;
        if (!stale) needFresh = 0;
      }
    } catch (err) {
      if (ac.signal.aborted) return;
      failures++;
      const wait = Math.min(30000, 1000 * 2 ** Math.min(failures - 1, 5));
      ctx.notify(`Could not load the overview: ${err.message}. Retrying in ${Math.round(wait / 1000)} s.`);
      if (!stats) setText(updated, 'Not loaded yet.');
      next = wait;
    } finally {
      inflight = false;
    }
    if (ac.signal.aborted) return;
    if (again) { again = false; next = next || REFRESH_MS; }
    if (next) schedule(next);
  }

  function changed(at) {
    const t = parseTime(at);
    if (!Number.isNaN(t) && t > needFresh) needFresh = t;
    schedule(REFRESH_MS);
  }

  const unsubscribe = ctx.stream.subscribe({ kinds: KINDS, snapshot: 0, activity: true }, {
    onChange(msg) {
      if (msg.kind === 'lead') applyLead(msg.view);
      changed(msg.view && msg.view.updated_at);
    },
    onActivity(msg) {
      feed.add(msg.kind, msg.id, msg.entry);
      changed(msg.entry && msg.entry.time);
    },
    onResync() {
      schedule(0);
    },
  });

  load();
  if (!feed.seeded) {
    feed.seeded = true;
    seedFeed(feed, ac.signal);
  }

  return () => {
    ac.abort();
    for (const t of timers) clearTimeout(t);
    unsubscribe();
    stopFeed();
  };
}

// seedFeed fills an empty feed with the last few entries of the most recently updated
// entities of each kind, so that a page just opened shows what happened lately; the stream
// adds what happens next. Failures leave the feed as it is.
async function seedFeed(feed, signal) {
  const per = 4; // entities of each kind
  const last = 6; // entries of each entity
  try {
    const lists = await Promise.all(KINDS.map((kind) =>
      get(`/api/v1/${plural[kind]}?sort=-updated_at&limit=${per}`, signal).then((p) => ({ kind, items: p.items || [] }))));
    const reads = [];
    for (const { kind, items } of lists) {
      for (const v of items) {
        const after = Math.max(0, (Number(v.version) || 0) - last);
        reads.push(get(`${entityPath(kind, v.id)}/timeline?after=${after}&limit=${last}`, signal)
          .then((tl) => { for (const e of tl.items || []) feed.add(kind, v.id, e); })
          .catch(() => {}));
      }
    }
    await Promise.all(reads);
  } catch {
    // the feed stays live-only
  }
}

function scoreMeter(v) {
  if (v === null || v === undefined || v === '') return h('span', { class: 'muted' }, '–');
  const n = Math.max(0, Math.min(1, Number(v) || 0));
  return h('span', { class: 'score' },
    h('meter', { min: 0, max: 1, low: 0.4, high: 0.7, optimum: 1, value: n, 'aria-hidden': 'true' }),
    score(n));
}

// feedItem is one activity entry: who, what and why (the entry's summary), on which entity.
export function feedItem(kind, id, entry) {
  const cls = actorClass(entry.actor);
  return h('li', { class: `act act-${cls}`, testid: `activity-${entry.event_id}` },
    h('span', { class: `chip chip-${cls}` }, actorName(entry.actor)),
    h('p', { class: 'act-summary' }, entry.summary || words(entry.type)),
    h('p', { class: 'act-meta muted' },
      h('a', { href: `#/${kind}/${encodeURIComponent(id)}` }, `${kind} ${String(id).slice(0, 8)}`),
      ' · ', timeEl(entry.time)));
}
