// session.js: who is signed in, and what their role lets them do.
//
// The server keeps the session in an HttpOnly cookie (aida_session) that this code never sees;
// GET /api/v1/session says whose it is, POST trades an API key for one, DELETE ends it.
//
// The first start prints a one-time sign-in link, /?token=aida_…. app.js imports this module
// first, so that evaluating it takes the token out of the address bar (history.replaceState)
// before any other code runs or any request leaves: the token then lives only in bootToken,
// which app.js trades for a session once.

import { SESSION_PATH, del, get, post } from './api.js';

// takeToken removes ?token= from the address bar, keeping the rest of the URL (other
// parameters, the hash route), and returns it ('' when there was none).
function takeToken() {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return '';
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  return token.trim();
}

// bootToken is the sign-in link's token, if the page was opened with one.
export const bootToken = takeToken();

// The roles, least trusted first, as the server's operation table names them (policies/access).
export const ROLES = ['viewer', 'rep', 'manager', 'admin'];

// MAX_AUTONOMY is the highest autonomy level each role may set (access.MaxAutonomy).
const MAX_AUTONOMY = { viewer: 0, rep: 3, manager: 4, admin: 5 };

let principal = null; // {kind, name, role, actor, expires_at} or null: not known

// current is the signed-in principal, or null when it is not known.
export function current() {
  return principal;
}

// setCurrent remembers the principal the server named (null forgets it).
export function setCurrent(p) {
  principal = p && typeof p === 'object' ? p : null;
}

// whoami asks the server whose session this is; it rejects with an ApiError (401: nobody's).
export const whoami = (signal) => get(SESSION_PATH, signal);

// signIn trades an API key (or the sign-in link's token) for a session.
export const signIn = (key) => post(SESSION_PATH, { api_key: key });

// signOut ends the session; the server clears the cookie.
export const signOut = () => del(SESSION_PATH);

// allows tells whether the current principal's role reaches need; while the principal is not
// known the page lets a person try, and the server decides.
export function allows(need) {
  if (!principal) return true;
  const have = ROLES.indexOf(principal.role);
  return have >= 0 && have >= ROLES.indexOf(need);
}

// maxAutonomy is the highest level the current principal may set (5 while not known).
export function maxAutonomy() {
  if (!principal) return 5;
  return MAX_AUTONOMY[principal.role] || 0;
}

// roleFor is the least role that may set autonomy level n.
export function roleFor(level) {
  return ROLES.find((r) => MAX_AUTONOMY[r] >= level) || 'admin';
}

// needs is the explanation a control the role cannot use carries as its title.
export function needs(role, what = 'This') {
  const who = principal ? `; you are signed in as ${principal.role}` : '';
  return `${what} needs the ${role} role${who}.`;
}

// gate disables each control when the current role does not reach need, saying which role it
// needs; it returns whether the role reaches it.
export function gate(need, ...controls) {
  const ok = allows(need);
  for (const el of controls) {
    if (!el) continue;
    el.disabled = !ok;
    if (!ok) {
      el.setAttribute('data-gated', need);
      el.title = needs(need);
    } else if (el.hasAttribute('data-gated')) {
      el.removeAttribute('data-gated');
      el.removeAttribute('title');
    }
  }
  return ok;
}
