// app.js: the dashboard's entry point: the hash router, the live stream's status, the notice
// line and the identity sent as X-User-ID.
//
// Routes: #/ overview, #/leads, #/deals, #/accounts (with ?filters), #/lead/<id>,
// #/deal/<id>, #/account/<id>. Each view mounts into <main> and returns its cleanup, which
// ends its subscriptions, requests and timers.

import { setUser, user } from './api.js';
import { byTestId, refreshTimes, setText } from './dom.js';
import { mountEntity } from './entity.js';
import { mountList } from './lists.js';
import { Feed, mountOverview } from './overview.js';
import { Stream, streamURL } from './stream.js';

const main = document.getElementById('main');
const notice = document.getElementById('notice');
const conn = byTestId(document, 'connection-status');

const STATE_TEXT = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting' };

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

const stream = new Stream(streamURL(), showConnection);

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

// route mounts the view the location's hash names.
function route() {
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

// Identity: the name sent as X-User-ID with every change.
const idForm = byTestId(document, 'identity-form');
const idInput = document.getElementById('identity-input');
const idName = byTestId(document, 'identity-name');
const showUser = () => setText(idName, user() || 'api');
idInput.value = user();
showUser();
// The server takes visible ASCII without quotes or backslashes.
const VALID_USER = /^[\x21\x23-\x5b\x5d-\x7e]{0,64}$/;
idInput.addEventListener('input', () => idInput.setCustomValidity(''));
idForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const v = idInput.value.trim();
  if (!VALID_USER.test(v)) {
    idInput.setCustomValidity('Use letters, digits and symbols, without spaces, quotes or backslashes.');
    idInput.reportValidity();
    return;
  }
  idInput.value = setUser(v);
  showUser();
});

window.addEventListener('hashchange', route);
setInterval(() => refreshTimes(document), 30000);
route();
stream.start();
