// signin.js: the sign-in page, shown in <main> while nobody is signed in: an API key field, a
// button, and an alert line that says why the last try failed (the problem's detail).

import { h, replace, setText } from './dom.js';
import { signIn } from './session.js';

// mountSignIn renders the form into root; error, when set, shows at once (why the session
// ended, or why the sign-in link failed). onSignedIn(principal) hears a successful sign-in.
// It returns its cleanup.
export function mountSignIn(root, { error = '', onSignedIn }) {
  let gone = false;
  const key = h('input', {
    id: 'signin-key', name: 'api_key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', required: true, maxlength: 512, testid: 'signin-key',
    'aria-describedby': 'signin-error signin-hint',
  });
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'signin-submit' }, 'Sign in');
  const alert = h('p', { id: 'signin-error', class: 'signin-error', role: 'alert', testid: 'signin-error' });
  const say = (text) => {
    setText(alert, text || '');
    if (text) key.setAttribute('aria-invalid', 'true');
    else key.removeAttribute('aria-invalid');
  };
  const form = h('form', { class: 'stack', testid: 'signin-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'signin-key' }, 'API key'), key),
    alert,
    h('div', {}, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = key.value.trim();
    if (!v) {
      say('Paste an API key first.');
      key.focus();
      return;
    }
    submit.disabled = true;
    say('');
    let p;
    try {
      p = await signIn(v);
    } catch (err) {
      if (gone) return;
      submit.disabled = false;
      let text = err.status === 0 ? `Could not sign in: ${err.message}.` : err.message;
      if (err.retryAfter) text = `${text.replace(/[.!]?$/, '.')} Try again in ${err.retryAfter} s.`;
      say(text);
      key.select();
      key.focus();
      return;
    }
    if (gone) return;
    key.value = '';
    onSignedIn(p);
  });

  replace(root,
    h('section', { class: 'card signin', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in'),
      h('p', { class: 'muted' }, 'The dashboard acts with an API key; its role decides what you may change.'),
      form,
      h('p', { id: 'signin-hint', class: 'muted small', testid: 'signin-hint' },
        'An admin makes keys with ', h('code', {}, 'aida keys create --name NAME --role ROLE'),
        '; the first start printed a sign-in link.')));
  say(error);
  key.focus();
  return () => { gone = true; };
}
