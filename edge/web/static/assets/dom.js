// dom.js: building DOM without innerHTML (data from the API is always text), and formatting.

const SVG_NS = 'http://www.w3.org/2000/svg';

// h builds an HTML element: h('a', {href: '#/', class: 'x', testid: 'y'}, 'text', child…).
// Attributes: class, testid (data-testid), on<Event> (listeners), dataset keys as data-*,
// boolean true as an empty attribute; null, undefined and false are left out. Children are
// nodes, strings, numbers or arrays of them; null and false are skipped.
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

// s builds an SVG element the same way.
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'testid') el.setAttribute('data-testid', v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// td is a table cell labelled for the phone layout, where rows become cards: the label shows
// beside the content, which one wrapper keeps together.
export function td(label, cls, ...children) {
  return h('td', { 'data-label': label, class: cls || null }, h('div', { class: 'cell' }, children));
}

// replace puts children in place of el's content.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// setText sets el's text only when it changed, so that nothing flickers.
export function setText(el, text) {
  const t = String(text);
  if (el && el.textContent !== t) el.textContent = t;
}

// byTestId finds an element under root by its data-testid.
export function byTestId(root, id) {
  return root.querySelector(`[data-testid="${CSS.escape(id)}"]`);
}

// words turns an identifier into words: send_welcome_email → send welcome email.
export function words(v) {
  return String(v ?? '').replace(/[_.]+/g, ' ').trim();
}

// capital capitalises the first letter.
export function capital(v) {
  const t = String(v ?? '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// count formats an integer count as plain digits (tests read them back).
export function count(n) {
  const v = Number(n);
  return Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

// money formats an exact decimal string (as the API sends money) with thousands separators and
// two decimals, without going through floating point: "1234567.5" → "1,234,567.50".
export function money(v) {
  let t = String(v ?? '0').trim();
  let sign = '';
  if (t.startsWith('-')) { sign = '-'; t = t.slice(1); }
  if (!/^\d+(\.\d+)?$/.test(t)) return '0.00';
  let [int, frac = ''] = t.split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = (frac + '00').slice(0, 2); // the API sends 2 places; more are cut, not rounded
  return sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + frac;
}

// moneyNumber is a decimal string as a number, for proportions in charts only.
export function moneyNumber(v) {
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : 0;
}

// score formats a fraction 0..1 with two decimals.
export function score(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n.toFixed(2) : '–';
}

// percent formats part/whole as a whole percentage.
export function percent(part, whole) {
  if (!whole) return '–';
  return `${Math.round((100 * part) / whole)}%`;
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// parseTime reads an RFC 3339 time; NaN when absent or invalid.
export function parseTime(v) {
  if (!v) return Number.NaN;
  return Date.parse(v);
}

// relative says how long ago (or in how long) t is.
export function relative(t, now = Date.now()) {
  const ms = parseTime(t);
  if (Number.isNaN(ms)) return '–';
  const d = (ms - now) / 1000;
  const abs = Math.abs(d);
  if (abs < 45) return rtf.format(Math.round(d), 'second');
  if (abs < 45 * 60) return rtf.format(Math.round(d / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(d / 3600), 'hour');
  if (abs < 26 * 86400) return rtf.format(Math.round(d / 86400), 'day');
  return dtf.format(new Date(ms));
}

// absolute formats t as a local date and time.
export function absolute(t) {
  const ms = parseTime(t);
  return Number.isNaN(ms) ? '–' : dtf.format(new Date(ms));
}

// timeEl is a <time> showing t relative to now; app.js refreshes elements with data-rel.
export function timeEl(t) {
  if (!t) return h('span', { class: 'muted' }, '–');
  return h('time', { datetime: t, title: absolute(t), 'data-rel': '' }, relative(t));
}

// refreshTimes updates every relative time under root.
export function refreshTimes(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll('time[data-rel]')) setText(el, relative(el.getAttribute('datetime'), now));
}

// badge is a small label whose colour follows its value (status, stage …).
export function badge(value, kind = 'status') {
  return h('span', { class: `badge ${kind}-${String(value || 'none').replace(/[^a-z0-9_-]/gi, '')}` }, words(value) || '–');
}

// actorClass tells what kind of actor wrote an event: agent, reminder, signal or person.
export function actorClass(actor) {
  const a = String(actor || '');
  if (a.startsWith('agent:')) return 'agent';
  if (a.startsWith('reminder')) return 'reminder';
  if (a.startsWith('inbound') || a.startsWith('signal')) return 'signal';
  return 'person';
}

// actorName is how an actor reads in a list: agent:nurture → nurture agent.
export function actorName(actor) {
  const a = String(actor || 'someone');
  const [kind, name] = a.includes(':') ? a.split(/:(.*)/s) : [a, ''];
  switch (kind) {
    case 'agent': return `${name || 'an'} agent`;
    case 'reminder': return name ? `${name} reminder` : 'reminder';
    case 'user': return name || 'a person';
    case 'inbound': return name ? `inbound ${name}` : 'inbound signal';
    default: return a;
  }
}

// debounce calls fn once, wait ms after the last call.
export function debounce(fn, wait) {
  let timer = 0;
  const d = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
  d.cancel = () => clearTimeout(timer);
  return d;
}
