// The forms that submit change requests: create a product (with its public offer), and on an
// existing product update its information, add, update or restrict a version, add or restrict
// regions and instance types, update pricing, update the allowlist, release it, or ask for a
// visibility change. Every form sends one change set through the Catalog API and follows it.
import { h, replace, uid } from '../dom.js';
import { get } from '../api.js';
import * as catalog from '../catalog.js';
import { REGIONS, INSTANCE_TYPES, CATEGORIES, OPERATING_SYSTEMS, UNITS } from '../reference.js';
import {
  field, checkbox, group, changeRequestForm, FormProblem,
} from '../forms.js';
import { badge, pageTitle, breadcrumbs, loading, errorBox, infoBox } from '../ui.js';
import { loadProductInto, actionTitle } from './products.js';

const P_REF = '$CreateProductChange.Entity.Identifier';
const O_REF = '$CreateOfferChange.Entity.Identifier';

const trimmed = (el) => el.control.value.trim();
const listOf = (text) => text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// ---------------------------------------------------------------------------------------------
// Building blocks

/** The product information fields (UpdateInformation), prefilled from `doc`. */
function infoFields(doc, base) {
  const d = doc?.Description ?? {};
  const promo = doc?.PromotionalResources ?? {};
  const p = (k) => `${base}.${k}`;
  const f = {
    title: field({ label: 'Product title', name: 'ProductTitle', value: d.ProductTitle, required: true,
      path: p('ProductTitle'), hint: 'Up to 72 characters.' }),
    short: field({ label: 'Short description', name: 'ShortDescription', kind: 'textarea', value: d.ShortDescription,
      required: true, path: p('ShortDescription'), attrs: { rows: 2 } }),
    long: field({ label: 'Long description', name: 'LongDescription', kind: 'textarea', value: d.LongDescription,
      required: true, path: p('LongDescription'), attrs: { rows: 5 } }),
    sku: field({ label: 'SKU', name: 'Sku', value: d.Sku, path: p('Sku'), hint: 'Optional: your own stock-keeping unit.' }),
    logo: field({ label: 'Logo URL', name: 'LogoUrl', kind: 'url', value: promo.LogoUrl, required: true, path: p('LogoUrl'),
      hint: 'An https:// address of the product\'s logo.' }),
    video: field({ label: 'Video URL', name: 'VideoUrl', kind: 'url', value: promo.Videos?.[0]?.Url, path: p('VideoUrls'),
      hint: 'Optional: an https:// address of a product video.' }),
    highlights: [0, 1, 2].map((i) => field({ label: `Highlight ${i + 1}`, name: `Highlight${i}`, value: d.Highlights?.[i],
      required: i === 0, path: p(`Highlights[${i}]`) })),
    categories: [0, 1, 2].map((i) => field({ label: `Category ${i + 1}`, name: `Category${i}`, kind: 'select',
      value: d.Categories?.[i] ?? '', required: i === 0, path: p(`Categories[${i}]`),
      options: [['', i === 0 ? 'Choose a category' : '(none)'], ...CATEGORIES] })),
    keywords: field({ label: 'Search keywords', name: 'SearchKeywords', value: (d.SearchKeywords ?? []).join(', '),
      required: true, path: p('SearchKeywords'), hint: 'Separated by commas: up to 15, 250 characters in all.' }),
    resText: field({ label: 'Resource title', name: 'ResourceText', value: promo.AdditionalResources?.[0]?.Text,
      path: p('AdditionalResources[0].Text') }),
    resUrl: field({ label: 'Resource URL', name: 'ResourceUrl', kind: 'url', value: promo.AdditionalResources?.[0]?.Url,
      path: p('AdditionalResources[0].Url') }),
    support: field({ label: 'Support description', name: 'SupportDescription', kind: 'textarea',
      value: doc?.SupportInformation?.Description, required: true, path: p('SupportDescription'), attrs: { rows: 3 },
      hint: 'How buyers get support: contacts, hours, what is covered.' }),
  };
  const nodes = [
    f.title, f.short, f.long,
    group({ legend: 'Highlights', path: p('Highlights'), hint: 'One to three short points buyers see first.', children: f.highlights }),
    group({ legend: 'Categories', path: p('Categories'), cls: 'inline-fields', children: f.categories }),
    f.keywords, f.logo, f.video,
    group({ legend: 'Additional resource', path: p('AdditionalResources'), hint: 'Optional: a link to documentation.', cls: 'inline-fields',
      children: [f.resText, f.resUrl] }),
    f.support, f.sku,
  ];
  /** The full UpdateInformation document from the fields. */
  const read = () => {
    const out = {
      ProductTitle: trimmed(f.title),
      ShortDescription: trimmed(f.short),
      LongDescription: trimmed(f.long),
      LogoUrl: trimmed(f.logo),
      Highlights: f.highlights.map(trimmed).filter(Boolean),
      AdditionalResources: trimmed(f.resText) || trimmed(f.resUrl) ? [{ Text: trimmed(f.resText), Url: trimmed(f.resUrl) }] : [],
      SupportDescription: trimmed(f.support),
      Categories: [...new Set(f.categories.map((c) => c.control.value).filter(Boolean))],
      SearchKeywords: listOf(f.keywords.control.value),
    };
    if (trimmed(f.sku)) out.Sku = trimmed(f.sku);
    if (trimmed(f.video)) out.VideoUrls = [trimmed(f.video)];
    return out;
  };
  /** Only what differs from `doc` (an update overwrites just those fields). */
  const changed = () => {
    const now = read();
    const before = {
      ProductTitle: d.ProductTitle ?? '', ShortDescription: d.ShortDescription ?? '', LongDescription: d.LongDescription ?? '',
      LogoUrl: promo.LogoUrl ?? '', Highlights: d.Highlights ?? [],
      AdditionalResources: (promo.AdditionalResources ?? []).slice(0, 1).map((r) => ({ Text: r.Text, Url: r.Url })),
      SupportDescription: doc?.SupportInformation?.Description ?? '', Categories: d.Categories ?? [],
      SearchKeywords: d.SearchKeywords ?? [],
    };
    const out = {};
    for (const k of Object.keys(before)) if (!same(now[k], before[k])) out[k] = now[k];
    if ((now.Sku ?? null) !== (d.Sku ?? null)) out.Sku = now.Sku ?? null;
    const videoBefore = (promo.Videos ?? []).map((v) => v.Url).slice(0, 1);
    if (!same(now.VideoUrls ?? [], videoBefore)) out.VideoUrls = now.VideoUrls ?? [];
    return out;
  };
  return { nodes, read, changed, fields: f };
}

/** A group of checkboxes; .values() gives the checked ones. */
function checkGroup({ legend, name, values, checked = new Set(), path, hint, cls = 'check-grid', empty }) {
  const boxes = values.map((v) => checkbox({ label: v, name, value: v, checked: checked.has(v) }));
  const fs = group({ legend, path, hint, cls, children: boxes.length ? boxes : h('p', { class: 'muted' }, empty ?? 'Nothing to choose.') });
  fs.values = () => boxes.filter((b) => b.control.checked).map((b) => b.control.value);
  return fs;
}

/** Instance types, each with a checkbox and an hourly price. */
function typePriceGroup({ legend, types, checked = new Set(), prices = {}, path, hint }) {
  const rows = types.map((t) => {
    const box = checkbox({ label: t, name: 'InstanceType', value: t, checked: checked.has(t) });
    const price = field({ label: `Hourly price for ${t} (USD)`, name: `Price-${t}`, value: prices[t] ?? '',
      attrs: { inputmode: 'decimal', autocomplete: 'off', placeholder: '0.00' } });
    price.classList.add('price-field');
    price.control.disabled = !box.control.checked;
    box.control.addEventListener('change', () => {
      price.control.disabled = !box.control.checked;
      if (box.control.checked && !price.control.value) price.control.focus();
    });
    return { type: t, box, price, row: h('div', { class: 'type-price' }, box, price) };
  });
  const fs = group({ legend, path, hint, cls: 'type-price-grid', children: rows.map((r) => r.row) });
  fs.selected = () => rows.filter((r) => r.box.control.checked);
  return fs;
}

/** A price must be a plain decimal (up to 8 places). */
function checkPrice(holder, value, what) {
  if (!/^\d+(\.\d{1,8})?$/.test(value)) throw new FormProblem(`Enter ${what} as a number like 0.12.`, holder);
  return value;
}

function productCrumbs(id, title, action) {
  return breadcrumbs([['Products', '#/products'], [title, `#/products/${encodeURIComponent(id)}`], [action]]);
}

/**
 * Scaffolding of a form page on an existing product: heading, breadcrumbs, loading, not-found.
 * `build(ctx)` returns {intro?, fields: [nodes], submitLabel, changes: () => {changes, name}}.
 */
async function productFormPage({ page, params, signal, setTitle }, actionName, build) {
  const id = params.id;
  const heading = pageTitle(actionName);
  page.append(breadcrumbs([['Products', '#/products'], [id, `#/products/${encodeURIComponent(id)}`], [actionName]]), heading);
  const body = h('div', null, loading());
  page.append(body);
  const data = await loadProductInto(page, body, id, signal);
  if (!data) return;
  const title = catalog.productTitle(data.doc);
  setTitle(`${actionName}: ${title}`);
  replace(heading, `${actionName}: `, h('span', { class: 'title-text' }, title), ' ', badge(catalog.visibilityOf(data.doc)));
  page.querySelector('.breadcrumbs').replaceWith(productCrumbs(id, title, actionName));
  let spec;
  try {
    spec = await build({ ...data, id, title, signal });
  } catch (e) {
    if (e?.name === 'AbortError') return;
    replace(body, errorBox(e));
    return;
  }
  if (spec.unavailable) { replace(body, infoBox(h('p', null, spec.unavailable)), backLink(id, title)); return; }
  const headingId = uid('form-title');
  heading.id = headingId;
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', class: spec.danger ? 'button-danger' : 'button-primary' }, spec.submitLabel);
  const form = h('form', { class: 'change-form', 'aria-labelledby': headingId, dataset: { path: spec.formPath ?? '' } },
    h('div', { class: 'form-errors', tabindex: '-1' }), spec.fields, h('div', { class: 'actions' }, submit,
      h('a', { href: `#/products/${encodeURIComponent(id)}`, class: 'button button-secondary' }, 'Back to the product')));
  replace(body, spec.intro ? h('div', { class: 'intro' }, spec.intro) : null, form, status);
  changeRequestForm(form, {
    build: spec.changes, statusEl: status, signal,
    onDone: (d) => {
      if (d.Status === 'SUCCEEDED' || d.Status === 'APPLYING') status.append(backLink(id, title));
    },
  });
}

function backLink(id, title) {
  return h('p', null, h('a', { href: `#/products/${encodeURIComponent(id)}`, class: 'back-link' }, `Back to ${title}`));
}

// ---------------------------------------------------------------------------------------------
// Create a product (and its public offer): AWS's own sample change set, without the version.

export async function createProductPage({ page, signal }) {
  const heading = pageTitle('Create product');
  heading.id = 'create-title';
  page.append(breadcrumbs([['Products', '#/products'], ['Create product']]), heading,
    h('p', { class: 'lead' }, 'Creates a Draft product with its information, regions, instance types and hourly prices, ',
      'and its public offer. Add a version next, then release it to Limited.'));
  const S = (i) => `ChangeSet[${i}].DetailsDocument`;
  // Change order: 0 CreateProduct, 1 UpdateInformation, 2 AddRegions, 3 AddInstanceTypes,
  // 4 AddDimensions, 5 CreateOffer, 6 offer UpdateInformation, 7 UpdatePricingTerms,
  // 8 UpdateLegalTerms, 9 UpdateSupportTerms, 10 UpdateTargeting (when an allowlist is given).
  const info = infoFields(null, S(1));
  info.fields.title.dataset.path += ` ${S(0)}.ProductTitle`;
  const regions = checkGroup({ legend: 'Regions', name: 'Region', values: REGIONS, checked: new Set(['us-east-1']),
    path: `${S(2)}.Regions ChangeSet[2]`, hint: 'Where buyers can launch the product. The marketplace copies every version\'s AMI into each.' });
  const types = typePriceGroup({ legend: 'Instance types and hourly prices', types: INSTANCE_TYPES,
    checked: new Set(), path: `${S(3)}.InstanceTypes ChangeSet[3] ChangeSet[4] ChangeSet[7]`,
    hint: 'Buyers pay the hourly price for every started hour an instance runs (USD). Use 0 for free.' });
  const refund = field({ label: 'Refund policy', name: 'RefundPolicy', kind: 'textarea', required: true, attrs: { rows: 2 },
    value: '', path: `${S(9)}.Terms[0].RefundPolicy ChangeSet[9]`, hint: 'Shown to buyers with the offer.' });
  const allowlist = field({ label: 'Allowlist: buyer account IDs', name: 'BuyerAccounts', kind: 'textarea', attrs: { rows: 2 },
    path: `${S(10)}.PositiveTargeting.BuyerAccounts ChangeSet[10]`,
    hint: 'Optional: 12-digit accounts that may see and test the product while it is Limited, one a line or separated by commas.' });
  const status = h('div', { class: 'form-status' });
  const form = h('form', { class: 'change-form', 'aria-labelledby': 'create-title' },
    h('div', { class: 'form-errors', tabindex: '-1' }),
    h('fieldset', { class: 'section-fieldset' }, h('legend', null, 'Product information'), info.nodes),
    h('fieldset', { class: 'section-fieldset' }, h('legend', null, 'Availability and pricing'), regions, types),
    h('fieldset', { class: 'section-fieldset', dataset: { path: 'ChangeSet[5] ChangeSet[6] ChangeSet[8]' } },
      h('legend', null, 'Offer'), h('p', { class: 'field-error', hidden: true }),
      h('p', { class: 'hint' }, 'The public offer uses the Standard Contract for AWS Marketplace (2022-07-14) as its EULA.'),
      refund, allowlist),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Create product')));
  page.append(form, status);

  changeRequestForm(form, {
    statusEl: status, signal,
    build: () => {
      const doc = info.read();
      const picked = types.selected();
      if (!picked.length) throw new FormProblem('Choose at least one instance type.', types);
      const rateCard = picked.map((r, i) => {
        r.price.dataset.path = `${S(7)}.Terms[0].RateCards[0].RateCard[${i}]`;
        return { DimensionKey: r.type, Price: checkPrice(r.price, r.price.control.value.trim(), `the hourly price for ${r.type}`) };
      });
      const instanceTypes = picked.map((r) => r.type);
      const title = doc.ProductTitle;
      const changes = [
        catalog.productChange('CreateProduct', null, { ProductTitle: title }, 'CreateProductChange'),
        catalog.productChange('UpdateInformation', P_REF, doc),
        catalog.productChange('AddRegions', P_REF, { Regions: regions.values() }),
        catalog.productChange('AddInstanceTypes', P_REF, { InstanceTypes: instanceTypes }),
        catalog.productChange('AddDimensions', P_REF, instanceTypes.map(catalog.hourlyDimension)),
        catalog.offerChange('CreateOffer', null, { ProductId: P_REF }, 'CreateOfferChange'),
        catalog.offerChange('UpdateInformation', O_REF, { Name: `${title || 'Product'} offer`.slice(0, 150),
          Description: `Hourly pricing for ${title || 'the product'}`.slice(0, 255) }),
        catalog.offerChange('UpdatePricingTerms', O_REF, catalog.usagePricing(rateCard)),
        catalog.offerChange('UpdateLegalTerms', O_REF, catalog.standardEula),
        catalog.offerChange('UpdateSupportTerms', O_REF, catalog.supportTerms(refund.control.value.trim())),
      ];
      const buyers = listOf(allowlist.control.value);
      if (buyers.length) {
        changes.push(catalog.productChange('UpdateTargeting', P_REF, { PositiveTargeting: { BuyerAccounts: buyers } }));
      }
      return { changes, name: `Create product ${title}` };
    },
    onDone: (d) => {
      if (d.Status !== 'SUCCEEDED') return;
      const created = d.ChangeSet.find((c) => c.ChangeType === 'CreateProduct')?.Entity?.Identifier?.split('@')[0];
      if (created) {
        const link = h('a', { href: `#/products/${encodeURIComponent(created)}`, class: 'button button-primary', id: 'open-created' },
          `Open ${d.ChangeSet[1]?.DetailsDocument?.ProductTitle ?? created}`);
        status.append(h('p', null, link));
        link.focus();
      }
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Change requests on an existing product

const S0 = 'ChangeSet[0].DetailsDocument';

const BUILDERS = {
  info: ({ doc, id }) => {
    const info = infoFields(doc, S0);
    return {
      intro: h('p', null, 'The current details are loaded; what you change overwrites them.'),
      fields: info.nodes,
      submitLabel: 'Submit change request',
      changes: () => {
        // A product's first information must be complete (AWS's MISSING_DATA rule): until it is,
        // every field is sent, so that an empty one is named beside its input.
        const d = doc.Description ?? {};
        const incomplete = !d.ProductTitle || !d.ShortDescription || !d.LongDescription || !d.Highlights?.length
          || !d.Categories?.length || !d.SearchKeywords?.length || !doc.PromotionalResources?.LogoUrl
          || !doc.SupportInformation?.Description;
        const changed = incomplete ? info.read() : info.changed();
        if (!Object.keys(changed).length) throw new Error('Nothing has changed: edit a field first.');
        return { changes: [catalog.productChange('UpdateInformation', id, changed)], name: 'Update product information' };
      },
    };
  },

  'add-version': async ({ doc, id, signal, entity }) => {
    const B = `${S0}.DeliveryOptions[0].Details.AmiDeliveryOptionDetails`;
    const account = (entity.EntityArn ?? '').split(':')[4] || '123456789012';
    let images = null;
    try {
      images = ((await get('/amiplace/v1/images', { signal }))?.Images ?? [])
        .filter((i) => (i.Region ?? 'us-east-1') === 'us-east-1' && (i.State ?? 'available') === 'available' && !(i.ProductCodes ?? []).length);
    } catch (e) {
      if (e?.name === 'AbortError') throw e;
      images = null;
    }
    const ami = images
      ? field({ label: 'Amazon Machine Image', name: 'AmiId', kind: 'select', required: true, path: `${B}.AmiSource.AmiId`,
        hint: 'One of your own images in us-east-1 (registered with EC2 RegisterImage). The marketplace copies and scans it.',
        options: [['', images.length ? 'Choose an image' : 'No images available'],
          ...images.map((i) => [i.ImageId, `${i.Name || i.ImageId} (${i.ImageId})`])] })
      : field({ label: 'AMI ID', name: 'AmiId', required: true, path: `${B}.AmiSource.AmiId`,
        hint: 'One of your own images in us-east-1, like ami-0123456789abcdef0.' });
    const available = doc.Compatibility?.AvailableInstanceTypes ?? [];
    const f = {
      title: field({ label: 'Version title', name: 'VersionTitle', required: true, path: `${S0}.Version.VersionTitle`,
        hint: 'Unique within the product, like 1.1.0.' }),
      notes: field({ label: 'Release notes', name: 'ReleaseNotes', kind: 'textarea', required: true, path: `${S0}.Version.ReleaseNotes` }),
      ami,
      role: field({ label: 'Access role ARN', name: 'AccessRoleArn', required: true, path: `${B}.AmiSource.AccessRoleArn`,
        value: `arn:aws:iam::${account}:role/AWSMarketplaceAmiIngestion`, hint: 'The role the marketplace uses to read the image.' }),
      os: field({ label: 'Operating system', name: 'OperatingSystemName', kind: 'select', required: true,
        path: `${B}.AmiSource.OperatingSystemName`, value: 'AMAZONLINUX', options: OPERATING_SYSTEMS }),
      osVersion: field({ label: 'Operating system version', name: 'OperatingSystemVersion', required: true, value: '2023',
        path: `${B}.AmiSource.OperatingSystemVersion` }),
      user: field({ label: 'User name', name: 'UserName', required: true, value: 'ec2-user', path: `${B}.AmiSource.UserName`,
        hint: 'The user buyers sign in as.' }),
      port: field({ label: 'Scanning port', name: 'ScanningPort', kind: 'number', value: '22', path: `${B}.AmiSource.ScanningPort`,
        attrs: { min: 1, max: 65535 } }),
      usage: field({ label: 'Usage instructions', name: 'UsageInstructions', kind: 'textarea', required: true,
        path: `${B}.UsageInstructions`, value: 'Connect with SSH as ec2-user.' }),
      recommended: field({ label: 'Recommended instance type', name: 'RecommendedInstanceType', kind: 'select', required: true,
        path: `${B}.RecommendedInstanceType`, value: available[0], options: available.length ? available : INSTANCE_TYPES }),
      proto: field({ label: 'Protocol', name: 'IpProtocol', kind: 'select', value: 'tcp', options: ['tcp', 'udp'],
        path: `${B}.SecurityGroups[0].IpProtocol` }),
      from: field({ label: 'From port', name: 'FromPort', kind: 'number', value: '22', path: `${B}.SecurityGroups[0].FromPort`,
        attrs: { min: 1, max: 65535 } }),
      to: field({ label: 'To port', name: 'ToPort', kind: 'number', value: '22', path: `${B}.SecurityGroups[0].ToPort`,
        attrs: { min: 1, max: 65535 } }),
      cidr: field({ label: 'Source CIDR', name: 'IpRanges', value: '0.0.0.0/0', path: `${B}.SecurityGroups[0].IpRanges` }),
    };
    const num = (el) => { const n = Number(el.control.value); return Number.isFinite(n) && el.control.value !== '' ? n : el.control.value; };
    return {
      intro: h('p', null, 'A new version is published to everyone who can see the product as soon as the change succeeds.'),
      fields: [
        group({ legend: 'Version', children: [f.title, f.notes] }),
        group({ legend: 'Image', path: `${B}.AmiSource`, children: [f.ami, f.role, f.os, f.osVersion, f.user, f.port] }),
        group({ legend: 'Using it', path: B, children: [f.usage, f.recommended] }),
        group({ legend: 'Security group rule', path: `${B}.SecurityGroups ${B}.SecurityGroups[0]`, cls: 'inline-fields',
          hint: 'The inbound rule buyers\' instances get.', children: [f.proto, f.from, f.to, f.cidr] }),
      ],
      formPath: 'ChangeSet[0]',
      submitLabel: 'Add version',
      changes: () => {
        if (!f.ami.control.value.trim()) throw new FormProblem('Choose the image of the new version.', f.ami);
        const source = {
          AmiId: f.ami.control.value.trim(), AccessRoleArn: trimmed(f.role), UserName: trimmed(f.user),
          OperatingSystemName: f.os.control.value, OperatingSystemVersion: trimmed(f.osVersion),
        };
        if (f.port.control.value !== '') source.ScanningPort = num(f.port);
        return {
          changes: [catalog.productChange('AddDeliveryOptions', id, {
            Version: { VersionTitle: trimmed(f.title), ReleaseNotes: trimmed(f.notes) },
            DeliveryOptions: [{ Details: { AmiDeliveryOptionDetails: {
              AmiSource: source,
              UsageInstructions: trimmed(f.usage),
              RecommendedInstanceType: f.recommended.control.value,
              SecurityGroups: [{ IpProtocol: f.proto.control.value, FromPort: num(f.from), ToPort: num(f.to), IpRanges: listOf(f.cidr.control.value) }],
            } } }],
          })],
          name: `Add version ${trimmed(f.title)}`,
        };
      },
    };
  },

  'add-regions': ({ doc, id }) => {
    const have = new Set(doc.RegionAvailability?.Regions ?? []);
    const g = checkGroup({ legend: 'Regions to add', name: 'Region', values: REGIONS.filter((r) => !have.has(r)),
      path: `${S0}.Regions ChangeSet[0]`, hint: 'The marketplace copies every version\'s AMI into each new region.' });
    return {
      fields: [g], submitLabel: 'Add regions',
      changes: () => {
        const regions = g.values();
        if (!regions.length) throw new FormProblem('Choose at least one region.', g);
        return { changes: [catalog.productChange('AddRegions', id, { Regions: regions })], name: `Add regions ${regions.join(' ')}` };
      },
    };
  },

  'restrict-regions': ({ doc, id }) => {
    const g = checkGroup({ legend: 'Regions to restrict', name: 'Region', values: doc.RegionAvailability?.Regions ?? [],
      path: `${S0}.Regions ChangeSet[0]`, empty: 'The product has no regions.',
      hint: 'New buyers can no longer launch the product there; existing buyers keep their instances.' });
    return {
      fields: [g], submitLabel: 'Restrict regions', danger: true,
      changes: () => {
        const regions = g.values();
        if (!regions.length) throw new FormProblem('Choose at least one region.', g);
        return { changes: [catalog.productChange('RestrictRegions', id, { Regions: regions })], name: `Restrict regions ${regions.join(' ')}` };
      },
    };
  },

  'add-instance-types': ({ doc, id, offer }) => {
    const have = new Set(doc.Compatibility?.AvailableInstanceTypes ?? []);
    const hourly = (doc.Dimensions ?? []).some((x) => (x.Types ?? []).includes('Metered'));
    const g = typePriceGroup({ legend: 'Instance types to add', types: INSTANCE_TYPES.filter((t) => !have.has(t)),
      path: `${S0}.InstanceTypes ChangeSet[0] ChangeSet[1] ChangeSet[2]`,
      hint: hourly || !(doc.Dimensions ?? []).length ? 'Each new type gets an hourly price (USD).' : 'Prices are ignored: the product is not priced by the hour.' });
    return {
      fields: [g], submitLabel: 'Add instance types',
      changes: () => {
        const picked = g.selected();
        if (!picked.length) throw new FormProblem('Choose at least one instance type.', g);
        const types = picked.map((r) => r.type);
        const changes = [catalog.productChange('AddInstanceTypes', id, { InstanceTypes: types })];
        if (hourly || !(doc.Dimensions ?? []).length) {
          const existing = new Set((doc.Dimensions ?? []).map((x) => x.Key));
          const newDims = types.filter((t) => !existing.has(t));
          if (newDims.length) changes.push(catalog.productChange('AddDimensions', id, newDims.map(catalog.hourlyDimension)));
          if (offer) {
            const card = catalog.usagePrices(offer.doc).filter((r) => !types.includes(r.DimensionKey));
            const base = card.length;
            picked.forEach((r, i) => {
              r.price.dataset.path = `ChangeSet[${changes.length}].DetailsDocument.Terms[0].RateCards[0].RateCard[${base + i}]`;
              card.push({ DimensionKey: r.type, Price: checkPrice(r.price, r.price.control.value.trim(), `the hourly price for ${r.type}`) });
            });
            changes.push(catalog.offerChange('UpdatePricingTerms', offer.id, catalog.usagePricing(card)));
          }
        }
        return { changes, name: `Add instance types ${types.join(' ')}` };
      },
    };
  },

  'restrict-instance-types': ({ doc, id }) => {
    const g = checkGroup({ legend: 'Instance types to restrict', name: 'InstanceType', values: doc.Compatibility?.AvailableInstanceTypes ?? [],
      path: `${S0}.InstanceTypes ChangeSet[0] ChangeSet[1]`, empty: 'The product has no instance types.',
      hint: 'New launches on these types stop; their hourly dimensions are restricted with them.' });
    return {
      fields: [g], submitLabel: 'Restrict instance types', danger: true,
      changes: () => {
        const types = g.values();
        if (!types.length) throw new FormProblem('Choose at least one instance type.', g);
        const changes = [catalog.productChange('RestrictInstanceTypes', id, { InstanceTypes: types })];
        const dims = (doc.Dimensions ?? []).filter((x) => types.includes(x.Key) && (x.Types ?? []).includes('Metered'));
        if (dims.length) changes.push(catalog.productChange('RestrictDimensions', id, dims.map((x) => ({ Key: x.Key, Types: x.Types }))));
        return { changes, name: `Restrict instance types ${types.join(' ')}` };
      },
    };
  },

  pricing: ({ doc, id, offer, title }) => {
    const priced = (doc.Dimensions ?? []).filter((x) => (x.Types ?? []).some((t) => t === 'Metered' || t === 'ExternallyMetered'));
    const current = new Map(catalog.usagePrices(offer?.doc).map((r) => [r.DimensionKey, r.Price]));
    const rows = priced.map((x) => ({ key: x.Key, f: field({ label: `Price for ${x.Key} (USD per ${x.Unit === 'Hrs' ? 'hour' : x.Unit})`,
      name: `Price-${x.Key}`, value: current.get(x.Key) ?? '', required: true, attrs: { inputmode: 'decimal', autocomplete: 'off' } }) }));
    const newKey = field({ label: 'Key', name: 'NewKey', hint: 'Letters, digits, _ . -' });
    const newName = field({ label: 'Name', name: 'NewName' });
    const newDesc = field({ label: 'Description', name: 'NewDescription' });
    const newUnit = field({ label: 'Unit', name: 'NewUnit', kind: 'select', value: 'Units', options: UNITS });
    const newPrice = field({ label: 'Price (USD per unit)', name: 'NewPrice', attrs: { inputmode: 'decimal', autocomplete: 'off' } });
    const newGroup = group({ legend: 'New metered dimension (optional)', cls: 'inline-fields',
      hint: 'Usage your software reports with the Metering Service (MeterUsage), like users or requests.',
      children: [newKey, newName, newDesc, newUnit, newPrice] });
    const refund = offer ? null : field({ label: 'Refund policy', name: 'RefundPolicy', kind: 'textarea', required: true, attrs: { rows: 2 } });
    const pricesGroup = group({ legend: 'Prices', children: rows.length ? rows.map((r) => r.f) : h('p', { class: 'muted' }, 'No priced dimensions yet.') });
    return {
      intro: h('p', null, offer
        ? `Replaces the prices of the public offer ${offer.id}. Buyers are billed at the new prices.`
        : 'The product has no offer yet: this creates its public offer with these prices.'),
      fields: [pricesGroup, newGroup, refund],
      submitLabel: 'Update pricing',
      changes: () => {
        const changes = [];
        const card = rows.map((r) => ({ DimensionKey: r.key, Price: checkPrice(r.f, r.f.control.value.trim(), `the price for ${r.key}`) }));
        const key = trimmed(newKey);
        if (key) {
          const base = `ChangeSet[${changes.length}].DetailsDocument[0]`;
          newKey.dataset.path = `${base}.Key`; newName.dataset.path = `${base}.Name`;
          newDesc.dataset.path = `${base}.Description`; newUnit.dataset.path = `${base}.Unit`;
          newGroup.dataset.path = `ChangeSet[${changes.length}]`;
          changes.push(catalog.productChange('AddDimensions', id, [{ Key: key, Name: trimmed(newName) || key,
            Description: trimmed(newDesc) || key, Unit: newUnit.control.value, Types: ['ExternallyMetered'] }]));
          card.push({ DimensionKey: key, Price: checkPrice(newPrice, trimmed(newPrice), `the price for ${key}`) });
        }
        if (!card.length) throw new Error('There is nothing to price: add a dimension.');
        let target = offer?.id;
        if (!offer) {
          changes.push(catalog.offerChange('CreateOffer', null, { ProductId: id }, 'CreateOfferChange'),
            catalog.offerChange('UpdateInformation', O_REF, { Name: `${title} offer`.slice(0, 150), Description: `Pricing for ${title}`.slice(0, 255) }));
          target = O_REF;
        }
        const at = changes.length;
        rows.forEach((r, i) => { r.f.dataset.path = `ChangeSet[${at}].DetailsDocument.Terms[0].RateCards[0].RateCard[${i}]`; });
        if (key) newPrice.dataset.path = `ChangeSet[${at}].DetailsDocument.Terms[0].RateCards[0].RateCard[${rows.length}]`;
        pricesGroup.dataset.path = `ChangeSet[${at}]`;
        changes.push(catalog.offerChange('UpdatePricingTerms', target, catalog.usagePricing(card)));
        if (!offer) {
          changes.push(catalog.offerChange('UpdateLegalTerms', O_REF, catalog.standardEula));
          refund.dataset.path = `ChangeSet[${changes.length}].DetailsDocument.Terms[0].RefundPolicy ChangeSet[${changes.length}]`;
          changes.push(catalog.offerChange('UpdateSupportTerms', O_REF, catalog.supportTerms(trimmed(refund))));
        }
        return { changes, name: 'Update pricing' };
      },
    };
  },

  allowlist: ({ doc, id }) => {
    const f = field({ label: 'Buyer account IDs', name: 'BuyerAccounts', kind: 'textarea', attrs: { rows: 4 },
      value: (doc.Targeting?.PositiveTargeting?.BuyerAccounts ?? []).join('\n'),
      path: `${S0}.PositiveTargeting.BuyerAccounts ChangeSet[0]`,
      hint: '12-digit account IDs, one a line. They can see and subscribe to the product while it is Limited.' });
    return {
      fields: [f], submitLabel: 'Update allowlist',
      changes: () => ({ changes: [catalog.productChange('UpdateTargeting', id,
        { PositiveTargeting: { BuyerAccounts: listOf(f.control.value) } })], name: 'Update allowlist' }),
    };
  },

  release: ({ doc, id, offer }) => {
    if (catalog.visibilityOf(doc) !== 'Draft') return { unavailable: 'Only a Draft product can be released.' };
    const d = doc.Description ?? {};
    const checks = [
      ['Product information', !!(d.ProductTitle && d.ShortDescription && d.LongDescription && d.Highlights?.length
        && d.Categories?.length && d.SearchKeywords?.length && doc.PromotionalResources?.LogoUrl && doc.SupportInformation?.Description)],
      ['At least one version', (doc.Versions ?? []).length > 0],
      ['Dimensions', (doc.Dimensions ?? []).length > 0],
      ['A public offer with prices', !!offer && catalog.usagePrices(offer.doc).length > 0],
    ];
    return {
      intro: [h('p', null, 'Releasing makes the product Limited: you and the buyer accounts on its allowlist can see it, ',
        'subscribe to it and launch it to test it. Ask for Public visibility afterwards.'),
      h('ul', { class: 'checklist' }, checks.map(([text, ok]) => h('li', { class: ok ? 'ok' : 'missing' },
        h('span', { class: 'check-word' }, ok ? 'Done' : 'Missing'), ' ', text)))],
      fields: [h('div', { class: 'field', dataset: { path: 'ChangeSet[0] ChangeSet[1]' } }, h('p', { class: 'field-error', hidden: true }))],
      submitLabel: 'Release to Limited',
      changes: () => {
        const changes = [catalog.productChange('ReleaseProduct', id, {})];
        if (offer && offer.doc?.State !== 'Released') changes.push(catalog.offerChange('ReleaseOffer', offer.id, {}));
        return { changes, name: 'Release product' };
      },
    };
  },

  visibility: async ({ doc, id, signal }) => {
    const now = catalog.visibilityOf(doc);
    if (now === 'Draft') return { unavailable: 'Release the product to Limited first; visibility changes start from Limited.' };
    const TARGETS = {
      Public: 'Every buyer can find it, subscribe and launch it.',
      Limited: 'Only you and the buyer accounts on the allowlist see it.',
      Restricted: 'No new subscriptions; existing subscribers keep using it. This is how a product is removed.',
    };
    const targets = Object.keys(TARGETS).filter((t) => t !== now);
    const name = uid('target');
    const radios = targets.map((t, i) => {
      const rid = uid('vis');
      const input = h('input', { type: 'radio', name, id: rid, value: t, checked: i === 0 });
      return h('div', { class: 'check' }, input, h('label', { for: rid }, h('strong', null, t), ` — ${TARGETS[t]}`));
    });
    const fs = group({ legend: 'New visibility', path: `${S0}.TargetVisibility ChangeSet[0]`, children: radios });
    let others = [];
    try {
      others = (await catalog.listProducts({ signal })).filter((p) => p.EntityId !== id && (p.Visibility === 'Public' || p.Visibility === 'Limited'));
    } catch (e) { if (e?.name === 'AbortError') throw e; }
    const replacement = field({ label: 'Replacement product', name: 'ReplacementProductId', kind: 'select', path: `${S0}.ReplacementProductId`,
      hint: 'Optional, when restricting: the product buyers are pointed to instead.',
      options: [['', '(none)'], ...others.map((p) => [p.EntityId, `${p.Name} (${p.EntityId})`])] });
    const sync = () => { replacement.hidden = fs.querySelector('input:checked')?.value !== 'Restricted'; };
    fs.addEventListener('change', sync);
    sync();
    return {
      intro: h('p', null, `The product is ${now}. A visibility change is reviewed by the marketplace operators; `,
        'the product is locked until they approve or reject it.'),
      fields: [fs, replacement],
      submitLabel: 'Request visibility change',
      changes: () => {
        const target = fs.querySelector('input:checked')?.value;
        if (!target) throw new FormProblem('Choose the new visibility.', fs);
        const details = { TargetVisibility: target };
        if (target === 'Restricted' && replacement.control.value) details.ReplacementProductId = replacement.control.value;
        return { changes: [catalog.productChange('UpdateVisibility', id, details)], name: `Update visibility to ${target}` };
      },
    };
  },
};

export async function productActionPage(ctx) {
  const builder = BUILDERS[ctx.params.action];
  const name = actionTitle(ctx.params.action);
  if (!builder || !name) {
    ctx.page.append(pageTitle('Page not found'), h('p', null, 'There is no such change request. ',
      h('a', { href: `#/products/${encodeURIComponent(ctx.params.id)}` }, 'Back to the product')));
    return;
  }
  await productFormPage(ctx, name, builder);
}

// ---------------------------------------------------------------------------------------------
// A version: update its information, or restrict it

export async function versionActionPage(ctx) {
  const { action, versionId } = ctx.params;
  if (action !== 'update' && action !== 'restrict') {
    ctx.page.append(pageTitle('Page not found'));
    return;
  }
  await productFormPage(ctx, action === 'update' ? 'Update version' : 'Restrict version', ({ doc, id }) => {
    const v = (doc.Versions ?? []).find((x) => x.Id === versionId);
    if (!v) return { unavailable: `The product has no version ${versionId}.` };
    const option = v.DeliveryOptions?.[0] ?? {};
    const optionIds = (v.DeliveryOptions ?? []).map((o) => o.Id);
    if (action === 'restrict') {
      if (catalog.versionStatus(v) === 'Restricted') return { unavailable: `Version ${v.VersionTitle} is already restricted.` };
      return {
        intro: [h('p', null, `Restricting version ${v.VersionTitle} stops new buyers from choosing it. `,
          'Buyers who were entitled to it keep access, and its AMIs are kept (marked deprecated).'),
        h('p', null, 'The product\'s last available version cannot be restricted.')],
        fields: [h('div', { class: 'field', dataset: { path: `${S0}.DeliveryOptionIds ChangeSet[0]` } }, h('p', { class: 'field-error', hidden: true }))],
        submitLabel: `Restrict version ${v.VersionTitle}`,
        danger: true,
        changes: () => ({ changes: [catalog.productChange('RestrictDeliveryOptions', id, { DeliveryOptionIds: optionIds })],
          name: `Restrict version ${v.VersionTitle}` }),
      };
    }
    const B = `${S0}.DeliveryOptions[0].Details.AmiDeliveryOptionDetails`;
    const available = doc.Compatibility?.AvailableInstanceTypes ?? [];
    const currentType = option.Recommendations?.InstanceType ?? '';
    const f = {
      notes: field({ label: 'Release notes', name: 'ReleaseNotes', kind: 'textarea', value: v.ReleaseNotes, path: `${S0}.Version.ReleaseNotes`, attrs: { rows: 4 } }),
      usage: field({ label: 'Usage instructions', name: 'UsageInstructions', kind: 'textarea', value: option.Instructions?.Usage,
        path: `${B}.UsageInstructions`, attrs: { rows: 4 } }),
      recommended: field({ label: 'Recommended instance type', name: 'RecommendedInstanceType', kind: 'select', value: currentType,
        path: `${B}.RecommendedInstanceType`, options: [...new Set([currentType, ...available].filter(Boolean))] }),
    };
    return {
      intro: h('p', null, `Version ${v.VersionTitle} (${catalog.versionStatus(v)}). The image of a version never changes; `,
        'its notes and instructions can.'),
      fields: [f.notes, f.usage, f.recommended],
      formPath: 'ChangeSet[0]',
      submitLabel: 'Update version',
      changes: () => {
        const details = {};
        if (trimmed(f.notes) !== (v.ReleaseNotes ?? '')) details.Version = { ReleaseNotes: trimmed(f.notes) };
        const ami = {};
        if (trimmed(f.usage) !== (option.Instructions?.Usage ?? '')) ami.UsageInstructions = trimmed(f.usage);
        if (f.recommended.control.value !== currentType) ami.RecommendedInstanceType = f.recommended.control.value;
        if (!details.Version && !Object.keys(ami).length) throw new Error('Nothing has changed: edit a field first.');
        // The delivery option's Id names the version, also when only its notes change.
        details.DeliveryOptions = [Object.keys(ami).length ? { Id: option.Id, Details: { AmiDeliveryOptionDetails: ami } } : { Id: option.Id }];
        return { changes: [catalog.productChange('UpdateDeliveryOptions', id, details)], name: `Update version ${v.VersionTitle}` };
      },
    };
  });
}

