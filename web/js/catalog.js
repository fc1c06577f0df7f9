// The Marketplace Catalog API (rest-json) as the portal uses it, with the session cookie.
import { get, post, patch, qs, randomToken } from './api.js';

export const CATALOG = 'AWSMarketplace';
export const PRODUCT = 'AmiProduct@1.0';
export const OFFER = 'Offer@1.0';

/** ChangeSetName allows ^[\w\s+=.:@-]+$, 1..100 characters. */
function changeSetName(name) {
  const clean = String(name ?? '').replace(/[^\w\s+=.:@-]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
  return clean || undefined;
}

export function startChangeSet(changes, name) {
  return post('/StartChangeSet', {
    Catalog: CATALOG,
    ChangeSet: changes,
    ChangeSetName: changeSetName(name),
    ClientRequestToken: randomToken(),
  });
}

export const describeChangeSet = (id, opts) =>
  get(`/DescribeChangeSet${qs({ catalog: CATALOG, changeSetId: id })}`, opts);

export const cancelChangeSet = (id) =>
  patch(`/CancelChangeSet${qs({ catalog: CATALOG, changeSetId: id })}`);

export const describeEntity = (id, opts) =>
  get(`/DescribeEntity${qs({ catalog: CATALOG, entityId: id })}`, opts);

/** Every entity summary of a type (follows NextToken). */
export async function listEntities(entityType, extra = {}, { signal, maxPages = 40 } = {}) {
  const out = [];
  let NextToken;
  for (let page = 0; page < maxPages; page++) {
    const r = await post('/ListEntities', { Catalog: CATALOG, EntityType: entityType, MaxResults: 50, ...extra, NextToken },
      { signal });
    out.push(...(r?.EntitySummaryList ?? []));
    NextToken = r?.NextToken;
    if (!NextToken) break;
  }
  return out;
}

export const listProducts = (opts) =>
  listEntities('AmiProduct', { Sort: { SortBy: 'LastModifiedDate', SortOrder: 'DESCENDING' } }, opts);

/** The offers of a product (the seller's own). */
export const offersOf = (productId, opts) =>
  listEntities('Offer', { EntityTypeFilters: { OfferFilters: { ProductId: { ValueList: [productId] } } } }, opts);

/** Change sets, newest first; `entityId` narrows to one entity. */
export async function listChangeSets({ entityId, maxPages = 5, signal } = {}) {
  const out = [];
  let NextToken;
  for (let page = 0; page < maxPages; page++) {
    const r = await post('/ListChangeSets', {
      Catalog: CATALOG,
      MaxResults: 20,
      Sort: { SortBy: 'StartTime', SortOrder: 'DESCENDING' },
      ...(entityId ? { FilterList: [{ Name: 'EntityId', ValueList: [entityId] }] } : {}),
      NextToken,
    }, { signal });
    out.push(...(r?.ChangeSetSummaryList ?? []));
    NextToken = r?.NextToken;
    if (!NextToken) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Change bodies

export const productChange = (ChangeType, Identifier, DetailsDocument, ChangeName) => ({
  ChangeType,
  Entity: Identifier ? { Type: PRODUCT, Identifier } : { Type: PRODUCT },
  DetailsDocument,
  ...(ChangeName ? { ChangeName } : {}),
});

export const offerChange = (ChangeType, Identifier, DetailsDocument, ChangeName) => ({
  ChangeType,
  Entity: Identifier ? { Type: OFFER, Identifier } : { Type: OFFER },
  DetailsDocument,
  ...(ChangeName ? { ChangeName } : {}),
});

export const hourlyDimension = (type) => ({
  Key: type, Name: `${type} hours`, Description: `Hours of ${type} instances`, Unit: 'Hrs', Types: ['Metered'],
});

export const usagePricing = (rateCard) => ({
  PricingModel: 'Usage',
  Terms: [{ Type: 'UsageBasedPricingTerm', CurrencyCode: 'USD', RateCards: [{ RateCard: rateCard }] }],
});

export const standardEula = { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'StandardEula', Version: '2022-07-14' }] }] };
export const supportTerms = (policy) => ({ Terms: [{ Type: 'SupportTerm', RefundPolicy: policy }] });

// ---------------------------------------------------------------------------------------------
// Reading a product's DetailsDocument

export const productTitle = (doc) => doc?.Description?.ProductTitle || '(untitled product)';
export const visibilityOf = (doc) => doc?.Description?.Visibility ?? 'Draft';

/** A version's status to buyers: Restricted when every delivery option is Restricted. */
export function versionStatus(v) {
  const opts = v.DeliveryOptions ?? [];
  return opts.length && opts.every((o) => o.Visibility === 'Restricted') ? 'Restricted' : 'Available';
}

/** The usage prices of an offer's DetailsDocument: [{DimensionKey, Price}] (may be empty). */
export function usagePrices(offerDoc) {
  const term = (offerDoc?.Terms ?? []).find((t) => t.Type === 'UsageBasedPricingTerm');
  return term?.RateCards?.[0]?.RateCard ?? [];
}

/** The dimensions still in use (not restricted), in the product document. */
export function activeDimensions(doc) {
  return (doc?.Dimensions ?? []).filter((d) => !d.Restricted && d.Status !== 'Restricted');
}
