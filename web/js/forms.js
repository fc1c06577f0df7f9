// Form fields with labels, hints and error slots, and the flow every change-request form shares:
// submit a change set, map a 422 ValidationException's field path (or a failed change's
// ErrorDetailList) to the input it concerns, and follow the change set's status live.
import { h, replace, uid } from './dom.js';
import { announce, badge, errorBox } from './ui.js';
import * as catalog from './catalog.js';

/**
 * A labelled control. kind: 'text' (default) | 'textarea' | 'select' | 'number' | 'password' |
 * 'email' | 'date' | 'month' | 'url' | 'file'. `path`: the request field it fills (for errors).
 * Returns the wrapper; the control is wrapper.control.
 */
export function field({ label, name, kind = 'text', value, hint, required, path, options, attrs = {}, id }) {
  const controlId = id ?? uid(name ?? 'f');
  const hintId = hint ? `${controlId}-hint` : null;
  const errorId = `${controlId}-error`;
  let control;
  const common = { id: controlId, name, required, 'aria-describedby': hintId ?? undefined, ...attrs };
  if (kind === 'textarea') {
    control = h('textarea', { rows: attrs.rows ?? 4, ...common });
    control.value = value ?? '';
  } else if (kind === 'select') {
    control = h('select', common, (options ?? []).map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: v === value }, text);
    }));
  } else {
    control = h('input', { type: kind, ...common });
    if (value !== undefined && value !== null && kind !== 'file') control.value = String(value);
  }
  const wrapper = h('div', { class: 'field', dataset: { path: path ?? '' } },
    h('label', { for: controlId }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
  wrapper.control = control;
  if (path) control.dataset.path = path;
  return wrapper;
}

/** A checkbox with its label after it. */
export function checkbox({ label, name, value, checked, path, id, hint }) {
  const controlId = id ?? uid(name ?? 'c');
  const control = h('input', { type: 'checkbox', id: controlId, name, value, checked: !!checked });
  const wrapper = h('div', { class: 'check', dataset: { path: path ?? '' } }, control,
    h('label', { for: controlId }, label), hint ? h('span', { class: 'hint' }, hint) : null);
  wrapper.control = control;
  return wrapper;
}

/** A fieldset (group of controls) that can carry an error of its own. */
export function group({ legend, path, hint, children, cls }) {
  const errorId = uid('grp-error');
  const fs = h('fieldset', { class: ['group', cls], dataset: { path: path ?? '' }, 'aria-describedby': errorId },
    h('legend', null, legend),
    hint ? h('p', { class: 'hint' }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
    children);
  return fs;
}

// ---------------------------------------------------------------------------------------------
// Errors next to fields

function errorSlot(holder) {
  return holder.querySelector(':scope > .field-error') ?? holder.querySelector('.field-error');
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) { slot.hidden = true; slot.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.has-error')) el.classList.remove('has-error');
  for (const c of form.querySelectorAll('[data-error-described]')) {
    c.setAttribute('aria-describedby', c.dataset.errorDescribed);
    delete c.dataset.errorDescribed;
    if (!c.getAttribute('aria-describedby')) c.removeAttribute('aria-describedby');
  }
  form.querySelector('.form-errors')?.replaceChildren();
}

/** Puts `message` beside the field or group `holder` (an element with data-path). */
export function setFieldError(holder, message) {
  const slot = errorSlot(holder);
  slot.textContent = message;
  slot.hidden = false;
  holder.classList.add('has-error');
  const control = holder.control ?? holder.querySelector('input, select, textarea');
  if (control && holder.tagName !== 'FIELDSET') {
    control.setAttribute('aria-invalid', 'true');
    if (!('errorDescribed' in control.dataset)) control.dataset.errorDescribed = control.getAttribute('aria-describedby') ?? '';
    control.setAttribute('aria-describedby', [control.dataset.errorDescribed, slot.id].filter(Boolean).join(' '));
  }
  return control ?? holder;
}

/** Splits "ChangeSet[1].DetailsDocument.LogoUrl: must be an https:// URL" into [path, message]. */
export function splitFieldMessage(message) {
  const m = /^([A-Za-z_$][\w$]*(?:\[\d+\])*(?:\.[A-Za-z_$][\w$]*(?:\[\d+\])*)*): (.*)$/s.exec(message ?? '');
  return m ? [m[1], m[2]] : [null, message];
}

const norm = (p) => p.replace(/\.Details(Document)?\./, '.Details.');

/**
 * The element with data-path that an error path concerns: the longest data-path that is the
 * path or a prefix of it; else one whose path starts with the error path.
 */
export function holderForPath(form, path) {
  if (!path) return null;
  const want = norm(path);
  let best = null;
  let bestLen = -1;
  for (const el of holders(form)) {
    for (const p of pathsOf(el)) {
      const have = norm(p);
      const prefix = want === have || want.startsWith(have + '.') || want.startsWith(have + '[');
      if (prefix && have.length > bestLen) { best = el; bestLen = have.length; }
    }
  }
  if (best) return best;
  for (const el of holders(form)) {
    for (const p of pathsOf(el)) {
      const have = norm(p);
      if (have.startsWith(want + '.') || have.startsWith(want + '[')) return el;
    }
  }
  return null;
}

/** Fields and groups that carry data-path (a space-separated list of request paths). */
function holders(form) {
  return [...form.querySelectorAll('[data-path]')]
    .filter((el) => (el.tagName === 'DIV' || el.tagName === 'FIELDSET') && el.dataset.path && !el.closest('[hidden]'));
}
const pathsOf = (el) => el.dataset.path.split(/\s+/).filter(Boolean);

/**
 * For an asynchronous error of change `index` ("AmiSource.AmiId: image … was not found"), the
 * field whose path within the change ends with the message's field (or that field's group).
 */
export function holderForChangeError(form, index, message) {
  const [rel] = splitFieldMessage(message);
  const base = `ChangeSet[${index}]`;
  const entries = [];
  for (const el of holders(form)) {
    for (const p of pathsOf(el)) {
      const n = norm(p);
      if (n === base || n.startsWith(base + '.')) entries.push([el, n.slice(base.length).replace(/^\./, '').replace(/^Details(Document)?\.?/, '')]);
    }
  }
  if (rel) {
    const want = rel.replace(/^(DetailsDocument|Details)\./, '');
    const lastOf = (p) => p.split('.').pop().replace(/\[\d+\]$/, '');
    let best = null;
    let bestScore = -1;
    for (const [el, within] of entries) {
      if (!within) continue;
      let score = -1;
      if (within === want || within.endsWith('.' + want)) score = 1000 + within.length;
      else if (want.startsWith(within + '.') || want.startsWith(within + '[')) score = 500 + within.length;
      else if (lastOf(within) === lastOf(want)) score = 100 + within.length;
      if (score > bestScore) { best = el; bestScore = score; }
    }
    if (best) return best;
  }
  // The change's own group: a holder whose path is the change itself.
  return entries.find(([, within]) => within === '')?.[0] ?? null;
}

function formErrors(form) {
  let box = form.querySelector('.form-errors');
  if (!box) {
    box = h('div', { class: 'form-errors', tabindex: '-1' });
    form.prepend(box);
  }
  return box;
}

/** Shows an error at the top of the form (not tied to one field). */
export function showFormError(form, error, title) {
  const box = formErrors(form);
  box.append(errorBox(error, title));
  return box;
}

/** Shows an API error: beside its field when its message names one, else at the top. */
export function showApiError(form, error) {
  const [path, rest] = splitFieldMessage(error?.message);
  const holder = holderForPath(form, path);
  if (holder) {
    const control = setFieldError(holder, rest);
    announce(`Error: ${holder.querySelector('label, legend')?.textContent ?? path}: ${rest}`);
    control.focus?.();
    return;
  }
  const box = showFormError(form, error, 'The request was not accepted.');
  box.focus();
}

// ---------------------------------------------------------------------------------------------
// Submitting change sets

/**
 * Runs a change-request form: on submit, `build()` returns {changes, name} (or throws a
 * FormProblem), the change set is started, and its status is followed in `statusEl` until it
 * ends; a failed set's errors are shown beside their fields. `onDone(described)` runs at the end.
 */
export class FormProblem extends Error {
  constructor(message, holder) { super(message); this.holder = holder; }
}

export function changeRequestForm(form, { build, statusEl, signal, onDone, submitLabel }) {
  form.noValidate = true; // the server's messages are shown instead of the browser's bubbles
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    clearErrors(form);
    replace(statusEl);
    let built;
    try {
      built = await build();
    } catch (e) {
      if (e instanceof FormProblem && e.holder) {
        setFieldError(e.holder, e.message).focus?.();
        announce(`Error: ${e.message}`);
      } else {
        showFormError(form, e).focus();
      }
      return;
    }
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = 'Submitting…';
    try {
      const out = await catalog.startChangeSet(built.changes, built.name);
      await followChangeSet(out.ChangeSetId, { form, statusEl, signal, onDone });
    } catch (e) {
      if (e?.name === 'AbortError') return;
      showApiError(form, e);
    } finally {
      submit.disabled = false;
      submit.textContent = submitLabel ?? label;
    }
  });
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Shows a change set's status in `statusEl` (a live region), polling until it ends, or until
 * it waits for the operators' review (APPLYING with an UpdateVisibility); then maps a failed
 * set's errors onto `form`.
 */
export async function followChangeSet(id, { form, statusEl, signal, onDone, interval = 700 }) {
  const link = h('a', { href: `#/changes/${encodeURIComponent(id)}` }, id);
  const statusSlot = h('span', null, badge('PREPARING'));
  const detail = h('p', { class: 'status-detail' });
  replace(statusEl, h('div', { class: 'message message-info change-status', role: 'status', 'aria-live': 'polite' },
    h('p', null, 'Change request ', link, ' submitted: ', statusSlot), detail));
  announce(`Change request ${id} submitted.`);
  let last = null;
  for (;;) {
    if (signal?.aborted) return null;
    let d;
    try {
      d = await catalog.describeChangeSet(id, { signal });
    } catch (e) {
      if (e?.name === 'AbortError') return null;
      detail.textContent = `Could not read the status: ${e.message}`;
      return null;
    }
    if (d.Status !== last) {
      replace(statusSlot, badge(d.Status));
      last = d.Status;
      if (!TERMINAL.has(d.Status)) announce(`Change request ${id}: ${d.Status}`);
    }
    const awaitingReview = d.Status === 'APPLYING' && d.ChangeSet?.some((c) => c.ChangeType === 'UpdateVisibility');
    if (TERMINAL.has(d.Status) || awaitingReview) {
      const box = statusEl.firstChild;
      box.className = `message change-status ${d.Status === 'SUCCEEDED' ? 'message-success'
        : d.Status === 'FAILED' ? 'message-error' : 'message-info'}`;
      if (awaitingReview) {
        detail.textContent = 'Waiting for the marketplace operators\' review. The product is locked until they decide.';
        announce(`Change request ${id} is waiting for review.`);
      } else if (d.Status === 'SUCCEEDED') {
        detail.textContent = 'The change has been applied.';
        announce(`Change request ${id} succeeded.`);
      } else if (d.Status === 'FAILED') {
        detail.textContent = d.FailureDescription || 'The change request failed; see the errors below.';
        announce(`Change request ${id} failed.`);
        if (form) showChangeErrors(form, d);
      } else {
        detail.textContent = 'The change request was cancelled.';
        announce(`Change request ${id} was cancelled.`);
      }
      onDone?.(d);
      return d;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Puts each failed change's errors beside their fields (or at the top of the form). */
export function showChangeErrors(form, described) {
  let first = null;
  (described.ChangeSet ?? []).forEach((c, i) => {
    for (const e of c.ErrorDetailList ?? []) {
      const holder = holderForChangeError(form, i, e.ErrorMessage);
      const text = `${e.ErrorMessage} (${e.ErrorCode})`;
      if (holder) {
        const slot = errorSlot(holder);
        if (!slot.hidden && slot.textContent) {
          slot.textContent += ` ${text}`;
        } else {
          const control = setFieldError(holder, text);
          first ??= control;
        }
      } else {
        showFormError(form, { message: text }, `${c.ChangeType} failed`);
        first ??= form.querySelector('.form-errors');
      }
    }
  });
  first?.focus?.();
}
