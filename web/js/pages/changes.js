// The seller's change requests: the list with live status (it polls while any is PREPARING or
// APPLYING), and one change request with each change, its details and its errors beside the
// field they concern; a change request still PREPARING (or waiting for review) can be cancelled.
import { h, replace } from '../dom.js';
import * as catalog from '../catalog.js';
import { splitFieldMessage } from '../forms.js';
import { announce, badge, pageTitle, breadcrumbs, loading, errorBox, dataTable, facts, fmtTime } from '../ui.js';

const OPEN = new Set(['PREPARING', 'APPLYING']);
const POLL_MS = 1500;
const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

/** The entities of a change set: products by title (when known) with a link, offers by ID. */
function entityLinks(ids, titles = new Map()) {
  return h('ul', { class: 'plain entity-list' }, (ids ?? []).map((e) => h('li', null,
    e.startsWith('prod-')
      ? h('a', { href: `#/products/${encodeURIComponent(e)}` }, titles.get(e) ?? e)
      : h('code', { class: 'small' }, e))));
}

export async function changesPage({ page, query, signal }) {
  const entity = query.get('entity');
  page.append(pageTitle('Change requests'));
  if (entity) {
    page.append(h('p', { class: 'lead' }, 'For product ', h('a', { href: `#/products/${encodeURIComponent(entity)}` }, entity),
      '. ', h('a', { href: '#/changes' }, 'Show all change requests')));
  } else {
    page.append(h('p', { class: 'lead' }, 'Requests are queued and processed in turn: PREPARING, then APPLYING, then SUCCEEDED or FAILED. ',
      'This list updates itself while any is in progress.'));
  }
  const polling = h('p', { class: 'poll-state muted', id: 'poll-state' });
  const slot = h('div', null, loading('Loading change requests…'));
  page.append(polling, slot);

  const errorsOf = new Map(); // ChangeSetId → [messages] for FAILED sets
  const titles = new Map(); // product ID → title
  try {
    for (const p of await catalog.listProducts({ signal })) titles.set(p.EntityId, p.Name || p.EntityId);
  } catch (e) {
    if (e?.name === 'AbortError') return;
  }
  const cells = new Map(); // ChangeSetId → {status, ended, errors}
  let shownIds = '';
  let lastStatus = new Map();

  async function loadErrors(sets) {
    // One at a time (DescribeChangeSet has a per-account rate), at most 10 new ones per round.
    const failed = sets.filter((c) => c.Status === 'FAILED' && !errorsOf.has(c.ChangeSetId)).slice(0, 10);
    for (const c of failed) {
      if (signal.aborted) return;
      try {
        const d = await catalog.describeChangeSet(c.ChangeSetId, { signal });
        errorsOf.set(c.ChangeSetId, (d.ChangeSet ?? []).flatMap((x) => (x.ErrorDetailList ?? []).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`))
          .concat(d.FailureDescription && !(d.ChangeSet ?? []).some((x) => x.ErrorDetailList?.length) ? [d.FailureDescription] : []));
      } catch { errorsOf.set(c.ChangeSetId, []); }
    }
  }

  const errorCell = (c) => {
    const list = errorsOf.get(c.ChangeSetId) ?? [];
    if (!list.length) return c.FailureCode ? h('span', { class: 'muted' }, c.FailureCode) : '';
    return h('ul', { class: 'plain errors-inline' }, list.slice(0, 3).map((m) => h('li', null, m)),
      list.length > 3 ? h('li', null, h('a', { href: `#/changes/${encodeURIComponent(c.ChangeSetId)}` }, `${list.length - 3} more…`)) : null);
  };

  function renderTable(sets) {
    cells.clear();
    const table = dataTable({
      caption: 'Change requests', captionHidden: true, id: 'changes-table',
      empty: 'No change requests yet.',
      columns: [
        { label: 'Change request', header: true, render: (c) => [h('a', { href: `#/changes/${encodeURIComponent(c.ChangeSetId)}` }, c.ChangeSetName || c.ChangeSetId),
          h('br'), h('code', { class: 'small muted' }, c.ChangeSetId)] },
        { label: 'Status', render: (c) => { const s = h('span', null, badge(c.Status)); cells.set(c.ChangeSetId, { ...cells.get(c.ChangeSetId), status: s }); return s; } },
        { label: 'Products and offers', render: (c) => entityLinks(c.EntityIdList, titles) },
        { label: 'Started', class: 'nowrap', render: (c) => fmtTime(c.StartTime) },
        { label: 'Ended', class: 'nowrap', render: (c) => { const s = h('span', null, c.EndTime ? fmtTime(c.EndTime) : '—'); cells.get(c.ChangeSetId).ended = s; return s; } },
        { label: 'Errors', render: (c) => { const s = h('span', null, errorCell(c)); cells.get(c.ChangeSetId).errors = s; return s; } },
      ],
      rows: sets,
    });
    replace(slot, table);
  }

  const mergeNewest = (fresh, old) => {
    const ids = new Set(fresh.map((c) => c.ChangeSetId));
    return [...fresh, ...old.filter((c) => !ids.has(c.ChangeSetId))];
  };
  let sets = [];
  for (let first = true; ; first = false) {
    try {
      // The first load shows the newest 60; each poll reads the newest 20, where open ones are.
      const fresh = await catalog.listChangeSets({ entityId: entity || undefined, signal, maxPages: first ? 3 : 1 });
      sets = first ? fresh : mergeNewest(fresh, sets);
      // Open requests older than the newest 20 are read one by one.
      const seen = new Set(fresh.map((c) => c.ChangeSetId));
      for (const c of sets.filter((x) => OPEN.has(x.Status) && !seen.has(x.ChangeSetId)).slice(0, 5)) {
        const d = await catalog.describeChangeSet(c.ChangeSetId, { signal });
        Object.assign(c, { Status: d.Status, EndTime: d.EndTime, FailureCode: d.FailureCode });
      }
    } catch (e) {
      if (e?.name === 'AbortError' || signal.aborted) return;
      replace(slot, errorBox(e, 'The change requests could not be loaded.'));
      return;
    }
    await loadErrors(sets);
    if (signal.aborted) return;
    const ids = sets.map((c) => c.ChangeSetId).join(',');
    const focusInside = slot.contains(document.activeElement);
    if (first || (ids !== shownIds && !focusInside)) {
      renderTable(sets);
      shownIds = ids;
    } else {
      for (const c of sets) {
        const cell = cells.get(c.ChangeSetId);
        if (!cell) continue;
        if (cell.status.textContent !== c.Status) replace(cell.status, badge(c.Status));
        replace(cell.ended, c.EndTime ? fmtTime(c.EndTime) : '—');
        replace(cell.errors, errorCell(c));
      }
    }
    if (!first) {
      for (const c of sets) {
        const before = lastStatus.get(c.ChangeSetId);
        if (before && before !== c.Status) announce(`Change request ${c.ChangeSetName || c.ChangeSetId}: ${c.Status}`);
      }
    }
    lastStatus = new Map(sets.map((c) => [c.ChangeSetId, c.Status]));
    const open = sets.filter((c) => OPEN.has(c.Status)).length;
    polling.textContent = open ? `${open} in progress; updating every few seconds.` : 'All requests have finished.';
    if (!open) return;
    await sleep(POLL_MS, signal);
    if (signal.aborted) return;
  }
}

// ---------------------------------------------------------------------------------------------

function valueNode(v) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, 'null');
  if (typeof v === 'string') return h('span', { class: 'prewrap' }, v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.length ? v.join(', ') : h('span', { class: 'muted' }, '(empty list)');
  if (typeof v !== 'object') return String(v);
  return h('pre', { class: 'json' }, JSON.stringify(v, null, 2));
}

/** The details of one change, each top-level field with the errors that name it right under it. */
function changeDetails(change) {
  const doc = change.DetailsDocument ?? (change.Details ? JSON.parse(change.Details) : {});
  const errors = change.ErrorDetailList ?? [];
  const placed = new Set();
  const rows = [];
  const errorFor = (key, value) => errors.filter((e, i) => {
    if (placed.has(i)) return false;
    const [path] = splitFieldMessage(e.ErrorMessage);
    if (!path) return false;
    const first = path.replace(/^(DetailsDocument|Details)\./, '').split(/[.[]/)[0];
    const hit = first === key || (value && typeof value === 'object' && JSON.stringify(value).includes(`"${first}":`));
    if (hit) placed.add(i);
    return hit;
  });
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc)) {
      const mine = errorFor(k, v);
      rows.push(h('div', { class: mine.length ? 'has-error' : null }, h('dt', null, k), h('dd', null, valueNode(v),
        mine.map((e) => h('p', { class: 'field-error' }, `${e.ErrorCode}: ${e.ErrorMessage}`)))));
    }
  }
  const rest = errors.filter((_, i) => !placed.has(i));
  return [
    rest.length ? h('div', { class: 'message message-error' }, rest.map((e) => h('p', null, `${e.ErrorCode}: ${e.ErrorMessage}`))) : null,
    rows.length ? h('dl', { class: 'facts details-doc' }, rows) : h('div', { class: 'details-doc' }, valueNode(doc)),
  ];
}

export async function changePage({ page, params, signal, setTitle }) {
  const id = params.id;
  const heading = pageTitle('Change request');
  page.append(breadcrumbs([['Change requests', '#/changes'], [id]]), heading);
  const body = h('div', null, loading());
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  page.append(live, body);
  let lastStatus = null;
  for (;;) {
    let d;
    try {
      d = await catalog.describeChangeSet(id, { signal });
    } catch (e) {
      if (e?.name === 'AbortError' || signal.aborted) return;
      replace(body, errorBox(e, e.status === 404 ? 'No such change request.' : 'The change request could not be loaded.'));
      return;
    }
    if (signal.aborted) return;
    setTitle(`Change request ${d.ChangeSetName || id}`);
    replace(heading, h('span', { class: 'title-text' }, d.ChangeSetName || id), ' ', badge(d.Status));
    if (lastStatus && lastStatus !== d.Status) live.textContent = `Status: ${d.Status}`;
    lastStatus = d.Status;
    const awaitingReview = d.Status === 'APPLYING' && (d.ChangeSet ?? []).some((c) => c.ChangeType === 'UpdateVisibility');
    const canCancel = d.Status === 'PREPARING' || awaitingReview;
    const cancelMsg = h('div');
    const cancel = canCancel ? h('button', { type: 'button', class: 'button-danger', onclick: async () => {
      cancel.disabled = true;
      try {
        await catalog.cancelChangeSet(id);
        announce('Cancellation requested.');
      } catch (e) {
        replace(cancelMsg, errorBox(e, 'The change request could not be cancelled.'));
        cancel.disabled = false;
      }
    } }, 'Cancel change request') : null;
    const focusInside = body.contains(document.activeElement) && document.activeElement !== document.body;
    if (!focusInside || TERMINAL(d.Status)) {
      replace(body,
        facts([
          ['Status', badge(d.Status)],
          ['Change set ID', h('code', null, d.ChangeSetId)],
          ['Intent', d.Intent],
          ['Started', fmtTime(d.StartTime)],
          ['Ended', d.EndTime ? fmtTime(d.EndTime) : '—'],
          d.FailureCode ? ['Failure code', d.FailureCode] : null,
          d.FailureDescription ? ['Failure', d.FailureDescription] : null,
        ]),
        awaitingReview ? h('p', { class: 'message message-info' }, 'Waiting for the marketplace operators\' review.') : null,
        cancel ? h('div', { class: 'actions' }, cancel) : null, cancelMsg,
        h('h2', null, `Changes (${(d.ChangeSet ?? []).length})`),
        h('ol', { class: 'changes' }, (d.ChangeSet ?? []).map((c) => {
          const target = c.Entity?.Identifier?.split('@')[0];
          return h('li', { class: ['change', c.ErrorDetailList?.length ? 'change-failed' : null] },
            h('h3', null, c.ChangeType, ' ', h('span', { class: 'muted' }, `on ${c.Entity?.Type ?? ''}`),
              target ? [' ', target.startsWith('prod-') ? h('a', { href: `#/products/${encodeURIComponent(target)}` }, target) : h('code', null, target)] : null),
            c.ChangeName ? h('p', { class: 'muted' }, `Change name: ${c.ChangeName}`) : null,
            changeDetails(c));
        })));
    }
    if (TERMINAL(d.Status)) return;
    await sleep(awaitingReview ? POLL_MS * 3 : POLL_MS, signal);
    if (signal.aborted) return;
  }
}

const TERMINAL = (s) => s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED';
