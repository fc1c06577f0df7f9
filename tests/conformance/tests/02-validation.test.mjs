// Every validation error path: synchronous 422 ValidationException naming the field, asynchronous
// CLIENT_ERROR failures, malformed and oversized bodies, and all-or-nothing application.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount, catalogClient, call, expectError, waitForChangeSet } from '../lib/server.mjs';
import { rawRequest } from '../lib/raw.mjs';
import {
  CATALOG, idOf, fullInformation, createProductChange, updateInformationChange, startChangeSet,
  runChangeSet, createProduct, createFilledProduct, describeEntity, listAllEntities,
} from '../lib/fixtures.mjs';

let server, seller, client, productId, filledId;

before(async () => {
  server = await startServer();
  seller = createAccount(server, 'SELLER', 'Validation Seller');
  client = catalogClient(server, seller);
  productId = await createProduct(client, 'Validation Target');
  filledId = await createFilledProduct(client, 'Validation Filled');
});
after(async () => { await server?.stop(); });

const V = 'ValidationException';
const arnOf = (id) => `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/AmiProduct/${id}`;
const start = (changes, extra) => startChangeSet(client, changes, extra);
const update = (details, id = filledId) => start([updateInformationChange(id, details)]);

/**
 * A check AWS may make synchronously (422 naming `field`) or while processing (FAILED with
 * CLIENT_ERROR and `asyncCode` on the change). Either is accepted; silent success is not.
 */
async function expectRejected(changes, field, asyncCode) {
  let out;
  try {
    out = await start(changes);
  } catch (err) {
    assert.equal(err.name, V, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 422);
    assert.ok(err.message.includes(field), `message should name ${field}: ${err.message}`);
    return;
  }
  const d = await waitForChangeSet(client, out.ChangeSetId);
  assert.equal(d.Status, 'FAILED', `a change with a bad ${field} must not succeed`);
  assert.equal(d.FailureCode, 'CLIENT_ERROR');
  const codes = d.ChangeSet.flatMap((c) => (c.ErrorDetailList ?? []).map((e) => e.ErrorCode));
  assert.ok(codes.includes(asyncCode), `expected ErrorCode ${asyncCode}, got ${codes}`);
}

describe('StartChangeSet: synchronous validation names the field', () => {
  test('a change type AMI products do not have (AddRepositories) is refused, naming it', async () => {
    await expectError(start([{
      ChangeType: 'AddRepositories', Entity: { Type: 'AmiProduct@1.0', Identifier: productId },
      DetailsDocument: { Repositories: [{ RepositoryName: 'r', RepositoryType: 'ECR' }] },
    }]), V, 422, 'AddRepositories');
  });

  test('an unknown entity type is refused, naming it', async () => {
    await expectError(start([{ ChangeType: 'CreateProduct', Entity: { Type: 'Spaceship@1.0' }, DetailsDocument: {} }]),
      V, 422, 'Spaceship@1.0');
  });

  test('CreateProduct ProductTitle longer than 72 characters', async () => {
    await expectError(start([createProductChange('x'.repeat(73))]), V, 422, 'ProductTitle');
  });

  test('CreateProduct ProductTitle of 72 characters is fine', async () => {
    const d = await runChangeSet(client, [createProductChange('y'.repeat(72))]);
    assert.equal(d.Status, 'SUCCEEDED');
  });

  test('lengths count characters (code points), not bytes or UTF-16 units', async () => {
    const d = await runChangeSet(client, [createProductChange('é'.repeat(36) + '😀'.repeat(36))]);
    assert.equal(d.Status, 'SUCCEEDED');
    const e = await describeEntity(client, idOf(d.ChangeSet[0].Entity.Identifier));
    assert.equal(e.DetailsDocument.Description.ProductTitle, 'é'.repeat(36) + '😀'.repeat(36));
    await expectError(start([createProductChange('😀'.repeat(73))]), V, 422, 'ProductTitle');
  });

  test('CreateProduct ProductTitle of the wrong JSON type', async () => {
    await expectError(start([{ ChangeType: 'CreateProduct', Entity: { Type: 'AmiProduct@1.0' },
      DetailsDocument: { ProductTitle: 123 } }]), V, 422, 'ProductTitle');
  });

  test('CreateProduct ProductTitle with a control character', async () => {
    await expectError(start([createProductChange('bad\u0001title')]), V, 422, 'ProductTitle');
  });

  const tooLong = [
    ['ProductTitle', 72], ['ShortDescription', 1000], ['LongDescription', 5000], ['SupportDescription', 2000],
  ];
  for (const [field, max] of tooLong) {
    test(`UpdateInformation ${field} longer than ${max}`, async () => {
      await expectError(update({ [field]: 'a'.repeat(max + 1) }), V, 422, field);
    });
  }

  test('UpdateInformation Highlights with 4 items', async () => {
    await expectError(update({ Highlights: ['a', 'b', 'c', 'd'] }), V, 422, 'Highlights');
  });
  test('UpdateInformation Highlights as a string (wrong type)', async () => {
    await expectError(update({ Highlights: 'a' }), V, 422, 'Highlights');
  });
  test('UpdateInformation Categories with 4 items', async () => {
    await expectError(update({ Categories: ['Operating Systems', 'Security', 'Storage', 'Migration'] }),
      V, 422, 'Categories');
  });
  test('UpdateInformation SearchKeywords with 16 items', async () => {
    await expectError(update({ SearchKeywords: Array.from({ length: 16 }, (_, i) => `k${i}`) }),
      V, 422, 'SearchKeywords');
  });
  test('UpdateInformation LogoUrl that is not https', async () => {
    await expectError(update({ LogoUrl: 'http://example.com/logo.png' }), V, 422, 'LogoUrl');
  });
  test('UpdateInformation AdditionalResources item without Url', async () => {
    await expectError(update({ AdditionalResources: [{ Text: 'Docs' }] }), V, 422, 'Url');
  });
  test('UpdateInformation Sku of the wrong type', async () => {
    await expectError(update({ Sku: 42 }), V, 422, 'Sku');
  });
  test('UpdateInformation Categories outside AWS\'s list is refused (sync or INVALID_CATEGORY_NAMES)', async () => {
    await expectRejected([updateInformationChange(filledId, { Categories: ['Not A Real Category'] })],
      'Categories', 'INVALID_CATEGORY_NAMES');
  });

  test('Offer CreateOffer without ProductId', async () => {
    await expectError(start([{ ChangeType: 'CreateOffer', Entity: { Type: 'Offer@1.0' }, DetailsDocument: { Name: 'n' } }]),
      V, 422, 'ProductId');
  });
  test('Offer CreateOffer for a product that does not exist is ResourceNotFoundException', async () => {
    await expectError(start([{ ChangeType: 'CreateOffer', Entity: { Type: 'Offer@1.0' },
      DetailsDocument: { ProductId: 'prod-zzzzzzzzzzzzz' } }]), 'ResourceNotFoundException', 404);
  });
  test('Offer UpdateInformation Name longer than 150 and bad PricingModel', async () => {
    const d = await runChangeSet(client, [{ ChangeType: 'CreateOffer', Entity: { Type: 'Offer@1.0' },
      DetailsDocument: { ProductId: filledId } }]);
    assert.equal(d.Status, 'SUCCEEDED');
    const offerId = idOf(d.ChangeSet[0].Entity.Identifier);
    const offerUpdate = (details) => start([{ ChangeType: 'UpdateInformation',
      Entity: { Type: 'Offer@1.0', Identifier: offerId }, DetailsDocument: details }]);
    await expectError(offerUpdate({ Name: 'n'.repeat(151) }), V, 422, 'Name');
    await expectError(offerUpdate({ Description: 'd'.repeat(256) }), V, 422, 'Description');
    await expectError(offerUpdate({ PreExistingAgreement: { AcquisitionChannel: 'External', PricingModel: 'Bogus' } }),
      V, 422, 'PricingModel');
  });

  test('UpdateInformation on a product that does not exist is ResourceNotFoundException', async () => {
    await expectError(update({ ShortDescription: 'x' }, 'prod-zzzzzzzzzzzzz'), 'ResourceNotFoundException', 404);
  });

  const itemLimits = [
    ['VideoUrls', { VideoUrls: ['https://example.com/1.mp4', 'https://example.com/2.mp4'] }],
    ['AdditionalResources', { AdditionalResources: [1, 2, 3, 4].map((i) => ({ Text: `t${i}`, Url: `https://example.com/${i}` })) }],
    ['Highlights', { Highlights: ['h'.repeat(501)] }],
    ['SearchKeywords', { SearchKeywords: ['k'.repeat(51)] }],
    ['ShortDescription', { ShortDescription: 'bell\u0007' }],
  ];
  for (const [field, details] of itemLimits) {
    test(`UpdateInformation ${field} over its item limit or with a control character`, async () => {
      await expectError(update(details), V, 422, field);
    });
  }

  test('UpdateInformation with no field at all', async () => {
    await expectError(update({}), V, 422, 'DetailsDocument');
  });

  test('UpdateInformation SearchKeywords totalling over 250 characters FAILS with INVALID_INPUT', async () => {
    await expectRejected([updateInformationChange(filledId,
      { SearchKeywords: Array.from({ length: 6 }, (_, i) => String(i).repeat(50)) })], 'SearchKeywords', 'INVALID_INPUT');
  });

  test('UpdateInformation Sku null clears it', async () => {
    let d = await runChangeSet(client, [updateInformationChange(filledId, { Sku: 'TO-CLEAR' })]);
    assert.equal(d.Status, 'SUCCEEDED');
    d = await runChangeSet(client, [updateInformationChange(filledId, { Sku: null })]);
    assert.equal(d.Status, 'SUCCEEDED');
    assert.equal((await describeEntity(client, filledId)).DetailsDocument.Description.Sku, null);
  });

  test('CreateProduct with an Entity.Identifier', async () => {
    await expectError(start([{ ChangeType: 'CreateProduct', Entity: { Type: 'AmiProduct@1.0', Identifier: productId },
      DetailsDocument: {} }]), V, 422, 'Identifier');
  });

  test('an unknown field in UpdateInformation', async () => {
    await expectError(update({ Colour: 'blue' }), V, 422, 'Colour');
  });

  test('two changes with the same ChangeName', async () => {
    await expectError(start([createProductChange('a', 'Same'), createProductChange('b', 'Same')]), V, 422, 'ChangeName');
  });

  test('references that form a cycle', async () => {
    await expectError(start([
      { ChangeType: 'CreateOffer', ChangeName: 'A', Entity: { Type: 'Offer@1.0' }, DetailsDocument: { ProductId: '$B.Entity.Identifier' } },
      { ChangeType: 'CreateOffer', ChangeName: 'B', Entity: { Type: 'Offer@1.0' }, DetailsDocument: { ProductId: '$A.Entity.Identifier' } },
    ]), V, 422, /cycle|\$A|\$B/);
  });

  test('the same ChangeType twice on one entity in one change set', async () => {
    await expectError(start([
      updateInformationChange(filledId, { ShortDescription: 'one' }),
      updateInformationChange(filledId, { LongDescription: 'two' }),
    ]), V, 422, 'UpdateInformation');
  });

  test('more than 20 changes', async () => {
    const changes = Array.from({ length: 21 }, (_, i) => createProductChange(`Too many ${i}`, `C${i}`));
    await expectError(start(changes), V, 422, 'ChangeSet');
  });

  test('an empty ChangeSet', async () => {
    await expectError(start([]), V, 422, 'ChangeSet');
  });

  test('both Details and DetailsDocument on one change', async () => {
    await expectError(start([{ ChangeType: 'CreateProduct', Entity: { Type: 'AmiProduct@1.0' },
      Details: '{"ProductTitle":"a"}', DetailsDocument: { ProductTitle: 'a' } }]), V, 422, 'Details');
  });

  test('Details that is not a JSON object', async () => {
    await expectError(start([{ ChangeType: 'CreateProduct', Entity: { Type: 'AmiProduct@1.0' },
      Details: '{not json' }]), V, 422, 'Details');
  });

  test('Details given as a string works like DetailsDocument', async () => {
    const d = await runChangeSet(client, [{ ChangeType: 'CreateProduct', Entity: { Type: 'AmiProduct@1.0' },
      Details: JSON.stringify({ ProductTitle: 'From Details' }) }]);
    assert.equal(d.Status, 'SUCCEEDED');
    const e = await describeEntity(client, idOf(d.ChangeSet[0].Entity.Identifier));
    assert.equal(e.DetailsDocument.Description.ProductTitle, 'From Details');
  });

  test('a $reference to a change that is not in the set', async () => {
    await expectError(start([updateInformationChange('$NoSuchChange.Entity.Identifier', { ShortDescription: 'x' })]),
      V, 422, 'NoSuchChange');
  });

  test('Catalog other than AWSMarketplace', async () => {
    await expectError(call(client, 'StartChangeSet', { Catalog: 'Elsewhere', ChangeSet: [createProductChange('c')] }),
      V, 422, 'Catalog');
  });
  test('ChangeSetName longer than 100 or with forbidden characters', async () => {
    await expectError(start([createProductChange('n')], { ChangeSetName: 'n'.repeat(101) }), V, 422, 'ChangeSetName');
    await expectError(start([createProductChange('n')], { ChangeSetName: 'bad<name>' }), V, 422, 'ChangeSetName');
  });
  test('ClientRequestToken longer than 64', async () => {
    await expectError(start([createProductChange('t')], { ClientRequestToken: 't'.repeat(65) }),
      V, 422, 'ClientRequestToken');
  });
  test('Intent other than APPLY or VALIDATE', async () => {
    await expectError(start([createProductChange('i')], { Intent: 'MAYBE' }), V, 422, 'Intent');
  });
  test('ChangeSetTags with a key longer than 128', async () => {
    await expectError(start([createProductChange('t')], { ChangeSetTags: [{ Key: 'k'.repeat(129), Value: 'v' }] }),
      V, 422, 'Key');
  });
});

describe('StartChangeSet: asynchronous failures and all-or-nothing', () => {
  test('a first UpdateInformation without every required field FAILS with MISSING_DATA, changing nothing', async () => {
    const before = await describeEntity(client, productId);
    const d = await runChangeSet(client, [updateInformationChange(productId, { ProductTitle: 'Only a title' })]);
    assert.equal(d.Status, 'FAILED');
    assert.equal(d.FailureCode, 'CLIENT_ERROR');
    assert.match(d.EndTime, /Z$/);
    const errors = d.ChangeSet[0].ErrorDetailList;
    assert.ok(Array.isArray(errors) && errors.length >= 1, 'ErrorDetailList');
    assert.equal(errors[0].ErrorCode, 'MISSING_DATA');
    assert.ok(errors[0].ErrorMessage, 'ErrorMessage');
    const after = await describeEntity(client, productId);
    assert.equal(after.EntityIdentifier, before.EntityIdentifier, 'revision unchanged');
    assert.deepEqual(after.DetailsDocument, before.DetailsDocument, 'product unchanged');
  });

  test('a set whose second change fails creates nothing (CreateProduct + incomplete UpdateInformation)', async () => {
    const countBefore = (await listAllEntities(client)).length;
    const d = await runChangeSet(client, [
      createProductChange('Never Created', 'CreateProductChange'),
      updateInformationChange('$CreateProductChange.Entity.Identifier', { ShortDescription: 'incomplete' }),
    ]);
    assert.equal(d.Status, 'FAILED');
    assert.equal(d.FailureCode, 'CLIENT_ERROR');
    const failing = d.ChangeSet.find((c) => c.ChangeType === 'UpdateInformation');
    assert.equal(failing.ErrorDetailList?.[0]?.ErrorCode, 'MISSING_DATA');
    const all = await listAllEntities(client);
    assert.equal(all.length, countBefore, 'no product was created');
    assert.ok(!all.some((s) => s.Name === 'Never Created'));
  });
});

describe('optimistic locking with @revision', () => {
  test('a stale revision is refused, naming the latest revision; the latest one works', async () => {
    const id = await createFilledProduct(client, 'Revisioned');
    const e = await describeEntity(client, id);
    const rev = Number(e.EntityIdentifier.split('@')[1]);
    assert.equal(rev, 2);
    const err = await expectError(update({ ShortDescription: 'stale' }, `${id}@1`), V, 422);
    assert.match(err.message, new RegExp(`${id}@2|\\b2\\b`), `message should name revision 2: ${err.message}`);
    await expectError(update({ ShortDescription: 'future' }, `${id}@7`), V, 422, /\b2\b/);
    const d = await runChangeSet(client, [updateInformationChange(`${id}@2`, { ShortDescription: 'fresh' })]);
    assert.equal(d.Status, 'SUCCEEDED');
    assert.equal((await describeEntity(client, id)).EntityIdentifier, `${id}@3`);
  });
});

describe('other operations: limits', () => {
  test('ListEntities MaxResults 51 and 0', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 51 }),
      V, 422, 'MaxResults');
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 0 }),
      V, 422, 'MaxResults');
  });
  test('ListEntities unknown EntityType', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'Spaceship' }), V, 422, 'EntityType');
  });
  test('ListEntities bad OwnershipType', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', OwnershipType: 'EVERYONE' }),
      V, 422, 'OwnershipType');
  });
  test('ListEntities a NextToken the server never issued', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', NextToken: 'bm90LWEtdG9rZW4=' }),
      V, 422, 'NextToken');
  });
  test('ListEntities AmiProductSort by an unknown field', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct',
      EntityTypeSort: { AmiProductSort: { SortBy: 'Colour', SortOrder: 'ASCENDING' } } }), V, 422, 'SortBy');
  });
  test('ListEntities AmiProductFilters Visibility with an unknown value', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct',
      EntityTypeFilters: { AmiProductFilters: { Visibility: { ValueList: ['Secret'] } } } }), V, 422, 'Visibility');
  });
  test('ListEntities FilterList with an unsupported filter name', async () => {
    await expectError(call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct',
      FilterList: [{ Name: 'Colour', ValueList: ['red'] }] }), V, 422, 'Colour');
  });
  test('ListChangeSets MaxResults 21', async () => {
    await expectError(call(client, 'ListChangeSets', { Catalog: CATALOG, MaxResults: 21 }), V, 422, 'MaxResults');
  });
  test('ListChangeSets bad Sort.SortBy and bad Status filter', async () => {
    await expectError(call(client, 'ListChangeSets', { Catalog: CATALOG, Sort: { SortBy: 'Colour' } }), V, 422, 'SortBy');
    await expectError(call(client, 'ListChangeSets', { Catalog: CATALOG,
      FilterList: [{ Name: 'Status', ValueList: ['SLEEPING'] }] }), V, 422, /Status|FilterList/);
  });
  test('BatchDescribeEntities with 21 requests', async () => {
    const list = Array.from({ length: 21 }, () => ({ Catalog: CATALOG, EntityId: filledId }));
    await expectError(call(client, 'BatchDescribeEntities', { EntityRequestList: list }), V, 422, 'EntityRequestList');
  });
  test('DescribeEntity with a malformed EntityId', async () => {
    await expectError(describeEntity(client, 'prod-<script>'), V, 422, 'EntityId');
  });
  test('TagResource limits: key > 128, value > 256, malformed ARN, unknown entity', async () => {
    const arn = arnOf(filledId);
    await expectError(call(client, 'TagResource', { ResourceArn: arn, Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }),
      V, 422, 'Key');
    await expectError(call(client, 'TagResource', { ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }),
      V, 422, 'Value');
    await expectError(call(client, 'TagResource', { ResourceArn: 'not-an-arn', Tags: [{ Key: 'k', Value: 'v' }] }),
      V, 422, 'ResourceArn');
    await expectError(call(client, 'TagResource', { ResourceArn: arnOf('prod-zzzzzzzzzzzzz'), Tags: [{ Key: 'k', Value: 'v' }] }),
      'ResourceNotFoundException', 404);
    await expectError(call(client, 'ListTagsForResource', { ResourceArn: arnOf('prod-zzzzzzzzzzzzz') }),
      'ResourceNotFoundException', 404);
  });
  test('PutResourcePolicy with a Policy over 10240 characters or not JSON', async () => {
    const arn = arnOf(filledId);
    await expectError(call(client, 'PutResourcePolicy', { ResourceArn: arn,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [], Pad: 'p'.repeat(10240) }) }), V, 422, 'Policy');
    await expectError(call(client, 'PutResourcePolicy', { ResourceArn: arn, Policy: '{nope' }), V, 422, 'Policy');
  });
  test('GetResourcePolicy without a policy is ResourceNotFoundException; policy ops on an unknown entity too', async () => {
    await expectError(call(client, 'GetResourcePolicy', { ResourceArn: arnOf(filledId) }), 'ResourceNotFoundException', 404);
    const missing = arnOf('prod-zzzzzzzzzzzzz');
    await expectError(call(client, 'GetResourcePolicy', { ResourceArn: missing }), 'ResourceNotFoundException', 404);
    await expectError(call(client, 'PutResourcePolicy', { ResourceArn: missing,
      Policy: '{"Version":"2012-10-17","Statement":[]}' }), 'ResourceNotFoundException', 404);
    await expectError(call(client, 'DeleteResourcePolicy', { ResourceArn: missing }), 'ResourceNotFoundException', 404);
  });
});

describe('malformed and oversized requests (raw, signed)', () => {
  const post = (path, body, headers = {}) => rawRequest(server.endpoint,
    { method: 'POST', path, body, headers: { 'content-type': 'application/json', ...headers }, creds: seller });

  test('the raw signer itself is accepted (sanity check)', async () => {
    const r = await post('/ListEntities', JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: 1 }));
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.EntitySummaryList));
  });

  test('malformed JSON is 400 SerializationException', async () => {
    for (const path of ['/StartChangeSet', '/ListEntities', '/ListChangeSets', '/TagResource']) {
      const r = await post(path, '{"Catalog": "AWSMarketplace", "ChangeSet": [');
      assert.equal(r.status, 400, `${path}: ${r.status} ${r.text}`);
      assert.equal(r.errorType, 'SerializationException', `${path}: x-amzn-ErrorType ${r.headers['x-amzn-errortype']}`);
      assert.equal(typeof r.json?.Message, 'string', `${path}: body ${r.text}`);
    }
  });

  test('a JSON body that is not an object is a 4xx (400 SerializationException or 422 ValidationException)', async () => {
    const r = await post('/StartChangeSet', '[1,2,3]');
    assert.ok([400, 422].includes(r.status), `${r.status} ${r.text}`);
    assert.equal(r.errorType, r.status === 400 ? 'SerializationException' : V);
    assert.equal(typeof r.json?.Message, 'string');
  });

  test('a body over 12 MB is 413', async () => {
    const big = JSON.stringify({ Catalog: CATALOG, ChangeSetName: 'x', Pad: 'p'.repeat(13 * 1024 * 1024) });
    const r = await rawRequest(server.endpoint, { method: 'POST', path: '/StartChangeSet', body: big,
      headers: { 'content-type': 'application/json' }, creds: seller, stallAfter: 1 << 20 });
    assert.equal(r.status, 413, `got ${r.status} ${r.text.slice(0, 200)}`);
  });

  test('wrong JSON types at the top level are 422 naming the field', async () => {
    const cases = [
      ['/StartChangeSet', { Catalog: CATALOG, ChangeSet: 'not a list' }, 'ChangeSet'],
      ['/StartChangeSet', { Catalog: CATALOG, ChangeSet: [{ ChangeType: 7, Entity: { Type: 'AmiProduct@1.0' }, DetailsDocument: {} }] }, 'ChangeType'],
      ['/StartChangeSet', { Catalog: CATALOG, ChangeSet: [{ ChangeType: 'CreateProduct', Entity: 'AmiProduct@1.0', DetailsDocument: {} }] }, 'Entity'],
      ['/StartChangeSet', { Catalog: 42, ChangeSet: [createProductChange('t')] }, 'Catalog'],
      ['/ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct', MaxResults: '20' }, 'MaxResults'],
      ['/ListChangeSets', { Catalog: CATALOG, FilterList: { Name: 'Status' } }, 'FilterList'],
      ['/TagResource', { ResourceArn: arnOf(filledId), Tags: { Key: 'v' } }, 'Tags'],
    ];
    for (const [path, body, field] of cases) {
      const r = await post(path, JSON.stringify(body));
      assert.equal(r.status, 422, `${path} ${JSON.stringify(body).slice(0, 120)}: ${r.status} ${r.text}`);
      assert.equal(r.errorType, V);
      assert.ok(r.json?.Message?.includes(field), `${path}: message should name ${field}: ${r.text}`);
    }
  });

  test('JSON nested 100,000 deep is 400, not a crash', async () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    const r = await post('/StartChangeSet', `{"Catalog":"AWSMarketplace","ChangeSet":[{"ChangeType":"CreateProduct",` +
      `"Entity":{"Type":"AmiProduct@1.0"},"DetailsDocument":{"x":${deep}}}]}`);
    assert.equal(r.status, 400, r.text.slice(0, 200));
    assert.equal(r.errorType, 'SerializationException');
  });

  test('invalid UTF-8 in the body is 400 SerializationException', async () => {
    const r = await post('/StartChangeSet', Buffer.concat([Buffer.from('{"Catalog":"AWSMarketplace","ChangeSetName":"'),
      Buffer.from([0xff, 0xfe]), Buffer.from('","ChangeSet":[]}')]));
    assert.equal(r.status, 400, r.text);
    assert.equal(r.errorType, 'SerializationException');
  });

  test('a non-integer MaxResults is 422 naming MaxResults', async () => {
    for (const v of ['2.5', '1e30', '-1']) {
      const r = await post('/ListEntities', `{"Catalog":"AWSMarketplace","EntityType":"AmiProduct","MaxResults":${v}}`);
      assert.equal(r.status, 422, `${v}: ${r.text}`);
      assert.match(r.json?.Message ?? '', /MaxResults|maxResults/);
    }
  });

  test('oversized request headers are refused with a 4xx, and the server lives on', async () => {
    const r = await post('/ListEntities', '{}', { 'x-padding': 'a'.repeat(100_000) });
    assert.ok(r.status === 431 || r.status === 400, `got ${r.status}`);
  });

  test('a required field missing is 422 naming it', async () => {
    const r = await post('/StartChangeSet', JSON.stringify({ Catalog: CATALOG }));
    assert.equal(r.status, 422, r.text);
    assert.ok(r.json?.Message?.includes('ChangeSet'), r.text);
    const r2 = await post('/ListEntities', JSON.stringify({ Catalog: CATALOG }));
    assert.equal(r2.status, 422, r2.text);
    assert.ok(r2.json?.Message?.includes('EntityType'), r2.text);
  });

  test('a GET without its required query parameter is 422 naming it', async () => {
    const r = await rawRequest(server.endpoint, { method: 'GET', path: '/DescribeChangeSet',
      query: { catalog: CATALOG }, creds: seller });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.errorType, V);
    assert.match(r.json?.Message ?? '', /changeSetId|ChangeSetId/);
    const r2 = await rawRequest(server.endpoint, { method: 'GET', path: '/DescribeEntity',
      query: { catalog: CATALOG }, creds: seller });
    assert.equal(r2.status, 422, r2.text);
    assert.match(r2.json?.Message ?? '', /entityId|EntityId/);
  });

  test('an unknown operation path is a 4xx, not a crash', async () => {
    const r = await post('/LaunchRocket', '{}');
    assert.ok(r.status >= 400 && r.status < 500, `got ${r.status}`);
  });

  test('the server is still healthy after all of that', async () => {
    const r = await rawRequest(server.endpoint, { method: 'GET', path: '/healthz', sign: false });
    assert.equal(r.status, 200);
    const out = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct' });
    assert.ok(out.EntitySummaryList.length >= 2);
  });
});
