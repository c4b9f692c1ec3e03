// stream.js: the live connection, GET /api/v1/stream (websocket, JSON text frames).
//
// One Stream per page. Views subscribe with a spec ({kinds, ids, filter, snapshot, activity})
// and handlers; the stream sends the subscriptions whenever a connection opens, so they survive
// reconnects. For ids subscriptions it remembers each entity's last version and resumes with
// "since", so that the server sends only what changed meanwhile; kind subscriptions get
// onResync instead, for the view to reload what it shows. A lost connection is retried with
// exponential backoff (0.5 s doubling to 15 s, with jitter); a connection that hears nothing
// for twice the heartbeat interval (plus 5 s) is treated as lost. Nothing here throws.
//
// The server refuses the upgrade with 401 when the request has no valid credentials, and the
// browser shows the page only a connection closed before it opened; so on such a close the
// stream asks onRefused (which checks the session) whether to stop rather than retry.

const MIN_DELAY = 500;
const MAX_DELAY = 15000;

export class Stream {
  // onState(state, detail) hears 'connecting', 'live', 'reconnecting' (detail.retryIn ms) and
  // 'stopped'. onRefused() hears a connection that closed before it opened; when it returns
  // (or resolves to) true the stream stops instead of retrying.
  constructor(url, onState, onRefused) {
    this.url = url;
    this.onState = onState || (() => {});
    this.onRefused = onRefused || (() => false);
    this.subs = new Map(); // sub id → {spec, handlers, versions: Map "kind/id" → version, sent}
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.watchdog = 0;
    this.heartbeatMs = 15000;
    this.state = '';
    this.stopped = false;
    this.lastError = null; // the last error frame, for debugging from the devtools
    this.nextSub = 1;
    window.addEventListener('online', () => this.reconnectNow());
  }

  // start opens the first connection, or opens one again after stop.
  start() {
    if (!this.stopped && this.ws) return;
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  // stop closes the connection and retries no more, until start. Subscriptions stay, to be
  // sent again when a connection opens.
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    const ws = this.ws;
    this.ws = null;
    for (const entry of this.subs.values()) entry.sent = false;
    if (ws) {
      try {
        ws.close(1000, 'signed out');
      } catch {
        // already closing
      }
    }
    this.setState('stopped');
  }

  // subscribe follows spec; handlers are onSnapshot(kind, items), onChange(msg),
  // onActivity(msg), onResync() and onError(msg), each optional. It returns a function that
  // unsubscribes.
  subscribe(spec, handlers) {
    const sub = `s${this.nextSub++}`;
    const entry = { spec, handlers: handlers || {}, versions: new Map(), sent: false };
    for (const [key, version] of Object.entries(spec.since || {})) entry.versions.set(key, version);
    this.subs.set(sub, entry);
    this.sendSubscribe(sub, entry, false);
    return () => {
      if (!this.subs.delete(sub)) return;
      this.send({ type: 'unsubscribe', sub });
    };
  }

  // reconnectNow drops any wait and connects at once (the browser came back online).
  reconnectNow() {
    if (this.stopped || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  setState(state, detail = {}) {
    this.state = state;
    this.onState(state, detail);
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting', { retryIn: 0 });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      opened = true;
      this.armWatchdog();
      for (const [sub, entry] of this.subs) this.sendSubscribe(sub, entry, true);
    });
    ws.addEventListener('message', (ev) => {
      if (this.ws !== ws) return;
      this.armWatchdog();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.dispatch(msg);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearTimeout(this.watchdog);
      if (opened) {
        this.scheduleRetry();
        return;
      }
      // Refused before it opened: perhaps nobody is signed in any more.
      this.setState('reconnecting', { retryIn: 0 });
      Promise.resolve()
        .then(() => this.onRefused())
        .catch(() => false)
        .then((stop) => {
          if (this.stopped || this.ws) return;
          if (stop) this.stop();
          else this.scheduleRetry();
        });
    });
    // 'error' is always followed by 'close'; the browser reports the failure itself.
    ws.addEventListener('error', () => {});
  }

  scheduleRetry() {
    if (this.stopped) return;
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt++;
    this.setState('reconnecting', { retryIn: delay });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  armWatchdog() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      const ws = this.ws;
      if (!ws) return;
      this.ws = null;
      try {
        ws.close(4001, 'no heartbeat');
      } catch {
        // already closing
      }
      this.scheduleRetry();
    }, 2 * this.heartbeatMs + 5000);
  }

  send(msg) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  // sendSubscribe sends a subscription, resuming ids subscriptions from the versions seen;
  // after a reconnect (resync) kind subscriptions hear onResync.
  sendSubscribe(sub, entry, resync) {
    const msg = { type: 'subscribe', sub };
    const { kinds, ids, filter, snapshot, activity } = entry.spec;
    if (kinds && kinds.length) msg.kinds = kinds;
    if (ids && ids.length) msg.ids = ids;
    if (filter && Object.keys(filter).length) msg.filter = filter;
    if (snapshot) msg.snapshot = snapshot;
    if (activity) msg.activity = true;
    if (ids && ids.length && entry.versions.size) {
      msg.since = {};
      for (const key of ids) if (entry.versions.has(key)) msg.since[key] = entry.versions.get(key);
    }
    if (!this.send(msg)) return;
    // Only a subscription the server had before this connection may have missed changes.
    if (resync && entry.sent) call(entry.handlers.onResync);
    entry.sent = true;
  }

  dispatch(msg) {
    switch (msg.type) {
      case 'hello':
        if (Number(msg.heartbeat_ms) > 0) this.heartbeatMs = Number(msg.heartbeat_ms);
        this.attempt = 0;
        this.armWatchdog();
        this.setState('live', { serverTime: msg.server_time });
        return;
      case 'heartbeat':
      case 'pong':
        return;
      case 'error':
        this.lastError = msg;
        break;
      default:
        break;
    }
    const entry = this.subs.get(msg.sub);
    if (!entry) return;
    const hd = entry.handlers;
    switch (msg.type) {
      case 'snapshot':
        for (const v of msg.items || []) remember(entry, msg.kind, v && v.id, v && v.version);
        call(hd.onSnapshot, msg.kind, msg.items || []);
        break;
      case 'change':
        remember(entry, msg.kind, msg.id, msg.version);
        call(hd.onChange, msg);
        break;
      case 'activity':
        call(hd.onActivity, msg);
        break;
      case 'error':
        // The server could not read the snapshot: ask again a little later.
        if (msg.code === 'unavailable') setTimeout(() => this.subs.get(msg.sub) === entry && this.sendSubscribe(msg.sub, entry, true), 1000);
        call(hd.onError, msg);
        break;
      default:
        break;
    }
  }
}

function remember(entry, kind, id, version) {
  if (!kind || !id || typeof version !== 'number') return;
  const key = `${kind}/${id}`;
  if (!(entry.versions.get(key) >= version)) entry.versions.set(key, version);
}

// call runs a handler; a failing handler must not take the connection down.
function call(fn, ...args) {
  if (typeof fn !== 'function') return;
  try {
    fn(...args);
  } catch (err) {
    reportError(err); // a view's bug: reported as uncaught, and the stream goes on
  }
}

// streamURL is the websocket URL of the page's own server.
export function streamURL() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/stream`;
}
