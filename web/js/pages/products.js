// The seller's products: the list with status badges, and one product's page (description,
// versions with their marketplace AMIs, regions, instance types, dimensions, pricing, allowlist,
// recent change requests, and the change requests that can be made from here).
import { h, replace } from '../dom.js';
import { get } from '../api.js';
import * as catalog from '../catalog.js';
import {
  badge, pageTitle, breadcrumbs, loading, errorBox, dataTable, facts, section, fmtTime, fmtDate, fmtUsd, linkButton,
} from '../ui.js';

export async function productsPage({ page, signal }) {
  page.append(pageTitle('Products'),
    h('div', { class: 'page-actions' }, linkButton('Create product', '#/products/new', { class: 'button-primary' })));
  const slot = h('div', null, loading('Loading your products…'));
  page.append(slot);
  let list;
  try {
    list = await catalog.listProducts({ signal });
  } catch (e) {
    if (e?.name === 'AbortError') return;
    replace(slot, errorBox(e, 'Your products could not be loaded.'));
    return;
  }
  const counts = {};
  for (const p of list) counts[p.Visibility] = (counts[p.Visibility] ?? 0) + 1;
  const summary = ['Public', 'Limited', 'Draft', 'Restricted'].filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`);
  replace(slot,
    h('p', { class: 'lead' }, list.length
      ? `${list.length} product${list.length === 1 ? '' : 's'}${summary.length ? ` (${summary.join(', ')})` : ''}.`
      : 'You have no products yet. Create one to start listing your AMI.'),
    list.length === 0 ? null : dataTable({
      caption: 'Your products',
      captionHidden: true,
      id: 'products-table',
      columns: [
        { label: 'Product', header: true, render: (p) => h('span', { class: 'title-with-badge' },
          h('a', { href: `#/products/${encodeURIComponent(p.EntityId)}` }, p.Name || '(untitled product)'), ' ', badge(p.Visibility)) },
        { label: 'Product ID', render: (p) => h('code', null, p.EntityId) },
        { label: 'Last modified', render: (p) => fmtTime(p.LastModifiedDate) },
      ],
      rows: list,
    }));
}

// ---------------------------------------------------------------------------------------------

/**
 * Everything the product page and its forms need: {entity, doc, offer: {summary, doc}|null,
 * view (the buyer view with images per region)|null}. Throws the DescribeEntity error.
 */
export async function loadProduct(id, { signal, withOffer = true, withView = true } = {}) {
  const entity = await catalog.describeEntity(id, { signal });
  if (!String(entity.EntityType ?? '').startsWith('AmiProduct')) {
    const err = new Error(`${id} is not a product.`);
    err.status = 404;
    err.type = 'ResourceNotFoundException';
    throw err;
  }
  const doc = entity.DetailsDocument ?? JSON.parse(entity.Details ?? '{}');
  const [offer, view] = await Promise.all([
    withOffer ? loadOffer(id, signal).catch(() => null) : null,
    withView ? get(`/amiplace/v1/products/${encodeURIComponent(id)}`, { signal }).catch(() => null) : null,
  ]);
  return { entity, doc, offer, view };
}

async function loadOffer(productId, signal) {
  const offers = await catalog.offersOf(productId, { signal });
  if (!offers.length) return null;
  // The public offer: released first, else the newest draft.
  const summary = offers.find((o) => o.OfferSummary?.State === 'Released') ?? offers[0];
  const e = await catalog.describeEntity(summary.EntityId, { signal });
  return { summary, id: summary.EntityId, doc: e.DetailsDocument ?? JSON.parse(e.Details ?? '{}') };
}

/** The "not found" answer, the same whether the product is another seller's or does not exist. */
export function productNotFound(page, id) {
  replace(page,
    breadcrumbs([['Products', '#/products'], ['Not found']]),
    h('h1', { class: 'page-title', tabindex: '-1' }, 'Product not found'),
    h('div', { class: 'message message-error', role: 'alert', id: 'not-found' },
      h('p', null, `No product ${id} was found in your account.`)),
    h('p', null, h('a', { href: '#/products' }, 'Back to your products')));
  page.querySelector('h1').focus();
}

/** Loads product `id` for a page whose content goes in `body`; null, after showing why, when it
 *  cannot (not found: the not-found page; another failure: an error box). */
export async function loadProductInto(page, body, id, signal) {
  try {
    return await loadProduct(id, { signal });
  } catch (e) {
    if (e?.name === 'AbortError') return null;
    if (isNotFound(e)) { productNotFound(page, id); return null; }
    replace(body, errorBox(e, 'The product could not be loaded.'));
    return null;
  }
}

export function isNotFound(e) {
  return e?.status === 404 || e?.type === 'ResourceNotFoundException';
}

const ACTIONS = [
  ['info', 'Update information'],
  ['add-version', 'Add version'],
  ['add-regions', 'Add regions'],
  ['restrict-regions', 'Restrict regions'],
  ['add-instance-types', 'Add instance types'],
  ['restrict-instance-types', 'Restrict instance types'],
  ['pricing', 'Update pricing'],
  ['allowlist', 'Update allowlist'],
  ['release', 'Release'],
  ['visibility', 'Request visibility change'],
];

export const actionTitle = (action) => ACTIONS.find(([a]) => a === action)?.[1];

/** Which change requests fit a product in its state. */
export function actionsFor(visibility) {
  return ACTIONS.filter(([a]) => {
    if (a === 'release') return visibility === 'Draft';
    if (a === 'visibility') return visibility !== 'Draft';
    if (a === 'allowlist') return visibility !== 'Restricted';
    return true;
  });
}

/** [{VersionId → {region → ami}}] from the buyer view, for the marketplace AMIs per region. */
function imagesByVersion(view) {
  const m = new Map();
  for (const v of view?.Versions ?? []) m.set(v.VersionId, v.Images ?? {});
  return m;
}

function amiList(images) {
  const entries = Object.entries(images ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return '—';
  return h('ul', { class: 'plain ami-list' }, entries.map(([region, ami]) => h('li', null,
    h('span', { class: 'region' }, region), ' ', h('code', null, ami))));
}

/** FutureRegionSupport as stored: a string, {SupportedRegions: [...]}, or nothing. */
function futureRegions(v) {
  if (!v) return 'None';
  if (typeof v === 'string') return v;
  if (Array.isArray(v.SupportedRegions)) return v.SupportedRegions.join(', ');
  return JSON.stringify(v);
}

function chips(values, empty = 'None') {
  if (!values?.length) return h('span', { class: 'muted' }, empty);
  return h('ul', { class: 'chips' }, values.map((v) => h('li', null, v)));
}

export async function productPage({ page, params, signal, setTitle }) {
  const id = params.id;
  const heading = pageTitle('Product');
  page.append(breadcrumbs([['Products', '#/products'], [id]]), heading);
  const body = h('div', null, loading('Loading the product…'));
  page.append(body);
  const data = await loadProductInto(page, body, id, signal);
  if (!data) return;
  const { entity, doc, offer, view } = data;
  const d = doc.Description ?? {};
  const title = catalog.productTitle(doc);
  const visibility = catalog.visibilityOf(doc);
  setTitle(title);
  replace(heading, h('span', { class: 'title-text' }, title), ' ', badge(visibility));
  page.querySelector('.breadcrumbs li:last-child span').textContent = title;

  const actions = h('nav', { class: 'actions-nav', 'aria-label': 'Change requests for this product' },
    h('ul', null,
      actionsFor(visibility).map(([a, text]) => h('li', null,
        h('a', { class: 'button', href: `#/products/${encodeURIComponent(id)}/${a}` }, text))),
      h('li', null, h('a', { class: 'button button-secondary', href: `/amiplace/v1/plf/export?productId=${encodeURIComponent(id)}`,
        download: `${id}.xlsx` }, 'Download Product Load Form'))));

  const promo = doc.PromotionalResources ?? {};
  const overview = section('Overview', facts([
    ['Status', badge(visibility)],
    ['Product ID', h('code', null, id)],
    ['Product code', h('code', { id: 'product-code' }, d.ProductCode ?? '—')],
    ['Revision', entity.EntityIdentifier],
    ['Last modified', fmtTime(entity.LastModifiedDate)],
    ['SKU', d.Sku],
  ]));

  const description = section('Description', facts([
    ['Short description', d.ShortDescription],
    ['Long description', d.LongDescription ? h('p', { class: 'prewrap' }, d.LongDescription) : null],
    ['Highlights', d.Highlights?.length ? h('ul', { id: 'highlights' }, d.Highlights.map((x) => h('li', null, x))) : null],
    ['Categories', chips(d.Categories)],
    ['Search keywords', chips(d.SearchKeywords)],
    ['Logo URL', promo.LogoUrl],
    ['Videos', (promo.Videos ?? []).map((v) => v.Url).join(', ')],
    ['Additional resources', (promo.AdditionalResources ?? []).length
      ? h('ul', null, promo.AdditionalResources.map((r) => h('li', null, `${r.Text}: ${r.Url}`))) : null],
    ['Support', doc.SupportInformation?.Description],
  ]));

  const images = imagesByVersion(view);
  const versions = doc.Versions ?? [];
  const versionsSection = section('Versions',
    dataTable({
      caption: `Versions of ${title}`,
      captionHidden: true,
      id: 'versions-table',
      empty: visibility === 'Draft' ? 'No versions yet. Add the first version from one of your AMIs.' : 'No versions.',
      columns: [
        { label: 'Version', header: true, render: (v) => v.VersionTitle },
        { label: 'Status', render: (v) => badge(catalog.versionStatus(v)) },
        { label: 'Created', class: 'nowrap', render: (v) => fmtDate(v.CreationDate) },
        { label: 'Marketplace AMIs', render: (v) => amiList(images.get(v.Id)
          ?? Object.fromEntries((v.Sources ?? []).filter((s) => s.Image).map((s) => ['us-east-1', s.Image]))) },
        { label: 'Recommended type', render: (v) => v.DeliveryOptions?.[0]?.Recommendations?.InstanceType ?? '—' },
        { label: 'Release notes', render: (v) => h('span', { class: 'clamp' }, v.ReleaseNotes ?? '') },
        { label: 'Actions', render: (v) => h('span', { class: 'row-actions' },
          h('a', { href: `#/products/${encodeURIComponent(id)}/versions/${encodeURIComponent(v.Id)}/update`,
            'aria-label': `Update version ${v.VersionTitle}` }, 'Update'),
          catalog.versionStatus(v) === 'Available'
            ? h('a', { href: `#/products/${encodeURIComponent(id)}/versions/${encodeURIComponent(v.Id)}/restrict`,
              'aria-label': `Restrict version ${v.VersionTitle}` }, 'Restrict') : null) },
      ],
      rows: versions,
    }));

  const ra = doc.RegionAvailability ?? {};
  const compat = doc.Compatibility ?? {};
  const availability = section('Regions and instance types', facts([
    ['Regions', chips(ra.Regions)],
    ra.Restrict?.length ? ['Restricted regions', chips(ra.Restrict)] : null,
    ['Future regions', futureRegions(ra.FutureRegionSupport)],
    ['Instance types', chips(compat.AvailableInstanceTypes)],
    ['Restricted instance types', chips(compat.RestrictedInstanceTypes)],
  ]));

  const prices = new Map(catalog.usagePrices(offer?.doc).map((r) => [r.DimensionKey, r.Price]));
  const pricing = section('Dimensions and pricing',
    offer
      ? facts([
        ['Offer', h('code', null, offer.id)],
        ['Offer state', badge(offer.doc?.State ?? offer.summary?.OfferSummary?.State)],
        ['Pricing model', (offer.doc?.Terms ?? []).some((t) => t.Type === 'UsageBasedPricingTerm') ? 'Usage (hourly and metered)' : '—'],
      ])
      : h('p', { class: 'muted' }, 'No offer yet: Update pricing creates the product\'s public offer.'),
    dataTable({
      caption: 'Dimensions',
      id: 'dimensions-table',
      empty: 'No dimensions yet.',
      columns: [
        { label: 'Key', header: true, render: (x) => h('code', null, x.Key) },
        { label: 'Name', render: (x) => x.Name },
        { label: 'Unit', render: (x) => x.Unit },
        { label: 'Types', render: (x) => (x.Types ?? []).join(', ') },
        { label: 'Price (USD per unit)', class: 'num', render: (x) => prices.has(x.Key) ? fmtUsd(prices.get(x.Key)) : '—' },
      ],
      rows: doc.Dimensions ?? [],
    }));

  const buyers = doc.Targeting?.PositiveTargeting?.BuyerAccounts ?? [];
  const allowlist = section('Allowlist',
    h('p', { class: 'hint' }, 'Buyer accounts that can see and test the product while it is Limited.'),
    buyers.length ? h('ul', { class: 'chips', id: 'allowlist' }, buyers.map((b) => h('li', null, h('code', null, b))))
      : h('p', { class: 'muted' }, 'No buyer accounts.'));

  const recentSlot = h('div', null, loading('Loading change requests…'));
  const recent = section('Recent change requests', recentSlot,
    h('p', null, h('a', { href: `#/changes?entity=${encodeURIComponent(id)}` }, 'All change requests for this product')));

  replace(body, actions, h('div', { class: 'grid' }, overview, description), versionsSection,
    h('div', { class: 'grid' }, availability, allowlist), pricing, recent);

  try {
    const sets = (await catalog.listChangeSets({ entityId: id, maxPages: 1, signal })).slice(0, 5);
    replace(recentSlot, dataTable({
      caption: 'Recent change requests', captionHidden: true, empty: 'None yet.',
      columns: [
        { label: 'Change request', header: true, render: (c) => h('a', { href: `#/changes/${encodeURIComponent(c.ChangeSetId)}` }, c.ChangeSetName || c.ChangeSetId) },
        { label: 'Status', render: (c) => badge(c.Status) },
        { label: 'Started', render: (c) => fmtTime(c.StartTime) },
      ],
      rows: sets,
    }));
  } catch (e) {
    if (e?.name !== 'AbortError') replace(recentSlot, errorBox(e));
  }
}
