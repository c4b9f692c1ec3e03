// charts.js: the few charts the dashboard draws, as SVG built here (no library). Each chart is
// built once with its rows and updated in place, so that test ids and focus stay put; the
// numbers are also in the text next to each chart, for screen readers and tests.

import { h, s, setText, count } from './dom.js';

// Rows are {key, label, value, testid, tone}; tone picks a colour class (tone-<tone>).

// barList draws one horizontal bar per row, scaled to the largest value.
export function barList(rows, { label } = {}) {
  const items = new Map();
  const el = h('ul', { class: 'bars', 'aria-label': label || null });
  for (const r of rows) {
    const fill = s('rect', { class: `bar-fill tone-${r.tone || r.key}`, x: 0, y: 0, width: 0, height: 10, rx: 2 });
    const value = h('span', { class: 'bar-value', testid: r.testid }, '–');
    el.append(h('li', { class: 'bar-row' },
      h('span', { class: 'bar-label' }, r.label),
      s('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
        s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height: 10, rx: 2 }), fill),
      value));
    items.set(r.key, { fill, value });
  }
  const update = (values) => {
    const max = Math.max(1, ...rows.map((r) => Number(values[r.key]) || 0));
    for (const r of rows) {
      const it = items.get(r.key);
      const v = Number(values[r.key]) || 0;
      setText(it.value, count(v));
      it.fill.setAttribute('width', String(v > 0 ? Math.max(1.5, (100 * v) / max) : 0));
    }
  };
  return { el, update };
}

// funnel draws the steps as centred bars narrowing with their counts, each with its share of
// the step before.
export function funnel(steps, { label } = {}) {
  const items = new Map();
  const el = h('ol', { class: 'funnel', 'aria-label': label || null });
  for (const st of steps) {
    const bar = s('rect', { class: `funnel-fill tone-${st.key}`, x: 50, y: 0, width: 0, height: 14, rx: 2 });
    const value = h('span', { class: 'funnel-value', testid: st.testid }, '–');
    const rate = h('span', { class: 'funnel-rate muted' }, '');
    el.append(h('li', { class: 'funnel-row' },
      h('span', { class: 'funnel-label' }, st.label),
      s('svg', { class: 'funnel-bar', viewBox: '0 0 100 14', preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' }, bar),
      value, rate));
    items.set(st.key, { bar, value, rate });
  }
  const update = (values) => {
    const first = Math.max(1, Number(values[steps[0].key]) || 0);
    let prev = null;
    for (const st of steps) {
      const it = items.get(st.key);
      const v = Number(values[st.key]) || 0;
      const w = v > 0 ? Math.max(2, (100 * v) / first) : 0;
      it.bar.setAttribute('x', String((100 - w) / 2));
      it.bar.setAttribute('width', String(w));
      setText(it.value, count(v));
      setText(it.rate, prev === null ? '' : prev > 0 ? `${Math.round((100 * v) / prev)}% of previous` : '');
      prev = v;
    }
  };
  return { el, update };
}

// stacked draws one bar split into segments {key, value, tone}; empty values draw an empty
// track.
export function stacked(segments, { label, height = 12 } = {}) {
  const total = segments.reduce((a, g) => a + Math.max(0, Number(g.value) || 0), 0);
  const svg = s('svg', {
    class: 'stacked', viewBox: `0 0 100 ${height}`, preserveAspectRatio: 'none',
    role: 'img', 'aria-label': label || null, focusable: 'false',
  });
  svg.append(s('rect', { class: 'bar-track', x: 0, y: 0, width: 100, height, rx: 2 }));
  let x = 0;
  for (const g of segments) {
    const v = Math.max(0, Number(g.value) || 0);
    if (!total || !v) continue;
    const w = (100 * v) / total;
    svg.append(s('rect', { class: `bar-fill tone-${g.tone || g.key}`, x, y: 0, width: w, height },
      s('title', {}, `${g.label}: ${g.display ?? v}`)));
    x += w;
  }
  return svg;
}

// legend lists the segments of a stacked bar with their colours.
export function legend(segments) {
  return h('ul', { class: 'legend' }, segments.map((g) =>
    h('li', {}, h('span', { class: `swatch tone-${g.tone || g.key}`, 'aria-hidden': 'true' }), g.label)));
}
