// ListEntities and ListChangeSets: pagination over more entities than a page (with the SDK's own
// paginators), filters and sorting.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createAccount, catalogClient, call, catalog, expectError, sleep,
} from '../lib/server.mjs';
import {
  CATALOG, ISO20, idOf, fullInformation, createProducts, createFilledProduct, applyChangeSet, updateInformationChange,
  listAllEntities, listAllChangeSets, describeEntity,
} from '../lib/fixtures.mjs';

const N = 45;
let server, seller, client;
let ids, titles, changeSets;

before(async () => {
  server = await startServer();
  seller = createAccount(server, 'SELLER', 'Listing Seller');
  client = catalogClient(server, seller);
  // Titles out of creation order so that title order differs from ID / date order.
  titles = Array.from({ length: N }, (_, i) => `Listed ${String((i * 17) % N).padStart(2, '0')}`);
  const made = await createProducts(client, titles); // 3 change sets: 20 + 20 + 5
  ids = made.ids;
  changeSets = made.changeSets;
});
after(async () => { await server?.stop(); });

async function collectPages(paginator) {
  const pages = [];
  for await (const page of paginator) pages.push(page);
  return pages;
}

describe('ListEntities pagination', () => {
  test(`${N} products were created in 3 change sets of at most 20 changes`, () => {
    assert.equal(changeSets.length, 3);
    assert.deepEqual(changeSets.map((d) => d.ChangeSet.length), [20, 20, 5]);
    assert.equal(new Set(ids).size, N);
  });

  test('paginateListEntities with MaxResults 20 yields every product once, 3 pages, tokens never repeat', async () => {
    const pages = await collectPages(catalog.paginateListEntities({ client, pageSize: 20 },
      { Catalog: CATALOG, EntityType: 'AmiProduct' }));
    assert.deepEqual(pages.map((p) => p.EntitySummaryList.length), [20, 20, 5]);
    const seen = pages.flatMap((p) => p.EntitySummaryList.map((s) => s.EntityId));
    assert.equal(seen.length, N, 'no duplicates');
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'none missing');
    const tokens = pages.map((p) => p.NextToken).filter(Boolean);
    assert.equal(tokens.length, 2, 'a token on every page but the last');
    assert.ok(!pages.at(-1).NextToken, 'no NextToken on the last page');
    assert.equal(new Set(tokens).size, tokens.length, 'tokens never repeat');
    for (const t of tokens) assert.ok(!ids.some((id) => t.includes(id)), 'NextToken is opaque');
    // Another walk issues fresh tokens.
    const again = await collectPages(catalog.paginateListEntities({ client, pageSize: 20 },
      { Catalog: CATALOG, EntityType: 'AmiProduct' }));
    const tokens2 = again.map((p) => p.NextToken).filter(Boolean);
    assert.ok(tokens2.every((t) => !tokens.includes(t)), 'tokens never repeat across walks');
    assert.deepEqual(again.flatMap((p) => p.EntitySummaryList.map((s) => s.EntityId)), seen, 'same order');
  });

  test('MaxResults 50 returns all 45 in one page without NextToken; default page size is 20', async () => {
    const one = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 50 });
    assert.equal(one.EntitySummaryList.length, N);
    assert.ok(!one.NextToken);
    const def = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct' });
    assert.equal(def.EntitySummaryList.length, 20);
    assert.ok(def.NextToken);
  });

  test('a page walk stays consistent when products are added in between', async () => {
    const first = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 20,
      EntityTypeSort: { AmiProductSort: { SortBy: 'EntityId', SortOrder: 'ASCENDING' } } });
    const extra = await createProducts(client, ['Late Arrival']);
    const rest = [];
    let token = first.NextToken;
    while (token) {
      const p = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 20,
        NextToken: token, EntityTypeSort: { AmiProductSort: { SortBy: 'EntityId', SortOrder: 'ASCENDING' } } });
      rest.push(...p.EntitySummaryList);
      token = p.NextToken;
    }
    const seen = [...first.EntitySummaryList, ...rest].map((s) => s.EntityId);
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    for (const id of ids) assert.ok(seen.includes(id), `${id} missing from the walk`);
    ids.push(...extra.ids);
    titles.push('Late Arrival');
  });

  test('AmiProductSort by ProductTitle ASCENDING and DESCENDING, across pages', async () => {
    for (const SortOrder of ['ASCENDING', 'DESCENDING']) {
      const pages = await collectPages(catalog.paginateListEntities({ client, pageSize: 20 }, {
        Catalog: CATALOG, EntityType: 'AmiProduct',
        EntityTypeSort: { AmiProductSort: { SortBy: 'ProductTitle', SortOrder } },
      }));
      const got = pages.flatMap((p) => p.EntitySummaryList.map((s) => s.AmiProductSummary.ProductTitle));
      const want = [...titles].sort();
      if (SortOrder === 'DESCENDING') want.reverse();
      assert.deepEqual(got, want, SortOrder);
    }
  });

  test('generic Sort by EntityId ASCENDING', async () => {
    const all = await listAllEntities(client, { Sort: { SortBy: 'EntityId', SortOrder: 'ASCENDING' } });
    const got = all.map((s) => s.EntityId);
    assert.deepEqual(got, [...ids].sort());
  });

  test('default order is LastModifiedDate DESCENDING', async () => {
    const all = await listAllEntities(client);
    const dates = all.map((s) => s.LastModifiedDate);
    for (const d of dates) assert.match(d, ISO20);
    assert.deepEqual(dates, [...dates].sort().reverse());
  });
});

describe('ListEntities filters', () => {
  const listWith = (filters, extra = {}) => listAllEntities(client, { EntityTypeFilters: { AmiProductFilters: filters }, ...extra });

  test('ProductTitle ValueList matches exact titles', async () => {
    const got = await listWith({ ProductTitle: { ValueList: ['Listed 03', 'Listed 07', 'No Such Title'] } });
    assert.deepEqual(got.map((s) => s.Name).sort(), ['Listed 03', 'Listed 07']);
  });

  test('ProductTitle WildCardValue matches substrings', async () => {
    const got = await listWith({ ProductTitle: { WildCardValue: 'ted 1' } });
    assert.deepEqual(got.map((s) => s.Name).sort(), titles.filter((t) => t.includes('ted 1')).sort());
    assert.equal(got.length, 10);
  });

  test('EntityId filter (AmiProductFilters and generic FilterList)', async () => {
    const want = [ids[0], ids[21], ids[44]].sort();
    const a = await listWith({ EntityId: { ValueList: want } });
    assert.deepEqual(a.map((s) => s.EntityId).sort(), want);
    const b = await listAllEntities(client, { FilterList: [{ Name: 'EntityId', ValueList: want }] });
    assert.deepEqual(b.map((s) => s.EntityId).sort(), want);
  });

  test('Visibility filter', async () => {
    const drafts = await listWith({ Visibility: { ValueList: ['Draft'] } });
    assert.equal(drafts.length, ids.length);
    const pub = await listWith({ Visibility: { ValueList: ['Public', 'Limited'] } });
    assert.deepEqual(pub, []);
  });

  test('LastModifiedDate DateRange filter, and an update moves LastModifiedDate', async () => {
    await sleep(2000); // dates have one-second resolution
    const fresh = await createFilledProduct(client, 'Listed Fresh');
    ids.push(fresh);
    titles.push('Listed Fresh');
    const e = await describeEntity(client, fresh);
    const after = await listWith({ LastModifiedDate: { DateRange: { AfterValue: e.LastModifiedDate } } });
    assert.deepEqual(after.map((s) => s.EntityId), [fresh]);
    const beforeOnly = await listWith({ LastModifiedDate: { DateRange: {
      BeforeValue: new Date(Date.parse(e.LastModifiedDate) - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') } } });
    assert.ok(!beforeOnly.some((s) => s.EntityId === fresh));
    assert.equal(beforeOnly.length, ids.length - 1);
  });

  test('DateRange bounds are inclusive at the one-second resolution LastModifiedDate shows', async () => {
    const [p] = await listWith({ ProductTitle: { ValueList: ['Listed Fresh'] } });
    const d = p.LastModifiedDate;
    const before = await listWith({ LastModifiedDate: { DateRange: { BeforeValue: d } } });
    assert.ok(before.some((s) => s.EntityId === p.EntityId), `BeforeValue ${d} should include a product modified at ${d}`);
    const after = await listWith({ LastModifiedDate: { DateRange: { AfterValue: d } } });
    assert.ok(after.some((s) => s.EntityId === p.EntityId), `AfterValue ${d} should include a product modified at ${d}`);
    const both = await listWith({ LastModifiedDate: { DateRange: { AfterValue: d, BeforeValue: d } } });
    assert.deepEqual(both.map((s) => s.EntityId), [p.EntityId]);
  });

  test('filters and sort combine with pagination', async () => {
    const pages = await collectPages(catalog.paginateListEntities({ client, pageSize: 4 }, {
      Catalog: CATALOG, EntityType: 'AmiProduct',
      EntityTypeFilters: { AmiProductFilters: { ProductTitle: { WildCardValue: 'Listed 2' } } },
      EntityTypeSort: { AmiProductSort: { SortBy: 'ProductTitle', SortOrder: 'ASCENDING' } },
    }));
    const got = pages.flatMap((p) => p.EntitySummaryList.map((s) => s.Name));
    assert.deepEqual(got, titles.filter((t) => t.includes('Listed 2')).sort());
    assert.equal(pages.length, 3);
  });

  test('a NextToken cannot be reused with a different query', async () => {
    const p = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 5 });
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'Offer', MaxResults: 5,
      NextToken: p.NextToken }), 'ValidationException', 422, 'NextToken');
  });
});

describe('ListChangeSets', () => {
  let extraSets;

  before(async () => {
    // A few more, named, change sets, with distinct start seconds.
    extraSets = [];
    for (let i = 0; i < 3; i++) {
      if (i) await sleep(1100);
      extraSets.push(await applyChangeSet(client,
        [updateInformationChange(ids[i], fullInformation({ ProductTitle: titles[i], ShortDescription: `s${i}` }))],
        { ChangeSetName: `named-${i}` }));
    }
  });

  test('paginateListChangeSets with MaxResults 2 yields each set once; tokens never repeat', async () => {
    const pages = await collectPages(catalog.paginateListChangeSets({ client, pageSize: 2 }, { Catalog: CATALOG }));
    const all = pages.flatMap((p) => p.ChangeSetSummaryList);
    const setIds = all.map((s) => s.ChangeSetId);
    assert.equal(new Set(setIds).size, setIds.length, 'no duplicates');
    for (const d of [...changeSets, ...extraSets]) assert.ok(setIds.includes(d.ChangeSetId), `${d.ChangeSetId} missing`);
    const tokens = pages.map((p) => p.NextToken).filter(Boolean);
    assert.equal(new Set(tokens).size, tokens.length);
    assert.ok(!pages.at(-1).NextToken);
    assert.ok(pages.slice(0, -1).every((p) => p.ChangeSetSummaryList.length === 2));
  });

  test('Sort by StartTime ASCENDING / DESCENDING', async () => {
    for (const SortOrder of ['ASCENDING', 'DESCENDING']) {
      const all = await listAllChangeSets(client, { Sort: { SortBy: 'StartTime', SortOrder } });
      const times = all.map((s) => s.StartTime);
      const want = [...times].sort();
      if (SortOrder === 'DESCENDING') want.reverse();
      assert.deepEqual(times, want, SortOrder);
      const named = all.filter((s) => s.ChangeSetName?.startsWith('named-')).map((s) => s.ChangeSetName);
      assert.deepEqual(named, SortOrder === 'ASCENDING' ? ['named-0', 'named-1', 'named-2'] : ['named-2', 'named-1', 'named-0']);
    }
  });

  test('Sort by EndTime', async () => {
    const all = await listAllChangeSets(client, { Sort: { SortBy: 'EndTime', SortOrder: 'ASCENDING' } });
    const times = all.map((s) => s.EndTime);
    assert.deepEqual(times, [...times].sort());
  });

  test('FilterList: ChangeSetName, Status, EntityId, AfterStartTime, BeforeStartTime (AND-ed)', async () => {
    const byName = await listAllChangeSets(client, { FilterList: [{ Name: 'ChangeSetName', ValueList: ['named-1', 'named-2'] }] });
    assert.deepEqual(byName.map((s) => s.ChangeSetName).sort(), ['named-1', 'named-2']);

    const succeeded = await listAllChangeSets(client, { FilterList: [{ Name: 'Status', ValueList: ['SUCCEEDED'] }] });
    assert.ok(succeeded.length >= 6 && succeeded.every((s) => s.Status === 'SUCCEEDED'));
    const failed = await listAllChangeSets(client, { FilterList: [{ Name: 'Status', ValueList: ['FAILED'] }] });
    assert.deepEqual(failed, []);

    const byEntity = await listAllChangeSets(client, { FilterList: [{ Name: 'EntityId', ValueList: [ids[1]] }] });
    assert.deepEqual(byEntity.map((s) => s.ChangeSetId).sort(),
      [changeSets[0].ChangeSetId, extraSets[1].ChangeSetId].sort());

    const t1 = extraSets[1].StartTime;
    const after = await listAllChangeSets(client, { FilterList: [{ Name: 'AfterStartTime', ValueList: [t1] }] });
    const afterNames = after.map((s) => s.ChangeSetName);
    assert.ok(afterNames.includes('named-2') && !afterNames.includes('named-0'), `AfterStartTime ${t1}: ${afterNames}`);
    const before = await listAllChangeSets(client, { FilterList: [{ Name: 'BeforeStartTime', ValueList: [t1] }] });
    const beforeNames = before.map((s) => s.ChangeSetName);
    assert.ok(beforeNames.includes('named-0') && !beforeNames.includes('named-2'), `BeforeStartTime ${t1}: ${beforeNames}`);

    const anded = await listAllChangeSets(client, { FilterList: [
      { Name: 'ChangeSetName', ValueList: ['named-0', 'named-2'] },
      { Name: 'AfterStartTime', ValueList: [t1] },
    ] });
    assert.deepEqual(anded.map((s) => s.ChangeSetName), ['named-2']);

    const endBefore = await listAllChangeSets(client, { FilterList: [
      { Name: 'BeforeEndTime', ValueList: [extraSets[0].EndTime] }, { Name: 'ChangeSetName', ValueList: ['named-2'] }] });
    assert.deepEqual(endBefore, []);
    const endAfter = await listAllChangeSets(client, { FilterList: [
      { Name: 'AfterEndTime', ValueList: [extraSets[0].EndTime] }, { Name: 'ChangeSetName', ValueList: ['named-2'] }] });
    assert.deepEqual(endAfter.map((s) => s.ChangeSetName), ['named-2']);
  });

  test('time filters are inclusive at the one-second resolution StartTime/EndTime show', async () => {
    const set = extraSets[2];
    const names = async (Name, value) => (await listAllChangeSets(client, { FilterList: [
      { Name, ValueList: [value] }, { Name: 'ChangeSetName', ValueList: ['named-2'] }] })).map((x) => x.ChangeSetName);
    assert.deepEqual(await names('AfterStartTime', set.StartTime), ['named-2'], 'AfterStartTime = its StartTime');
    assert.deepEqual(await names('BeforeStartTime', set.StartTime), ['named-2'], 'BeforeStartTime = its StartTime');
    assert.deepEqual(await names('AfterEndTime', set.EndTime), ['named-2'], 'AfterEndTime = its EndTime');
    assert.deepEqual(await names('BeforeEndTime', set.EndTime), ['named-2'], 'BeforeEndTime = its EndTime');
  });

  test('ListChangeSets summaries carry ARN, times and EntityIdList', async () => {
    const [s] = await listAllChangeSets(client, { FilterList: [{ Name: 'ChangeSetName', ValueList: ['named-0'] }] });
    assert.equal(s.ChangeSetId, extraSets[0].ChangeSetId);
    assert.equal(s.ChangeSetArn, extraSets[0].ChangeSetArn);
    assert.equal(s.StartTime, extraSets[0].StartTime);
    assert.equal(s.EndTime, extraSets[0].EndTime);
    assert.deepEqual(s.EntityIdList, [ids[0]]);
    assert.equal(idOf(s.EntityIdList[0]), ids[0]);
  });
});

describe('pagination with ties in the sort key', () => {
  let all;
  before(async () => {
    // 25 products with one title and 5 without a title, all modified within a second or two.
    await createProducts(client, Array.from({ length: 25 }, () => 'Same Title'));
    await createProducts(client, Array.from({ length: 5 }, () => undefined));
    all = (await listAllEntities(client)).map((s) => s.EntityId).sort();
  });

  const walk = async (input, pageSize) => {
    const pages = await collectPages(catalog.paginateListEntities({ client, pageSize },
      { Catalog: CATALOG, EntityType: 'AmiProduct', ...input }));
    return pages.flatMap((p) => p.EntitySummaryList.map((s) => s.EntityId));
  };

  for (const [label, input] of [
    ['ProductTitle', { EntityTypeSort: { AmiProductSort: { SortBy: 'ProductTitle', SortOrder: 'ASCENDING' } } }],
    ['ProductTitle DESCENDING', { EntityTypeSort: { AmiProductSort: { SortBy: 'ProductTitle', SortOrder: 'DESCENDING' } } }],
    ['Visibility', { EntityTypeSort: { AmiProductSort: { SortBy: 'Visibility', SortOrder: 'ASCENDING' } } }],
    ['LastModifiedDate (default)', {}],
  ]) {
    test(`sorted by ${label}, pages of 7 hold every product exactly once`, async () => {
      const got = await walk(input, 7);
      assert.equal(new Set(got).size, got.length, 'no duplicates');
      assert.deepEqual([...got].sort(), all, 'none missing');
    });
  }

  test('the page size may change from one page to the next', async () => {
    const first = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 5 });
    const second = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 50,
      NextToken: first.NextToken });
    const got = [...first.EntitySummaryList, ...second.EntitySummaryList].map((s) => s.EntityId);
    assert.equal(first.EntitySummaryList.length, 5);
    assert.equal(second.EntitySummaryList.length, 50);
    assert.equal(new Set(got).size, got.length);
  });

  test('a tampered NextToken is 422 naming NextToken', async () => {
    const first = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 5 });
    const t = first.NextToken;
    const i = Math.floor(t.length / 2);
    const tampered = t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 5,
      NextToken: tampered }), 'ValidationException', 422, 'NextToken');
  });
});
