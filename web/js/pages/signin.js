// Sign-in: an account's access key ID and secret access key, exchanged for a session cookie.
import { h, replace } from '../dom.js';
import { session as sessionApi } from '../api.js';
import { field } from '../forms.js';
import { announce } from '../ui.js';

export function renderSignIn(main, { message, onSignedIn }) {
  const keyField = field({ label: 'Access key ID', name: 'AccessKeyId', id: 'access-key-id', required: true,
    attrs: { autocomplete: 'username', spellcheck: 'false', autocapitalize: 'off' } });
  const secretField = field({ label: 'Secret access key', name: 'SecretAccessKey', id: 'secret-access-key', kind: 'password',
    required: true, attrs: { autocomplete: 'current-password' } });
  const errors = h('div', { class: 'form-errors', id: 'signin-errors', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Sign in');
  const form = h('form', { class: 'signin-form', 'aria-labelledby': 'signin-title', novalidate: true },
    errors, keyField, secretField, h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(errors);
    const key = keyField.control.value.trim();
    const secret = secretField.control.value;
    if (!key || !secret) {
      const missing = !key ? keyField : secretField;
      errors.append(h('div', { class: 'message message-error', role: 'alert' },
        h('p', null, `Enter your ${!key ? 'access key ID' : 'secret access key'}.`)));
      missing.control.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const s = await sessionApi.signIn(key, secret);
      secretField.control.value = '';
      onSignedIn(s);
    } catch (err) {
      let text = err.message;
      if (err.status === 429) {
        const wait = Number(err.retryAfter);
        text = `Too many failed sign-ins. Try again ${wait > 0 ? `in ${wait} seconds` : 'later'}.`;
      } else if (err.status === 401 || err.status === 403) {
        text = `Sign-in failed: ${err.message || 'the access key ID or secret access key is wrong.'}`;
      }
      errors.append(h('div', { class: 'message message-error', role: 'alert' }, h('p', null, text)));
      announce(text);
      secretField.control.select();
      secretField.control.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  replace(main, h('div', { class: 'signin' },
    h('h1', { id: 'signin-title', class: 'page-title', tabindex: '-1' }, 'Sign in'),
    h('p', { class: 'lead' }, 'Sign in to the amiplace Management Portal with your account\'s access key. ',
      'The operator\'s key is in the server\'s data directory (operator.json); sellers and buyers get theirs from the operator.'),
    message ? h('div', { class: 'message message-info', role: 'status' }, h('p', null, message)) : null,
    form));
  document.title = 'Sign in — amiplace Management Portal';
  keyField.control.focus();
}
