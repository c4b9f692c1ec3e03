// api.js: the REST API under /api/v1. Every call resolves or rejects with an ApiError that a
// person can read; nothing here throws anything else.
//
// Credentials travel by themselves: the session cookie (HttpOnly, so this code never sees it)
// goes with every same-origin request. A 401 or 403 answer is also told to the hooks app.js
// sets (onAuthFailure), so that a session that ends shows the sign-in form wherever it ends.

const TIMEOUT_MS = 10000;
export const SESSION_PATH = '/api/v1/session';

// ApiError is a failed call: status 0 when the server could not be reached. retryAfter is the
// Retry-After header in seconds (0 when absent), as a 429 or 503 sends it.
export class ApiError extends Error {
  constructor(status, message, problem, retryAfter = 0) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
    this.retryAfter = retryAfter;
  }
}

let hooks = { unauthenticated() {}, forbidden() {} };

// onAuthFailure sets what happens when a call answers 401 (unauthenticated(err): the session
// ended or was never there) or 403 (forbidden(err): the role may not). Calls to the session
// resource itself are left to their callers.
export function onAuthFailure(h) {
  hooks = { ...hooks, ...h };
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
    const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    const err = new ApiError(res.status, problemText(res.status, data), data, Number.isFinite(retry) && retry > 0 ? retry : 0);
    if (path !== SESSION_PATH && !(signal && signal.aborted)) {
      if (res.status === 401) hooks.unauthenticated(err);
      if (res.status === 403) hooks.forbidden(err);
    }
    throw err;
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
