// The buyer's pages: search the catalog, a product's page (versions with their AMIs, prices,
// subscribe and cancel), the subscriptions, the running instances with their product codes, and
// the monthly bill.
import { h, replace } from '../dom.js';
import { get, post, qs } from '../api.js';
import * as catalog from '../catalog.js';
import { field } from '../forms.js';
import {
  announce, badge, pageTitle, breadcrumbs, loading, errorBox, dataTable, facts, section, fmtTime, fmtUsd,
} from '../ui.js';

export function registerBuyerPages(route) {
  const roles = ['BUYER'];
  route('/catalog', { roles, title: 'Catalog', render: catalogPage });
  route('/catalog/:id', { roles, title: 'Product', render: productPage });
  route('/subscriptions', { roles, title: 'Subscriptions', render: subscriptionsPage });
  route('/instances', { roles, title: 'Instances', render: instancesPage });
  route('/bill', { roles, title: 'Bill', render: billPage });
}

const productHref = (id) => `#/catalog/${encodeURIComponent(id)}`;

async function catalogPage({ page, query, signal, navigate }) {
  const q = query.get('q') ?? '';
  page.append(pageTitle('Catalog'));
  const search = field({ label: 'Search products', name: 'query', kind: 'search', id: 'catalog-query', value: q,
    hint: 'Words from the title, description, categories or keywords.' });
  const form = h('form', { role: 'search', class: 'inline-form', 'aria-label': 'Search the catalog' },
    search, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`#/catalog${qs({ q: search.control.value.trim() })}`);
  });
  const slot = h('div', { 'aria-live': 'polite' }, loading('Searching…'));
  page.append(form, slot);
  try {
    const products = (await get(`/amiplace/v1/products${qs({ query: q })}`, { signal }))?.Products ?? [];
    replace(slot,
      h('p', { class: 'result-count' }, products.length
        ? `${products.length} product${products.length === 1 ? '' : 's'}${q ? ` match "${q}"` : ''}.`
        : q ? `No products match "${q}".` : 'No products are available to you yet.'),
      h('ul', { class: 'product-cards plain', id: 'catalog-results' }, products.map((p) => h('li', { class: 'card product-card' },
        h('h2', null, h('a', { href: productHref(p.ProductId) }, p.ProductTitle || p.ProductId), ' ', badge(p.Visibility)),
        h('p', null, p.ShortDescription ?? '')))));
  } catch (e) {
    if (e?.name !== 'AbortError') replace(slot, errorBox(e, 'The search failed.'));
  }
}

/** Prices from the product view, if the server sends them (Pricing or Prices), else []. */
function pricesOf(view) {
  const list = view.Pricing ?? view.Prices ?? view.PriceList ?? [];
  return Array.isArray(list) ? list : [];
}

async function subscriptionOf(productId, signal) {
  const subs = (await get('/amiplace/v1/subscriptions', { signal }))?.Subscriptions ?? [];
  return subs.filter((s) => s.ProductId === productId).sort((a, b) => String(b.CreatedAt).localeCompare(String(a.CreatedAt)))[0] ?? null;
}

async function productPage({ page, params, signal, setTitle }) {
  const id = params.id;
  const heading = pageTitle('Product');
  page.append(breadcrumbs([['Catalog', '#/catalog'], [id]]), heading);
  const body = h('div', null, loading());
  page.append(body);
  let view;
  let entityDoc = null;
  let sub = null;
  try {
    [view, sub] = await Promise.all([
      get(`/amiplace/v1/products/${encodeURIComponent(id)}`, { signal }),
      subscriptionOf(id, signal).catch(() => null),
    ]);
    entityDoc = await catalog.describeEntity(id, { signal }).then((e) => e.DetailsDocument ?? null).catch(() => null);
  } catch (e) {
    if (e?.name === 'AbortError') return;
    if (e.status === 404) {
      replace(heading, 'Product not found');
      replace(body, h('div', { class: 'message message-error', role: 'alert' }, h('p', null, `No product ${id} is available to you.`)),
        h('p', null, h('a', { href: '#/catalog' }, 'Back to the catalog')));
      return;
    }
    replace(body, errorBox(e, 'The product could not be loaded.'));
    return;
  }
  const title = view.ProductTitle || id;
  setTitle(title);
  replace(heading, h('span', { class: 'title-text' }, title), ' ', badge(view.Visibility));
  page.querySelector('.breadcrumbs li:last-child span').textContent = title;

  const subSlot = h('div', { class: 'subscribe-box', 'aria-live': 'polite' });
  function renderSubscription() {
    const active = sub?.Status === 'ACTIVE';
    const btn = h('button', { type: 'button', class: active ? 'button-secondary' : 'button-primary', id: 'subscribe-button' },
      active ? 'Cancel subscription' : 'Subscribe');
    const canSubscribe = view.Visibility === 'Public' || view.Visibility === 'Limited';
    if (!active && !canSubscribe) btn.disabled = true;
    const msg = h('div');
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        sub = await post(active ? '/amiplace/v1/subscriptions/cancel' : '/amiplace/v1/subscriptions', { ProductId: id });
        renderSubscription();
        announce(active ? `Subscription to ${title} cancelled.` : `Subscribed to ${title}.`);
        subSlot.querySelector('button')?.focus();
      } catch (e) {
        btn.disabled = false;
        replace(msg, errorBox(e, active ? 'The subscription could not be cancelled.' : 'The subscription failed.'));
      }
    });
    replace(subSlot,
      h('p', { id: 'subscription-state' }, active
        ? ['Subscribed ', badge('ACTIVE'), ` since ${fmtTime(sub.CreatedAt)}. You can launch its AMIs below.`]
        : sub ? ['Your subscription was cancelled ', badge('CANCELLED'), sub.CancelledAt ? ` on ${fmtTime(sub.CancelledAt)}.` : '.']
          : canSubscribe ? 'Subscribe to launch this product\'s AMIs. Usage is billed by the hour.' : 'This product takes no new subscriptions.'),
      btn, msg);
  }
  renderSubscription();

  const d = entityDoc?.Description ?? {};
  const prices = pricesOf(view);
  const dims = entityDoc?.Dimensions ?? [];
  const overview = section('About this product',
    view.ShortDescription ? h('p', { class: 'lead' }, view.ShortDescription) : null,
    d.LongDescription ? h('p', { class: 'prewrap' }, d.LongDescription) : null,
    d.Highlights?.length ? h('ul', null, d.Highlights.map((x) => h('li', null, x))) : null,
    facts([
      ['Product ID', h('code', null, view.ProductId)],
      ['Product code', h('code', { id: 'buyer-product-code' }, view.ProductCode)],
      ['Regions', (view.Regions ?? []).join(', ')],
      ['Instance types', (view.InstanceTypes ?? []).join(', ')],
    ]));
  const pricing = section('Pricing',
    prices.length
      ? dataTable({
        caption: 'Prices', captionHidden: true, id: 'buyer-prices',
        columns: [
          { label: 'Usage', header: true, render: (p) => p.Name ?? p.DimensionKey ?? p.UsageType },
          { label: 'Price', class: 'num', render: (p) => `${fmtUsd(p.Price, p.Currency ?? p.CurrencyCode ?? 'USD')} ${p.Unit === 'Hrs' ? 'per hour' : p.Unit ? `per ${p.Unit}` : ''}` },
        ],
        rows: prices,
      })
      : dims.length
        ? [h('p', null, 'Usage is billed per dimension:'), h('ul', null, dims.map((x) => h('li', null, `${x.Name} (${x.Unit})`)))]
        : h('p', { class: 'muted' }, 'Prices are shown on your bill.'));
  const versions = section('Versions',
    dataTable({
      caption: 'Versions', captionHidden: true, id: 'buyer-versions',
      columns: [
        { label: 'Version', header: true, render: (v) => v.VersionTitle },
        { label: 'Status', render: (v) => badge(v.Status) },
        { label: 'AMIs by region', render: (v) => h('ul', { class: 'plain ami-list' },
          Object.entries(v.Images ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([region, ami]) => h('li', null,
            h('span', { class: 'region' }, region), ' ', h('code', null, ami)))) },
      ],
      rows: view.Versions ?? [],
    }),
    h('p', { class: 'hint' }, 'Restricted versions are for buyers who already had them; new buyers choose an Available one. ',
      'Launch an AMI with EC2 RunInstances in a listed region on a listed instance type.'));
  replace(body, subSlot, h('div', { class: 'grid' }, overview, pricing), versions);
}

async function subscriptionsPage({ page, signal }) {
  page.append(pageTitle('Subscriptions'));
  const slot = h('div', null, loading());
  page.append(slot);
  try {
    const subs = (await get('/amiplace/v1/subscriptions', { signal }))?.Subscriptions ?? [];
    const titles = new Map(await Promise.all([...new Set(subs.map((s) => s.ProductId))].map(async (pid) =>
      [pid, await get(`/amiplace/v1/products/${encodeURIComponent(pid)}`, { signal }).then((v) => v.ProductTitle).catch(() => pid)])));
    const render = () => replace(slot, dataTable({
      caption: 'Your subscriptions', captionHidden: true, id: 'subscriptions-table', empty: 'You have no subscriptions. Find products in the Catalog.',
      columns: [
        { label: 'Product', header: true, render: (s) => h('a', { href: productHref(s.ProductId) }, titles.get(s.ProductId) ?? s.ProductId) },
        { label: 'Status', render: (s) => badge(s.Status) },
        { label: 'Since', render: (s) => fmtTime(s.CreatedAt) },
        { label: 'Cancelled', render: (s) => (s.CancelledAt ? fmtTime(s.CancelledAt) : '—') },
        { label: 'Action', render: (s) => s.Status === 'ACTIVE' ? h('button', { type: 'button', class: 'button-secondary small',
          'aria-label': `Cancel the subscription to ${titles.get(s.ProductId) ?? s.ProductId}`,
          onclick: async (ev) => {
            ev.target.disabled = true;
            try {
              const out = await post('/amiplace/v1/subscriptions/cancel', { ProductId: s.ProductId });
              Object.assign(s, out);
              render();
              announce(`Subscription to ${titles.get(s.ProductId)} cancelled.`);
              slot.querySelector('table')?.closest('[tabindex]')?.focus();
            } catch (e) {
              ev.target.disabled = false;
              slot.prepend(errorBox(e, 'The subscription could not be cancelled.'));
            }
          } }, 'Cancel') : '' },
      ],
      rows: subs,
    }));
    render();
  } catch (e) {
    if (e?.name !== 'AbortError') replace(slot, errorBox(e, 'Your subscriptions could not be loaded.'));
  }
}

async function instancesPage({ page, signal }) {
  page.append(pageTitle('Instances'),
    h('p', { class: 'lead' }, 'Your EC2 instances in every region. Instances of marketplace products carry the product\'s code, ',
      'which their software reads from the instance metadata.'));
  const slot = h('div', null, loading());
  page.append(slot);
  try {
    const [instances, subs] = await Promise.all([
      get('/amiplace/v1/instances', { signal }).then((r) => r?.Instances ?? []),
      get('/amiplace/v1/subscriptions', { signal }).then((r) => r?.Subscriptions ?? []).catch(() => []),
    ]);
    // Product codes → product titles, from the products this buyer subscribed to.
    const byCode = new Map();
    await Promise.all([...new Set(subs.map((s) => s.ProductId))].map(async (pid) => {
      try {
        const v = await get(`/amiplace/v1/products/${encodeURIComponent(pid)}`, { signal });
        if (v?.ProductCode) byCode.set(v.ProductCode, { id: pid, title: v.ProductTitle });
      } catch { /* not visible any more */ }
    }));
    replace(slot, dataTable({
      caption: 'Your instances', captionHidden: true, id: 'instances-table', empty: 'You have no instances.',
      columns: [
        { label: 'Instance', header: true, render: (i) => h('code', null, i.InstanceId) },
        { label: 'State', render: (i) => badge(i.State) },
        { label: 'Product codes', render: (i) => (i.ProductCodes ?? []).length
          ? h('ul', { class: 'plain' }, i.ProductCodes.map((c) => {
            const code = typeof c === 'string' ? c : c.ProductCodeId;
            const p = byCode.get(code);
            return h('li', null, h('code', { class: 'product-code' }, code), p ? h('a', { href: productHref(p.id) }, p.title) : null);
          }))
          : h('span', { class: 'muted' }, 'none') },
        { label: 'Image', render: (i) => h('code', null, i.ImageId) },
        { label: 'Region', class: 'nowrap', render: (i) => i.Region },
        { label: 'Type', class: 'nowrap', render: (i) => i.InstanceType },
        { label: 'Launched', class: 'nowrap', render: (i) => fmtTime(i.LaunchTime) },
      ],
      rows: instances,
    }));
  } catch (e) {
    if (e?.name !== 'AbortError') replace(slot, errorBox(e, 'Your instances could not be loaded.'));
  }
}

async function billPage({ page, query, signal, navigate }) {
  page.append(pageTitle('Bill'));
  const month = query.get('month') ?? '';
  const monthF = field({ label: 'Month', name: 'month', kind: 'month', id: 'bill-month', value: month,
    hint: 'YYYY-MM (UTC). Empty: the current month.', attrs: { pattern: '\\d{4}-\\d{2}', placeholder: 'YYYY-MM' } });
  const form = h('form', { class: 'inline-form', 'aria-label': 'Choose the month', novalidate: true },
    monthF, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(`#/bill${qs({ month: monthF.control.value.trim() })}`);
  });
  const slot = h('div', null, loading());
  page.append(form, slot);
  try {
    const bill = await get(`/amiplace/v1/bill${qs({ month })}`, { signal });
    if (!monthF.control.value) monthF.control.value = bill.Month ?? '';
    const titles = new Map(await Promise.all([...new Set((bill.Lines ?? []).map((l) => l.ProductId))].map(async (pid) =>
      [pid, await get(`/amiplace/v1/products/${encodeURIComponent(pid)}`, { signal }).then((v) => v.ProductTitle).catch(() => pid)])));
    const currency = bill.Lines?.[0]?.Currency ?? 'USD';
    replace(slot,
      h('p', { class: 'bill-total' }, `Total for ${bill.Month}: `, h('strong', { id: 'bill-total' }, fmtUsd(bill.Total ?? '0.00', currency))),
      dataTable({
        caption: `Bill for ${bill.Month}`, id: 'bill-table', empty: 'No charges this month.',
        columns: [
          { label: 'Product', header: true, render: (l) => h('a', { href: productHref(l.ProductId) }, titles.get(l.ProductId) ?? l.ProductId) },
          { label: 'Usage type', render: (l) => l.UsageType },
          { label: 'Quantity', class: 'num', render: (l) => `${l.Quantity} ${l.Unit ?? ''}` },
          { label: 'Amount', class: 'num', render: (l) => fmtUsd(l.Amount, l.Currency ?? currency) },
        ],
        rows: bill.Lines ?? [],
      }),
      (bill.Lines ?? []).length ? h('p', { class: 'hint' }, 'Every started hour of a running instance is billed; metered usage is billed as the software reports it.') : null);
  } catch (e) {
    if (e?.name !== 'AbortError') replace(slot, errorBox(e, 'The bill could not be loaded.'));
  }
}
