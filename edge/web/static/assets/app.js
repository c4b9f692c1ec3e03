// app.js: the dashboard's entry point: the session (sign-in page or the app), the hash router,
// the live stream's status and the notice line.
//
// The page starts by trading a sign-in link's token for a session (session.js has already taken
// it out of the address bar), or by asking whose session the cookie holds. Nobody's (401): the
// sign-in page. Someone's: the app, with "Signed in as …" in the footer. Any later 401 (the key
// revoked, the session expired), also as a refused websocket, returns to the sign-in page; a
// 403 says the problem's detail in the notice line.
//
// Routes: #/ overview, #/leads, #/deals, #/accounts (with ?filters), #/lead/<id>,
// #/deal/<id>, #/account/<id>. Each view mounts into <main> and returns its cleanup, which
// ends its subscriptions, requests and timers.

// session.js first: evaluating it takes a sign-in token out of the address bar.
import { bootToken, setCurrent, signIn, signOut, whoami } from './session.js';
import { onAuthFailure } from './api.js';
import { absolute, byTestId, h, refreshTimes, replace, setText } from './dom.js';
import { mountEntity } from './entity.js';
import { mountList } from './lists.js';
import { Feed, mountOverview } from './overview.js';
import { mountSignIn } from './signin.js';
import { Stream, streamURL } from './stream.js';

const main = document.getElementById('main');
const notice = document.getElementById('notice');
const conn = byTestId(document, 'connection-status');
const mainNav = document.querySelector('.mainnav');
const sessionLine = byTestId(document, 'session');
const signedInAs = byTestId(document, 'signed-in-as');
const signOutButton = byTestId(document, 'sign-out');

const STATE_TEXT = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting', stopped: 'signed out' };

function showConnection(state, detail) {
  conn.dataset.state = state;
  setText(conn, STATE_TEXT[state] || state);
  let title = 'Live: changes appear as they happen';
  if (state === 'connecting') title = 'Connecting to the live stream';
  if (state === 'reconnecting') {
    title = detail && detail.retryIn ? `Not live; trying again in ${Math.max(1, Math.round(detail.retryIn / 1000))} s` : 'Not live; trying again';
  }
  conn.title = title;
}

const stream = new Stream(streamURL(), showConnection, refused);

const ctx = {
  stream,
  feed: new Feed(),
  // notify shows a message in the alert line; null hides it.
  notify(text) {
    if (!text) {
      notice.hidden = true;
      setText(notice, '');
      return;
    }
    setText(notice, text);
    notice.hidden = false;
  },
  setTitle(text) {
    document.title = text ? `${text} · AIDA` : 'AIDA · Agent control centre';
  },
};

const ENTITY = /^\/(lead|deal|account)\/([^/?#]+)$/;
const LISTS = { '/leads': 'lead', '/deals': 'deal', '/accounts': 'account' };

let cleanup = () => {};
let firstRoute = true;
let mode = ''; // 'app' once signed in (or while the session cannot be checked), 'signin'
let recheckTimer = 0;
let recheckFailures = 0;

// showApp shows the app for principal p (null: not known, because the server could not say,
// for the reason err gives).
function showApp(p, err) {
  clearTimeout(recheckTimer);
  setCurrent(p);
  showPrincipal(p, err);
  mode = 'app';
  mainNav.hidden = false;
  conn.hidden = false;
  sessionLine.hidden = false;
  route();
  stream.start();
}

function showPrincipal(p, err) {
  if (p) {
    setText(signedInAs, `Signed in as ${p.actor || p.name} (${p.role})`);
    signedInAs.title = p.expires_at ? `The session ends ${absolute(p.expires_at)}` : '';
  } else {
    setText(signedInAs, `Sign-in not checked yet: ${err ? err.message : 'the server did not say'}`);
    signedInAs.title = '';
  }
}

// showSignIn ends whatever the page showed and shows the sign-in form, saying error.
function showSignIn(error) {
  clearTimeout(recheckTimer);
  if (mode === 'signin') return;
  mode = 'signin';
  stream.stop();
  cleanup();
  setCurrent(null);
  ctx.feed = new Feed(); // the next person does not see this one's activity
  ctx.notify(null);
  ctx.setTitle('Sign in');
  mainNav.hidden = true;
  conn.hidden = true;
  sessionLine.hidden = true;
  setText(signedInAs, '');
  cleanup = mountSignIn(main, {
    error,
    onSignedIn(p) {
      cleanup();
      cleanup = () => {};
      firstRoute = false; // the form is gone: focus moves to the page's heading
      showApp(p);
    },
  });
}

// check asks whose session this is: the app, the sign-in page, or (the server not answering)
// the app on trust, checked again with backoff, since every call says 401 if it must.
async function check() {
  let p;
  try {
    p = await whoami();
  } catch (err) {
    if (err.status === 401) {
      showSignIn('');
      return;
    }
    if (mode !== 'app') showApp(null, err);
    else showPrincipal(null, err);
    recheckFailures++;
    recheckTimer = setTimeout(check, Math.min(30000, 1000 * 2 ** Math.min(recheckFailures, 5)));
    return;
  }
  recheckFailures = 0;
  if (mode === 'app') {
    // Known at last: show the role's controls as they are.
    setCurrent(p);
    showPrincipal(p);
    route();
    return;
  }
  showApp(p);
}

// refused hears a websocket closed before it opened: true (stop) when nobody is signed in.
async function refused() {
  try {
    await whoami();
    return false;
  } catch (err) {
    if (err.status !== 401) return false;
    showSignIn(err.message);
    return true;
  }
}

onAuthFailure({
  unauthenticated(err) {
    if (mode === 'app') showSignIn(err.message);
  },
  forbidden(err) {
    ctx.notify(err.message);
  },
});

signOutButton.addEventListener('click', async () => {
  signOutButton.disabled = true;
  try {
    await signOut();
  } catch (err) {
    if (err.status !== 401) {
      ctx.notify(`Could not sign out: ${err.message}.`);
      return;
    }
  } finally {
    signOutButton.disabled = false;
  }
  showSignIn('');
});

// boot trades the sign-in link's token, if any, for a session; else checks the cookie's.
async function boot() {
  if (!bootToken) {
    check();
    return;
  }
  replace(main, h('p', { class: 'loading' }, 'Signing in with the sign-in link…'));
  try {
    showApp(await signIn(bootToken));
  } catch (err) {
    showSignIn(`The sign-in link did not work: ${err.message}. Sign in with a key.`);
  }
}

// route mounts the view the location's hash names.
function route() {
  if (mode !== 'app') return;
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // an in-page anchor, such as the skip link's
  const [pathPart, queryPart = ''] = hash.slice(1).split('?');
  const path = pathPart.replace(/\/+$/, '') || '/';
  const query = new URLSearchParams(queryPart);

  cleanup();
  cleanup = () => {};
  ctx.notify(null);
  main.replaceChildren();

  let nav = '';
  if (path === '/') {
    nav = 'overview';
    ctx.setTitle('');
    cleanup = mountOverview(main, ctx);
  } else if (LISTS[path]) {
    nav = path.slice(1);
    const kind = LISTS[path];
    ctx.setTitle(nav.charAt(0).toUpperCase() + nav.slice(1));
    cleanup = mountList(main, ctx, kind, query);
  } else if (ENTITY.test(path)) {
    const [, kind, rawId] = path.match(ENTITY);
    nav = `${kind}s`;
    let id = rawId;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      // a malformed escape: look the raw text up, the API answers not found
    }
    cleanup = mountEntity(main, ctx, kind, id);
  } else {
    ctx.setTitle('Not found');
    const h1 = document.createElement('h1');
    h1.tabIndex = -1;
    h1.textContent = 'Not found';
    const p = document.createElement('p');
    const a = document.createElement('a');
    a.href = '#/';
    a.textContent = 'Back to the overview';
    p.append('This page does not exist. ', a);
    main.append(h1, p);
  }

  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // After a navigation, move focus to the new page's heading so that keyboard and screen
  // reader users start there; the first load keeps the browser's own focus.
  if (!firstRoute) {
    const h1 = main.querySelector('h1');
    (h1 || main).focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
  firstRoute = false;
}

// The skip link focuses <main> without touching the hash the router reads.
const skip = document.querySelector('.skip-link');
skip.addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);
setInterval(() => refreshTimes(document), 30000);
boot();
