// api.js: the REST API under /api/v1. Every call resolves or rejects with an ApiError that a
// person can read; nothing here throws anything else.

const TIMEOUT_MS = 10000;
const USER_KEY = 'aida.user';

// ApiError is a failed call: status 0 when the server could not be reached.
export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
  }
}

// user is the name sent as X-User-ID, so that the timeline says who acted; '' sends none.
export function user() {
  try {
    return localStorage.getItem(USER_KEY) || '';
  } catch {
    return '';
  }
}

// setUser remembers the name; '' forgets it.
export function setUser(name) {
  const v = String(name || '').trim();
  try {
    if (v) localStorage.setItem(USER_KEY, v);
    else localStorage.removeItem(USER_KEY);
  } catch {
    // storage refused (private mode): the name lasts for this page only
  }
  return v;
}

async function request(method, path, body, signal) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  const abort = () => ctl.abort();
  if (signal) {
    if (signal.aborted) ctl.abort();
    else signal.addEventListener('abort', abort, { once: true });
  }
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const who = user();
  if (who && method !== 'GET') headers['X-User-ID'] = who;
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal: ctl.signal, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (signal && signal.aborted) throw new ApiError(0, 'cancelled');
    throw new ApiError(0, ctl.signal.aborted ? 'the server did not answer in time' : 'the server cannot be reached');
  } finally {
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', abort);
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    throw new ApiError(res.status, problemText(res.status, data), data);
  }
  return data;
}

// problemText is what a person reads of an RFC 9457 problem.
function problemText(status, p) {
  if (!p || typeof p !== 'object') return `the server answered ${status}`;
  let t = p.detail || p.title || `the server answered ${status}`;
  if (Array.isArray(p.errors) && p.errors.length) {
    t += ': ' + p.errors.map((e) => `${e.field} ${e.message}`).join('; ');
  }
  return t;
}

export const get = (path, signal) => request('GET', path, undefined, signal);
export const post = (path, body = {}, signal) => request('POST', path, body, signal);
export const put = (path, body = {}, signal) => request('PUT', path, body, signal);
export const del = (path, signal) => request('DELETE', path, undefined, signal);

// The plural path segment of each kind.
export const plural = { lead: 'leads', deal: 'deals', account: 'accounts' };

// entityPath is the API path of one entity.
export function entityPath(kind, id) {
  return `/api/v1/${plural[kind]}/${encodeURIComponent(id)}`;
}

// timeline reads an entity's whole timeline, oldest first, up to max entries.
export async function timeline(kind, id, signal, max = 2000) {
  const items = [];
  let after = 0;
  for (;;) {
    const page = await get(`${entityPath(kind, id)}/timeline?limit=500${after ? `&after=${after}` : ''}`, signal);
    items.push(...(page.items || []));
    if (!page.next_after || items.length >= max) return items;
    after = page.next_after;
  }
}
