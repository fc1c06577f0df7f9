// Shared pieces of the pages: status badges, tables, messages, the live region, formatting and
// exact decimal arithmetic for money.
import { h, replace, uid } from './dom.js';

// ---------------------------------------------------------------------------------------------
// Status badges: the word itself is always shown; colour and shape only repeat it.

const BADGE_KIND = {
  Draft: 'neutral', Limited: 'info', Public: 'success', Restricted: 'warning',
  PREPARING: 'info', APPLYING: 'progress', SUCCEEDED: 'success', FAILED: 'danger', CANCELLED: 'neutral',
  Available: 'success', ACTIVE: 'success',
  running: 'success', pending: 'info', stopping: 'warning', stopped: 'neutral', 'shutting-down': 'warning',
  terminated: 'neutral', Released: 'success', available: 'success',
  SELLER: 'info', BUYER: 'neutral', OPERATOR: 'progress',
};

export function badge(word, { label } = {}) {
  const text = word || 'Unknown';
  return h('span', { class: `badge badge-${BADGE_KIND[text] ?? 'neutral'}`, dataset: { status: text }, title: label }, text);
}

// ---------------------------------------------------------------------------------------------
// Live regions

export function announce(message) {
  const region = document.getElementById('status');
  if (!region) return;
  region.textContent = '';
  // A short delay makes screen readers announce the same text twice in a row.
  setTimeout(() => { region.textContent = message; }, 50);
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** <h1> that the router focuses after navigation. */
export function pageTitle(...children) {
  return h('h1', { class: 'page-title', tabindex: '-1' }, ...children);
}

export function breadcrumbs(items) {
  return h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
    h('ol', null, items.map(([text, href], i) => h('li', null,
      href && i < items.length - 1 ? h('a', { href }, text) : h('span', { 'aria-current': 'page' }, text)))));
}

export function linkButton(text, href, extra = {}) {
  return h('a', { class: ['button', extra.class], href, ...extra.attrs }, text);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/** An error message box (role=alert, so it is read out when it appears). */
export function errorBox(error, title) {
  const message = typeof error === 'string' ? error : error?.message ?? String(error);
  return h('div', { class: 'message message-error', role: 'alert' },
    title ? h('p', { class: 'message-title' }, title) : null,
    h('p', null, message),
    error?.type ? h('p', { class: 'message-code' }, `Error code: ${error.type}`) : null);
}

export function infoBox(...children) {
  return h('div', { class: 'message message-info' }, ...children);
}

export function successBox(...children) {
  return h('div', { class: 'message message-success', role: 'status' }, ...children);
}

/**
 * A table inside a scrollable, focusable region (narrow screens scroll it sideways).
 * columns: [{label, render: (row) => node|string, class?, header?: true (row header)}]
 */
export function dataTable({ caption, columns, rows, empty = 'Nothing to show.', captionHidden = false, id }) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  const table = h('table', { class: 'data', id },
    h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
    h('tbody', null, rows.map((row) => h('tr', null, columns.map((c) => {
      const content = c.render(row);
      return c.header
        ? h('th', { scope: 'row', class: c.class }, content)
        : h('td', { class: c.class, dataset: { label: c.label } }, content);
    })))));
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: '0' }, table);
}

/** A definition list of [term, description] pairs (descriptions may be nodes). */
export function facts(pairs, cls = 'facts') {
  return h('dl', { class: cls }, pairs.filter(Boolean).map(([dt, dd]) => h('div', null, h('dt', null, dt),
    h('dd', null, dd === undefined || dd === null || dd === '' ? '—' : dd))));
}

export function section(title, ...children) {
  const id = uid('sec');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** Shows `node` in `container`, replacing what was there. */
export function show(container, ...nodes) { replace(container, ...nodes); }

// ---------------------------------------------------------------------------------------------
// Formatting

/** "2026-11-26T09:12:33Z" → "2026-11-26 09:12 UTC" */
export function fmtTime(iso) {
  if (!iso) return '—';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(String(iso));
  return m ? `${m[1]} ${m[2]} UTC` : String(iso);
}

export function fmtDate(iso) {
  if (!iso) return '—';
  return String(iso).slice(0, 10);
}

/** Formats a decimal string with a currency: "12.3" → "$12.30". */
export function fmtUsd(amount, currency = 'USD') {
  if (amount === undefined || amount === null || amount === '') return '—';
  const s = String(amount);
  const neg = s.startsWith('-');
  const [i, f = ''] = (neg ? s.slice(1) : s).split('.');
  const cents = (f + '00').slice(0, Math.max(2, f.replace(/0+$/, '').length));
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sym = currency === 'USD' ? '$' : `${currency} `;
  return `${neg ? '-' : ''}${sym}${grouped}.${cents}`;
}

// ---------------------------------------------------------------------------------------------
// Exact decimals (money is never added as floating point)

function parseDecimal(s) {
  const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(String(s ?? '0').trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  return { neg: !!m[1], int: m[2] || '0', frac: m[3] || '' };
}

/** Adds decimal strings exactly: sumDecimals(['0.10', '0.2']) → '0.30' (scale = widest input). */
export function sumDecimals(values, minScale = 0) {
  const parsed = values.map(parseDecimal);
  const scale = Math.max(minScale, ...parsed.map((p) => p.frac.length));
  let total = 0n;
  for (const p of parsed) {
    const v = BigInt(p.int + p.frac.padEnd(scale, '0'));
    total += p.neg ? -v : v;
  }
  const neg = total < 0n;
  let digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
  const out = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return (neg ? '-' : '') + out;
}

export const sumMoney = (values) => sumDecimals(values, 2);

/** A decimal string as a Number, for plotting only. */
export const plotNumber = (s) => Number(s ?? 0);

/** Today's date (UTC) as YYYY-MM-DD, shifted by `days`. */
export function isoDay(days = 0, from = new Date()) {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}
