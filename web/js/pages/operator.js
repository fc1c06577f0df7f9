// The operator's pages: the review queue of visibility changes (approve, or reject with a reason
// the seller sees) and the accounts (create a seller or buyer; its secret is shown once).
import { h, replace, uid } from '../dom.js';
import { get, post } from '../api.js';
import * as catalog from '../catalog.js';
import { field, setFieldError, clearErrors } from '../forms.js';
import { announce, badge, pageTitle, loading, errorBox, dataTable, fmtTime, section, successBox } from '../ui.js';

export function registerOperatorPages(route) {
  const roles = ['OPERATOR'];
  route('/reviews', { roles, title: 'Reviews', render: reviewsPage });
  route('/accounts', { roles, title: 'Accounts', render: accountsPage });
}

async function reviewsPage({ page, signal }) {
  const refresh = h('button', { type: 'button', class: 'button-secondary' }, 'Refresh');
  page.append(pageTitle('Reviews'),
    h('p', { class: 'lead' }, 'Sellers\' visibility changes wait here, their products locked, until you approve or reject them. ',
      'A rejection fails the change request with your reason.'),
    h('div', { class: 'page-actions' }, refresh));
  const slot = h('div', null, loading('Loading the review queue…'));
  page.append(slot);
  const titles = new Map();

  async function titleOf(id) {
    if (!titles.has(id)) {
      titles.set(id, catalog.describeEntity(id, { signal })
        .then((e) => catalog.productTitle(e.DetailsDocument ?? JSON.parse(e.Details ?? '{}'))).catch(() => id));
    }
    return titles.get(id);
  }

  function reviewRow(r, title) {
    const titleId = uid('review-title');
    const reason = field({ label: 'Reason (required to reject)', name: 'Reason', kind: 'textarea', attrs: { rows: 2 },
      hint: 'The seller sees it in the failed change request.' });
    const outcome = h('div', { class: 'review-outcome', 'aria-live': 'polite' });
    const approve = h('button', { type: 'button', class: 'button-primary', 'aria-describedby': titleId }, 'Approve');
    const reject = h('button', { type: 'button', class: 'button-danger', 'aria-describedby': titleId }, 'Reject');
    const li = h('li', { class: 'review card', dataset: { changeSetId: r.ChangeSetId } },
      h('h2', { id: titleId, class: 'review-title' }, title, ' ', h('span', { class: 'muted' }, '→ '), badge(r.TargetVisibility)),
      h('dl', { class: 'facts compact' },
        h('div', null, h('dt', null, 'Product'), h('dd', null, h('code', null, r.EntityId))),
        h('div', null, h('dt', null, 'Seller account'), h('dd', null, h('code', null, r.SellerAccountId))),
        h('div', null, h('dt', null, 'Requested visibility'), h('dd', null, r.TargetVisibility)),
        h('div', null, h('dt', null, 'Submitted'), h('dd', null, fmtTime(r.SubmittedAt))),
        h('div', null, h('dt', null, 'Change request'), h('dd', null, h('code', null, r.ChangeSetId)))),
      reason, h('div', { class: 'actions' }, approve, reject), outcome);

    async function decide(kind) {
      clearErrors(li);
      replace(outcome);
      const text = reason.control.value.trim();
      if (kind === 'reject' && !text) {
        setFieldError(reason, 'Give the seller a reason for the rejection.').focus();
        announce('Give the seller a reason for the rejection.');
        return;
      }
      approve.disabled = true;
      reject.disabled = true;
      try {
        const res = await post(`/amiplace/v1/reviews/${encodeURIComponent(r.ChangeSetId)}/${kind}`, kind === 'reject' ? { Reason: text } : {});
        reason.remove();
        approve.remove();
        reject.remove();
        replace(outcome, successBox(h('p', null, kind === 'approve' ? 'Approved: ' : 'Rejected: ',
          `the change request is now `, badge(res?.Status ?? (kind === 'approve' ? 'SUCCEEDED' : 'FAILED')), '.')));
        li.classList.add('decided');
        announce(`${title}: ${kind === 'approve' ? 'approved' : 'rejected'}.`);
        outcome.setAttribute('tabindex', '-1');
        outcome.focus();
      } catch (e) {
        approve.disabled = false;
        reject.disabled = false;
        replace(outcome, errorBox(e, 'The decision was not recorded.'));
      }
    }
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    return li;
  }

  const list = h('ul', { class: 'reviews plain', id: 'review-queue' });
  const rowsById = new Map();
  async function load() {
    let reviews;
    try {
      reviews = (await get('/amiplace/v1/reviews', { signal }))?.Reviews ?? [];
    } catch (e) {
      if (e?.name === 'AbortError') return;
      replace(slot, errorBox(e, 'The review queue could not be loaded.'));
      return;
    }
    const fresh = reviews.filter((r) => !rowsById.has(r.ChangeSetId));
    const items = await Promise.all(fresh.map(async (r) => reviewRow(r, await titleOf(r.EntityId))));
    if (signal.aborted) return;
    items.forEach((li, i) => { rowsById.set(fresh[i].ChangeSetId, li); list.append(li); });
    const waiting = [...rowsById.values()].filter((li) => !li.classList.contains('decided')).length;
    replace(slot, h('p', { class: 'queue-count' }, waiting ? `${waiting} request${waiting === 1 ? '' : 's'} waiting for review.` : 'No requests are waiting for review.'), list);
    if (fresh.length && rowsById.size > fresh.length) announce(`${fresh.length} new review request${fresh.length === 1 ? '' : 's'}.`);
  }
  refresh.addEventListener('click', load);
  await load();
}

// ---------------------------------------------------------------------------------------------

async function accountsPage({ page, signal }) {
  page.append(pageTitle('Accounts'));
  const type = field({ label: 'Account type', name: 'Type', kind: 'select', value: 'SELLER', options: [['SELLER', 'Seller'], ['BUYER', 'Buyer']] });
  const name = field({ label: 'Name', name: 'Name', required: true, path: 'Name', hint: '1 to 100 characters, like the company\'s name.' });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Create account');
  const created = h('div', { class: 'created-account', id: 'created-account' });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Create an account', novalidate: true },
    h('div', { class: 'form-errors', tabindex: '-1' }), type, name, h('div', { class: 'actions' }, submit));
  const tableSlot = h('div', null, loading('Loading accounts…'));
  page.append(section('Create an account', form, created), section('All accounts', tableSlot));

  async function loadAccounts() {
    try {
      const accounts = (await get('/amiplace/v1/accounts', { signal }))?.Accounts ?? [];
      replace(tableSlot, dataTable({
        caption: 'Accounts', captionHidden: true, id: 'accounts-table',
        columns: [
          { label: 'Name', header: true, render: (a) => a.Name },
          { label: 'Type', render: (a) => badge(a.Type) },
          { label: 'Account ID', render: (a) => h('code', null, a.AccountId) },
          { label: 'Created', render: (a) => fmtTime(a.CreatedAt) },
        ],
        rows: accounts,
      }));
    } catch (e) {
      if (e?.name !== 'AbortError') replace(tableSlot, errorBox(e, 'The accounts could not be loaded.'));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    replace(created);
    const n = name.control.value.trim();
    if (!n) { setFieldError(name, 'Enter a name.').focus(); return; }
    submit.disabled = true;
    try {
      const a = await post('/amiplace/v1/accounts', { Type: type.control.value, Name: n });
      name.control.value = '';
      const secretId = uid('secret');
      // The secret is shown this once, kept in this element only, and gone when the page changes.
      replace(created, h('div', { class: 'message message-success secret-once', role: 'status', tabindex: '-1' },
        h('p', { class: 'message-title' }, `${a.Type === 'BUYER' ? 'Buyer' : 'Seller'} account "${a.Name}" created.`),
        h('p', null, h('strong', null, 'Copy the secret access key now: it is not shown again.')),
        h('dl', { class: 'facts compact' },
          h('div', null, h('dt', null, 'Account ID'), h('dd', null, h('code', { id: 'new-account-id' }, a.AccountId))),
          h('div', null, h('dt', null, 'Access key ID'), h('dd', null, h('code', { id: 'new-access-key-id' }, a.AccessKeyId))),
          h('div', null, h('dt', null, 'Secret access key'), h('dd', null, h('code', { id: secretId, class: 'secret' }, a.SecretAccessKey)))),
        h('button', { type: 'button', class: 'button-secondary', onclick: (ev) => {
          replace(created, h('p', { class: 'muted' }, 'The secret access key has been hidden.'));
          void ev;
          form.querySelector('input')?.focus();
        } }, 'Hide the secret')));
      created.firstChild.focus();
      announce(`Account ${a.Name} created. Copy its secret access key now.`);
      await loadAccounts();
    } catch (err) {
      const box = h('div', { class: 'message message-error', role: 'alert' }, h('p', null, err.message));
      form.querySelector('.form-errors').append(box);
    } finally {
      submit.disabled = false;
    }
  });
  await loadAccounts();
}
