// The change-set engine against a server that holds every set in PREPARING for 2 s:
// lifecycle, CancelChangeSet, entity locks, ClientRequestToken idempotency, Intent VALIDATE.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  startServer, createAccount, catalogClient, call, expectError, waitForChangeSet,
} from '../lib/server.mjs';
import {
  CATALOG, ISO20, idOf, fullInformation, createProductChange, updateInformationChange, startChangeSet,
  applyChangeSet, runChangeSet, createProduct, createFilledProduct, describeEntity, listAllEntities,
  listAllChangeSets,
} from '../lib/fixtures.mjs';

const DELAY_MS = 2000;
let server, seller, client, other, otherClient;
let draftId, filledId, secondFilledId;

before(async () => {
  server = await startServer({ args: ['--processing-delay', '2s'] });
  seller = createAccount(server, 'SELLER', 'Change Set Seller');
  other = createAccount(server, 'SELLER', 'Other Seller');
  client = catalogClient(server, seller);
  otherClient = catalogClient(server, other);
  [draftId, filledId, secondFilledId] = await Promise.all([
    createProduct(client, 'Draft For Validate'),
    createFilledProduct(client, 'Locked Product'),
    createFilledProduct(client, 'Second Product'),
  ]);
});
after(async () => { await server?.stop(); });

const describeCs = (id, c = client) => call(c, 'DescribeChangeSet', { Catalog: CATALOG, ChangeSetId: id });
const cancel = (id, c = client) => call(c, 'CancelChangeSet', { Catalog: CATALOG, ChangeSetId: id });
const countProducts = async () => (await listAllEntities(client)).length;

describe('lifecycle with --processing-delay', () => {
  test('a change set stays PREPARING (no EndTime) for the delay, then SUCCEEDED', async () => {
    const t0 = Date.now();
    const out = await startChangeSet(client, [createProductChange('Slow Product')]);
    const d = await describeCs(out.ChangeSetId);
    assert.equal(d.Status, 'PREPARING');
    assert.match(d.StartTime, ISO20);
    assert.equal(d.EndTime, undefined, 'EndTime is absent until the set ends');
    const listed = await call(client, 'ListChangeSets', { Catalog: CATALOG,
      FilterList: [{ Name: 'Status', ValueList: ['PREPARING'] }] });
    assert.ok(listed.ChangeSetSummaryList.some((s) => s.ChangeSetId === out.ChangeSetId), 'listed as PREPARING');
    const done = await waitForChangeSet(client, out.ChangeSetId);
    assert.equal(done.Status, 'SUCCEEDED');
    assert.ok(Date.now() - t0 >= DELAY_MS - 100, `finished after ${Date.now() - t0} ms, before the 2 s delay`);
    assert.match(done.EndTime, ISO20);
  });
});

describe('CancelChangeSet', () => {
  test('cancelling a PREPARING CreateProduct set: CANCELLED and no product is ever created', async () => {
    const before = await countProducts();
    const out = await startChangeSet(client, [createProductChange('Cancelled Product')], { ChangeSetName: 'to-cancel' });
    const c = await cancel(out.ChangeSetId);
    assert.equal(c.$metadata.httpStatusCode, 200);
    assert.equal(c.ChangeSetId, out.ChangeSetId);
    assert.equal(c.ChangeSetArn, out.ChangeSetArn);
    const d = await waitForChangeSet(client, out.ChangeSetId);
    assert.equal(d.Status, 'CANCELLED');
    assert.match(d.EndTime, ISO20);
    assert.equal(d.FailureCode, undefined);
    await new Promise((r) => setTimeout(r, DELAY_MS + 500));
    assert.equal((await describeCs(out.ChangeSetId)).Status, 'CANCELLED', 'stays CANCELLED');
    const all = await listAllEntities(client);
    assert.equal(all.length, before, 'no product created');
    assert.ok(!all.some((s) => s.Name === 'Cancelled Product'));
    const listed = await call(client, 'ListChangeSets', { Catalog: CATALOG,
      FilterList: [{ Name: 'Status', ValueList: ['CANCELLED'] }] });
    assert.ok(listed.ChangeSetSummaryList.some((s) => s.ChangeSetId === out.ChangeSetId));
  });

  test('cancelling an UpdateInformation leaves the product unchanged and releases its lock', async () => {
    const before = await describeEntity(client, secondFilledId);
    const out = await startChangeSet(client, [updateInformationChange(secondFilledId, { ShortDescription: 'never' })]);
    await cancel(out.ChangeSetId);
    assert.equal((await waitForChangeSet(client, out.ChangeSetId)).Status, 'CANCELLED');
    // The entity is free again at once.
    const next = await startChangeSet(client, [updateInformationChange(secondFilledId, { LongDescription: 'after cancel' })]);
    const d = await waitForChangeSet(client, next.ChangeSetId);
    assert.equal(d.Status, 'SUCCEEDED');
    const after = await describeEntity(client, secondFilledId);
    assert.equal(after.DetailsDocument.Description.ShortDescription, before.DetailsDocument.Description.ShortDescription);
    assert.equal(after.DetailsDocument.Description.LongDescription, 'after cancel');
    const rev = (e) => Number(e.EntityIdentifier.split('@')[1]);
    assert.equal(rev(after), rev(before) + 1, 'only the second set bumped the revision');
  });

  test('cancelling a SUCCEEDED or FAILED set is ResourceInUseException 423', async () => {
    const [ok, failed] = await Promise.all([
      runChangeSet(client, [createProductChange('Done Product')]),
      runChangeSet(client, [updateInformationChange(draftId, { ProductTitle: 'incomplete' })]),
    ]);
    assert.equal(ok.Status, 'SUCCEEDED');
    assert.equal(failed.Status, 'FAILED');
    await expectError(cancel(ok.ChangeSetId), 'ResourceInUseException', 423);
    await expectError(cancel(failed.ChangeSetId), 'ResourceInUseException', 423);
    assert.equal((await describeCs(ok.ChangeSetId)).Status, 'SUCCEEDED');
  });

  test('cancelling twice: the second cancel is ResourceInUseException 423', async () => {
    const out = await startChangeSet(client, [createProductChange('Cancelled Twice')]);
    await cancel(out.ChangeSetId);
    assert.equal((await waitForChangeSet(client, out.ChangeSetId)).Status, 'CANCELLED');
    await expectError(cancel(out.ChangeSetId), 'ResourceInUseException', 423);
  });

  test('cancelling an unknown change set is ResourceNotFoundException 404', async () => {
    await expectError(cancel('b'.repeat(25)), 'ResourceNotFoundException', 404);
  });
});

describe('entity locks', () => {
  test('a second change set on an entity with an open set is 423 naming the first set', async () => {
    const first = await startChangeSet(client, [updateInformationChange(filledId, { ShortDescription: 'first' })]);
    const err = await expectError(
      startChangeSet(client, [updateInformationChange(filledId, { LongDescription: 'second' })]),
      'ResourceInUseException', 423, first.ChangeSetId);
    assert.ok(err.message.length > first.ChangeSetId.length);
    // With an explicit revision too.
    const e = await describeEntity(client, filledId);
    await expectError(startChangeSet(client, [updateInformationChange(e.EntityIdentifier, { LongDescription: 'x' })]),
      'ResourceInUseException', 423, first.ChangeSetId);
    // A set on another entity is not blocked.
    const free = await startChangeSet(client, [createProductChange('Unrelated')]);
    assert.ok(free.ChangeSetId);
    // Once the first set ends, the entity is free.
    assert.equal((await waitForChangeSet(client, first.ChangeSetId)).Status, 'SUCCEEDED');
    const second = await runChangeSet(client, [updateInformationChange(filledId, { LongDescription: 'second' })]);
    assert.equal(second.Status, 'SUCCEEDED');
    const after = await describeEntity(client, filledId);
    assert.equal(after.DetailsDocument.Description.ShortDescription, 'first');
    assert.equal(after.DetailsDocument.Description.LongDescription, 'second');
    await waitForChangeSet(client, free.ChangeSetId);
  });

  test('ten concurrent change sets on one entity: exactly one is accepted, nine get 423', async () => {
    const id = await createFilledProduct(client, 'Raced Product');
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) =>
      startChangeSet(client, [updateInformationChange(id, { Sku: `RACE-${i}` })])));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(ok.length, 1, `accepted: ${ok.length}; errors: ${refused.map((r) => r.reason.name)}`);
    for (const r of refused) {
      assert.equal(r.reason.name, 'ResourceInUseException', r.reason.message);
      assert.ok(r.reason.message.includes(ok[0].value.ChangeSetId), r.reason.message);
    }
    assert.equal((await waitForChangeSet(client, ok[0].value.ChangeSetId)).Status, 'SUCCEEDED');
  });

  test('a refused set (423) leaves no trace in ListChangeSets', async () => {
    const first = await startChangeSet(client, [updateInformationChange(filledId, { Sku: 'LOCK-1' })],
      { ChangeSetName: 'lock-holder' });
    await expectError(startChangeSet(client, [updateInformationChange(filledId, { Sku: 'LOCK-2' })],
      { ChangeSetName: 'lock-loser' }), 'ResourceInUseException', 423);
    const sets = await listAllChangeSets(client, { FilterList: [{ Name: 'ChangeSetName', ValueList: ['lock-loser'] }] });
    assert.deepEqual(sets, []);
    await waitForChangeSet(client, first.ChangeSetId);
  });
});

describe('ClientRequestToken idempotency', () => {
  test('same token and same body return the same change set, also while it locks the entity and after it ends', async () => {
    const token = randomUUID();
    const body = [updateInformationChange(secondFilledId, { Highlights: ['Idempotent'] })];
    const a = await startChangeSet(client, body, { ClientRequestToken: token, ChangeSetName: 'idem' });
    const b = await startChangeSet(client, body, { ClientRequestToken: token, ChangeSetName: 'idem' });
    assert.equal(b.ChangeSetId, a.ChangeSetId);
    assert.equal(b.ChangeSetArn, a.ChangeSetArn);
    assert.equal((await waitForChangeSet(client, a.ChangeSetId)).Status, 'SUCCEEDED');
    const c = await startChangeSet(client, body, { ClientRequestToken: token, ChangeSetName: 'idem' });
    assert.equal(c.ChangeSetId, a.ChangeSetId, 'a replay after the set ended returns the first answer');
    const sets = await listAllChangeSets(client, { FilterList: [{ Name: 'ChangeSetName', ValueList: ['idem'] }] });
    assert.equal(sets.length, 1, 'only one change set exists');
    const e = await describeEntity(client, secondFilledId);
    assert.deepEqual(e.DetailsDocument.Description.Highlights, ['Idempotent']);
  });

  test('ten concurrent requests with one token create one change set', async () => {
    const token = randomUUID();
    const body = [createProductChange('Concurrent Token Product')];
    const results = await Promise.all(Array.from({ length: 10 }, () =>
      startChangeSet(client, body, { ClientRequestToken: token })));
    assert.equal(new Set(results.map((r) => r.ChangeSetId)).size, 1, 'all answers name one change set');
    assert.equal((await waitForChangeSet(client, results[0].ChangeSetId)).Status, 'SUCCEEDED');
    const all = await listAllEntities(client);
    assert.equal(all.filter((s) => s.Name === 'Concurrent Token Product').length, 1);
  });

  test('same token with a different body is 422 naming ClientRequestToken', async () => {
    const token = randomUUID();
    const a = await startChangeSet(client, [createProductChange('Token Product')], { ClientRequestToken: token });
    await expectError(startChangeSet(client, [createProductChange('Another Product')], { ClientRequestToken: token }),
      'ValidationException', 422, 'ClientRequestToken');
    await expectError(startChangeSet(client, [createProductChange('Token Product')],
      { ClientRequestToken: token, ChangeSetName: 'renamed' }), 'ValidationException', 422, 'ClientRequestToken');
    const d = await waitForChangeSet(client, a.ChangeSetId);
    assert.equal(d.Status, 'SUCCEEDED');
    const all = await listAllEntities(client);
    assert.equal(all.filter((s) => s.Name === 'Token Product').length, 1);
    assert.ok(!all.some((s) => s.Name === 'Another Product'));
  });

  test('a token is per account: another seller using it gets its own change set', async () => {
    const token = randomUUID();
    const body = [createProductChange('Shared Token Product')];
    const mine = await startChangeSet(client, body, { ClientRequestToken: token });
    const theirs = await startChangeSet(otherClient, body, { ClientRequestToken: token });
    assert.notEqual(theirs.ChangeSetId, mine.ChangeSetId);
    await Promise.all([waitForChangeSet(client, mine.ChangeSetId), waitForChangeSet(otherClient, theirs.ChangeSetId)]);
  });

  test('without a token, the SDK fills one in and each call is a new change set', async () => {
    const body = [createProductChange('No Token')];
    const a = await startChangeSet(client, body);
    const b = await startChangeSet(client, body);
    assert.notEqual(a.ChangeSetId, b.ChangeSetId);
    await Promise.all([waitForChangeSet(client, a.ChangeSetId), waitForChangeSet(client, b.ChangeSetId)]);
  });
});

describe('Intent VALIDATE', () => {
  test('VALIDATE a CreateProduct: SUCCEEDED, Intent echoed, no product created', async () => {
    const before = await countProducts();
    const d = await runChangeSet(client, [createProductChange('Validated Only')], { Intent: 'VALIDATE' });
    assert.equal(d.Status, 'SUCCEEDED');
    assert.equal(d.Intent, 'VALIDATE');
    const all = await listAllEntities(client);
    assert.equal(all.length, before);
    assert.ok(!all.some((s) => s.Name === 'Validated Only'));
  });

  test('VALIDATE a complete UpdateInformation: SUCCEEDED, product unchanged', async () => {
    const before = await describeEntity(client, draftId);
    const d = await runChangeSet(client, [updateInformationChange(draftId, fullInformation())], { Intent: 'VALIDATE' });
    assert.equal(d.Status, 'SUCCEEDED');
    const after = await describeEntity(client, draftId);
    assert.equal(after.EntityIdentifier, before.EntityIdentifier);
    assert.deepEqual(after.DetailsDocument, before.DetailsDocument);
  });

  test('VALIDATE an incomplete UpdateInformation: FAILED with MISSING_DATA, as APPLY would', async () => {
    const d = await runChangeSet(client, [updateInformationChange(draftId, { ShortDescription: 'only' })],
      { Intent: 'VALIDATE' });
    assert.equal(d.Status, 'FAILED');
    assert.equal(d.FailureCode, 'CLIENT_ERROR');
    assert.equal(d.ChangeSet[0].ErrorDetailList?.[0]?.ErrorCode, 'MISSING_DATA');
  });

  test('VALIDATE a CreateProduct + UpdateInformation chain: SUCCEEDED, nothing created', async () => {
    const before = await countProducts();
    const d = await runChangeSet(client, [
      createProductChange('Chain', 'CreateProductChange'),
      updateInformationChange('$CreateProductChange.Entity.Identifier', fullInformation({ ProductTitle: 'Chain' })),
    ], { Intent: 'VALIDATE' });
    assert.equal(d.Status, 'SUCCEEDED', JSON.stringify(d.ChangeSet.map((c) => c.ErrorDetailList)));
    assert.equal(await countProducts(), before);
  });

  test('VALIDATE still refuses synchronously what APPLY refuses', async () => {
    await expectError(startChangeSet(client, [createProductChange('z'.repeat(73))], { Intent: 'VALIDATE' }),
      'ValidationException', 422, 'ProductTitle');
  });
});
