// Request bodies and small workflows shared by the test files.
import assert from 'node:assert/strict';
import { call, waitForChangeSet } from './server.mjs';

export const CATALOG = 'AWSMarketplace';
export const ISO20 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const PRODUCT_ID = /^prod-[a-z0-9]{13}$/;
export const PRODUCT_CODE = /^[a-z0-9]{25}$/;
export const CHANGE_SET_ID = /^[a-z0-9]{25}$/;

/** "prod-abc@3" → "prod-abc" */
export const idOf = (identifier) => String(identifier).split('@')[0];
/** "prod-abc@3" → 3 */
export const revOf = (identifier) => {
  const m = /@(\d+)$/.exec(String(identifier));
  return m ? Number(m[1]) : undefined;
};

/** Every field a Draft's first UpdateInformation must carry (AWS: else MISSING_DATA). */
export function fullInformation(overrides = {}) {
  return {
    ProductTitle: 'Hardened Linux Base',
    ShortDescription: 'A minimal, hardened Linux image.',
    LongDescription: 'A minimal Linux image hardened to the CIS benchmark, with automatic security updates.',
    Sku: 'HLB-001',
    LogoUrl: 'https://example.com/logo.png',
    VideoUrls: ['https://example.com/video.mp4'],
    Highlights: ['Hardened', 'Small', 'Patched daily'],
    AdditionalResources: [{ Text: 'Documentation', Url: 'https://example.com/docs' }],
    SupportDescription: 'Email support@example.com, answered within one business day.',
    Categories: ['Operating Systems', 'Security'],
    SearchKeywords: ['linux', 'hardened', 'cis'],
    ...overrides,
  };
}

export function createProductChange(title, changeName) {
  const c = {
    ChangeType: 'CreateProduct',
    Entity: { Type: 'AmiProduct@1.0' },
    DetailsDocument: title === undefined ? {} : { ProductTitle: title },
  };
  if (changeName) c.ChangeName = changeName;
  return c;
}

export function updateInformationChange(identifier, details) {
  return {
    ChangeType: 'UpdateInformation',
    Entity: { Type: 'AmiProduct@1.0', Identifier: identifier },
    DetailsDocument: details,
  };
}

export async function startChangeSet(client, changes, extra = {}) {
  return call(client, 'StartChangeSet', { Catalog: CATALOG, ChangeSet: changes, ...extra });
}

/** Starts a change set and waits for it to end; returns the DescribeChangeSet output. */
export async function runChangeSet(client, changes, extra = {}) {
  const out = await startChangeSet(client, changes, extra);
  return waitForChangeSet(client, out.ChangeSetId);
}

/** Like runChangeSet, and asserts it SUCCEEDED. */
export async function applyChangeSet(client, changes, extra = {}) {
  const d = await runChangeSet(client, changes, extra);
  assert.equal(d.Status, 'SUCCEEDED',
    `change set ${d.ChangeSetId} should succeed: ${JSON.stringify({ FailureCode: d.FailureCode,
      FailureDescription: d.FailureDescription, Errors: d.ChangeSet?.map((c) => c.ErrorDetailList) })}`);
  return d;
}

/** Creates one product and returns its ID (no revision). */
export async function createProduct(client, title) {
  const d = await applyChangeSet(client, [createProductChange(title)]);
  const id = idOf(d.ChangeSet[0].Entity.Identifier);
  assert.match(id, PRODUCT_ID);
  return id;
}

/** Creates a product and fills it with complete information; returns its ID. */
export async function createFilledProduct(client, title, overrides = {}) {
  const id = await createProduct(client, title);
  await applyChangeSet(client, [updateInformationChange(id, fullInformation({ ProductTitle: title, ...overrides }))]);
  return id;
}

/** Creates products with the given titles, ≤20 CreateProduct changes per change set, in parallel. */
export async function createProducts(client, titles) {
  const chunks = [];
  for (let i = 0; i < titles.length; i += 20) chunks.push(titles.slice(i, i + 20));
  const sets = await Promise.all(chunks.map((chunk) =>
    applyChangeSet(client, chunk.map((t, i) => createProductChange(t, `C${i}`)))));
  const ids = [];
  for (const d of sets) for (const c of d.ChangeSet) ids.push(idOf(c.Entity.Identifier));
  return { ids, changeSets: sets };
}

export async function describeEntity(client, entityId) {
  return call(client, 'DescribeEntity', { Catalog: CATALOG, EntityId: entityId });
}

/** All entity summaries of a type, following NextToken by hand. */
export async function listAllEntities(client, input = {}) {
  const all = [];
  let NextToken;
  for (let page = 0; page < 1000; page++) {
    const out = await call(client, 'ListEntities',
      { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 50, ...input, NextToken });
    all.push(...(out.EntitySummaryList ?? []));
    NextToken = out.NextToken;
    if (!NextToken) return all;
  }
  throw new Error('ListEntities never ended');
}

export async function listAllChangeSets(client, input = {}) {
  const all = [];
  let NextToken;
  for (let page = 0; page < 1000; page++) {
    const out = await call(client, 'ListChangeSets', { Catalog: CATALOG, MaxResults: 20, ...input, NextToken });
    all.push(...(out.ChangeSetSummaryList ?? []));
    NextToken = out.NextToken;
    if (!NextToken) return all;
  }
  throw new Error('ListChangeSets never ended');
}
