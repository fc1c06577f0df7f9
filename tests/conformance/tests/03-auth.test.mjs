// SigV4 verification, account roles, amiplace's admin CLI and one seller's isolation from another.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createAccount, catalogClient, call, expectError, runAmiplace, stripMeta,
} from '../lib/server.mjs';
import { rawRequest } from '../lib/raw.mjs';
import {
  CATALOG, idOf, createProductChange, updateInformationChange, startChangeSet, applyChangeSet,
  createProduct, describeEntity, listAllEntities, listAllChangeSets,
} from '../lib/fixtures.mjs';

let server, sellerA, sellerB, buyer, clientA, clientB;
let productA, changeSetA;

before(async () => {
  server = await startServer();
  sellerA = createAccount(server, 'SELLER', 'Seller A');
  sellerB = createAccount(server, 'SELLER', 'Seller B');
  buyer = createAccount(server, 'BUYER', 'Buyer One');
  clientA = catalogClient(server, sellerA);
  clientB = catalogClient(server, sellerB);
  const d = await applyChangeSet(clientA, [createProductChange('Seller A Product')], { ChangeSetName: 'A-create' });
  productA = idOf(d.ChangeSet[0].Entity.Identifier);
  changeSetA = d;
});
after(async () => { await server?.stop(); });

const list = (client) => call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct' });
const arnA = () => `arn:aws:aws-marketplace:us-east-1:${sellerA.AccountId}:AWSMarketplace/AmiProduct/${productA}`;

describe('SigV4', () => {
  test('an unknown access key is 403 UnrecognizedClientException', async () => {
    const c = catalogClient(server, { AccessKeyId: 'AKIAUNKNOWNUNKNOWN00', SecretAccessKey: 'x'.repeat(40) });
    await expectError(list(c), 'UnrecognizedClientException', 403);
  });

  test('a wrong secret is 403 InvalidSignatureException', async () => {
    const c = catalogClient(server, { AccessKeyId: sellerA.AccessKeyId, SecretAccessKey: sellerA.SecretAccessKey + 'x' });
    await expectError(list(c), 'InvalidSignatureException', 403);
  });

  test('a request signed 20 minutes ago is 403 InvalidSignatureException (skew > 15 min)', async () => {
    const body = JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct' });
    const date = new Date(Date.now() - 20 * 60 * 1000);
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', body, creds: sellerA, date,
      headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.errorType, 'InvalidSignatureException', r.text);
    assert.equal(typeof r.json?.Message, 'string');
  });

  test('a request signed 20 minutes in the future is refused too, through the SDK', async () => {
    const c = catalogClient(server, sellerA, { systemClockOffset: 20 * 60 * 1000 });
    await expectError(list(c), 'InvalidSignatureException', 403);
  });

  test('a request signed 10 minutes ago is accepted (within the 15-minute window)', async () => {
    const body = JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct' });
    const date = new Date(Date.now() - 10 * 60 * 1000);
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', body, creds: sellerA, date,
      headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200, r.text);
  });

  test('a request without x-amz-content-sha256 is verified against the body (as the CLI sends)', async () => {
    const body = JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct' });
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', body, creds: sellerA, signBodyHash: false,
      headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200, r.text);
  });

  test('a body altered after signing is 403 InvalidSignatureException', async () => {
    const { sign } = await import('../lib/raw.mjs');
    const url = new URL(server.endpoint);
    const body = JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct' });
    const headers = sign({ method: 'POST', host: url.host, path: '/ListEntities', body, creds: sellerA,
      headers: { 'content-type': 'application/json' }, signBodyHash: false });
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', sign: false, headers,
      body: JSON.stringify({ Catalog: CATALOG, EntityType: 'Offer' }) });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.errorType, 'InvalidSignatureException', r.text);
  });

  test('a garbled Authorization header is IncompleteSignatureException', async () => {
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', sign: false, body: '{}',
      headers: { authorization: 'AWS4-HMAC-SHA256 garbage', 'x-amz-date': '20260101T000000Z' } });
    assert.ok([400, 403].includes(r.status), `${r.status} ${r.text}`);
    assert.equal(r.errorType, 'IncompleteSignatureException', r.text);
  });

  test('a signature scoped to another service is 403 InvalidSignatureException', async () => {
    const { sign } = await import('../lib/raw.mjs');
    const url = new URL(server.endpoint);
    const body = JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct' });
    const headers = sign({ method: 'POST', host: url.host, path: '/ListEntities', body, creds: sellerA, service: 'execute-api' });
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', sign: false, headers, body });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.errorType, 'InvalidSignatureException', r.text);
  });

  test('an unsigned request is 403 MissingAuthenticationTokenException', async () => {
    const r = await rawRequest(server.endpoint, { path: '/ListEntities', sign: false,
      body: JSON.stringify({ Catalog: CATALOG, EntityType: 'AmiProduct' }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.errorType, 'MissingAuthenticationTokenException', r.text);
  });

  test('GET /healthz needs no signature', async () => {
    const r = await rawRequest(server.endpoint, { method: 'GET', path: '/healthz', sign: false });
    assert.equal(r.status, 200);
  });
});

describe('account roles and the admin CLI', () => {
  test('create-account BUYER prints the account', () => {
    assert.equal(buyer.Type, 'BUYER');
    assert.equal(buyer.Name, 'Buyer One');
    assert.match(buyer.AccountId, /^\d{12}$/);
    const ids = new Set([server.operator.AccountId, sellerA.AccountId, sellerB.AccountId, buyer.AccountId]);
    assert.equal(ids.size, 4, 'account IDs are distinct');
    assert.notEqual(sellerA.AccessKeyId, sellerB.AccessKeyId);
  });

  test('a BUYER cannot start a change set: AccessDeniedException 403', async () => {
    const c = catalogClient(server, buyer);
    await expectError(startChangeSet(c, [createProductChange('Buyer Product')]), 'AccessDeniedException', 403);
  });

  test('the OPERATOR cannot start a change set either: AccessDeniedException 403', async () => {
    const c = catalogClient(server, server.operator);
    await expectError(startChangeSet(c, [createProductChange('Operator Product')]), 'AccessDeniedException', 403);
  });

  test('a BUYER sees no Draft product: ListEntities is empty, DescribeEntity is 404', async () => {
    const c = catalogClient(server, buyer);
    const out = await call(c, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct' });
    assert.deepEqual(out.EntitySummaryList, []);
    await expectError(describeEntity(c, productA), 'ResourceNotFoundException', 404);
  });

  test('admin create-account without --name exits 2 (usage error)', () => {
    const r = runAmiplace(['admin', 'create-account', '--type', 'SELLER', '--endpoint-url', server.endpoint],
      { creds: server.operator });
    assert.equal(r.status, 2, `exit ${r.status}\nstderr: ${r.stderr}`);
  });

  test('a seller running admin create-account exits 1 with AccessDeniedException on stderr', () => {
    const r = runAmiplace(['admin', 'create-account', '--type', 'SELLER', '--name', 'Sneaky', '--endpoint-url', server.endpoint],
      { creds: sellerA });
    assert.equal(r.status, 1, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /AccessDeniedException/);
    assert.equal(r.stdout.trim(), '');
  });

  test('admin create-account with a bad --type exits 2 (usage error)', () => {
    const r = runAmiplace(['admin', 'create-account', '--type', 'EMPEROR', '--name', 'X', '--endpoint-url', server.endpoint],
      { creds: server.operator });
    assert.equal(r.status, 2, `exit ${r.status}\nstderr: ${r.stderr}`);
  });

  test('admin create-account with a wrong secret exits 1 with the signature error', () => {
    const r = runAmiplace(['admin', 'create-account', '--type', 'SELLER', '--name', 'X', '--endpoint-url', server.endpoint],
      { creds: { AccessKeyId: server.operator.AccessKeyId, SecretAccessKey: 'wrong-secret-wrong-secret' } });
    assert.equal(r.status, 1, `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /InvalidSignatureException/);
  });

  test('admin create-account reads AMIPLACE_ENDPOINT_URL', () => {
    const r = runAmiplace(['admin', 'create-account', '--type', 'BUYER', '--name', 'Via Env'],
      { creds: server.operator, env: { AMIPLACE_ENDPOINT_URL: server.endpoint } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.json.Name, 'Via Env');
  });
});

describe('one seller cannot see or change another seller\'s entities', () => {
  test('DescribeEntity of another seller\'s product is 404', async () => {
    await expectError(describeEntity(clientB, productA), 'ResourceNotFoundException', 404);
    const e = await describeEntity(clientA, productA);
    assert.equal(idOf(e.EntityIdentifier), productA);
  });

  test('ListEntities excludes another seller\'s products (SELF and SHARED)', async () => {
    const mineB = await createProduct(clientB, 'Seller B Product');
    const b = await listAllEntities(clientB);
    assert.ok(!b.some((s) => s.EntityId === productA), 'B must not list A\'s product');
    assert.ok(b.some((s) => s.EntityId === mineB));
    const shared = await listAllEntities(clientB, { OwnershipType: 'SHARED' });
    assert.ok(!shared.some((s) => s.EntityId === productA), 'nothing was shared with B');
    const a = await listAllEntities(clientA);
    assert.ok(a.some((s) => s.EntityId === productA));
    assert.ok(!a.some((s) => s.EntityId === mineB), 'A must not list B\'s product');
    const filtered = await listAllEntities(clientB, { FilterList: [{ Name: 'EntityId', ValueList: [productA] }] });
    assert.deepEqual(filtered, []);
  });

  test('DescribeChangeSet / ListChangeSets / CancelChangeSet do not reveal another seller\'s change sets', async () => {
    await expectError(call(clientB, 'DescribeChangeSet', { Catalog: CATALOG, ChangeSetId: changeSetA.ChangeSetId }),
      'ResourceNotFoundException', 404);
    await expectError(call(clientB, 'CancelChangeSet', { Catalog: CATALOG, ChangeSetId: changeSetA.ChangeSetId }),
      'ResourceNotFoundException', 404);
    const sets = await listAllChangeSets(clientB);
    assert.ok(!sets.some((s) => s.ChangeSetId === changeSetA.ChangeSetId));
  });

  test('StartChangeSet on another seller\'s product is 404 and changes nothing', async () => {
    const before = await describeEntity(clientA, productA);
    await expectError(startChangeSet(clientB, [updateInformationChange(productA, { ShortDescription: 'hijacked' })]),
      'ResourceNotFoundException', 404);
    await expectError(startChangeSet(clientB, [{ ChangeType: 'CreateOffer', Entity: { Type: 'Offer@1.0' },
      DetailsDocument: { ProductId: productA } }]), 'ResourceNotFoundException', 404);
    const after = await describeEntity(clientA, productA);
    assert.deepEqual(stripMeta(after), stripMeta(before));
  });

  test('BatchDescribeEntities reports another seller\'s product as ResourceNotFound', async () => {
    const out = await call(clientB, 'BatchDescribeEntities', { EntityRequestList: [{ Catalog: CATALOG, EntityId: productA }] });
    assert.deepEqual(Object.keys(out.EntityDetails ?? {}), []);
    assert.equal(out.Errors?.[productA]?.ErrorCode, 'ResourceNotFound');
  });

  test('tags and resource policies of another seller\'s entity are out of reach', async () => {
    await call(clientA, 'TagResource', { ResourceArn: arnA(), Tags: [{ Key: 'secret', Value: 'a' }] });
    const denied = async (p) => {
      try {
        await p;
      } catch (err) {
        assert.ok(['ResourceNotFoundException', 'AccessDeniedException'].includes(err.name), `${err.name}: ${err.message}`);
        return;
      }
      assert.fail('call on another seller\'s ARN succeeded');
    };
    await denied(call(clientB, 'ListTagsForResource', { ResourceArn: arnA() }));
    await denied(call(clientB, 'TagResource', { ResourceArn: arnA(), Tags: [{ Key: 'b', Value: 'b' }] }));
    await denied(call(clientB, 'UntagResource', { ResourceArn: arnA(), TagKeys: ['secret'] }));
    await denied(call(clientB, 'PutResourcePolicy', { ResourceArn: arnA(), Policy: '{"Version":"2012-10-17","Statement":[]}' }));
    await denied(call(clientB, 'GetResourcePolicy', { ResourceArn: arnA() }));
    await denied(call(clientB, 'DeleteResourcePolicy', { ResourceArn: arnA() }));
    const tags = await call(clientA, 'ListTagsForResource', { ResourceArn: arnA() });
    assert.deepEqual(tags.Tags, [{ Key: 'secret', Value: 'a' }]);
    await expectError(call(clientA, 'GetResourcePolicy', { ResourceArn: arnA() }), 'ResourceNotFoundException', 404);
  });

  test('the product created by seller A names A\'s account in its ARN', async () => {
    const e = await describeEntity(clientA, productA);
    assert.equal(e.EntityArn, arnA());
  });
});

describe('sharing through a resource policy', () => {
  test('a policy naming seller B lets B read (SHARED) but not change A\'s product', async () => {
    const shared = await createProduct(clientA, 'Shared With B');
    const arn = `arn:aws:aws-marketplace:us-east-1:${sellerA.AccountId}:AWSMarketplace/AmiProduct/${shared}`;
    await expectError(describeEntity(clientB, shared), 'ResourceNotFoundException', 404);
    await call(clientA, 'PutResourcePolicy', { ResourceArn: arn, Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${sellerB.AccountId}:root` },
        Action: ['aws-marketplace:DescribeEntity', 'aws-marketplace:ListEntities'], Resource: arn }],
    }) });
    const e = await describeEntity(clientB, shared);
    assert.equal(idOf(e.EntityIdentifier), shared);
    const sharedList = await listAllEntities(clientB, { OwnershipType: 'SHARED' });
    assert.deepEqual(sharedList.map((s) => s.EntityId), [shared]);
    const self = await listAllEntities(clientB, { OwnershipType: 'SELF' });
    assert.ok(!self.some((s) => s.EntityId === shared), 'a shared product is not listed as SELF');
    try {
      await startChangeSet(clientB, [updateInformationChange(shared, { ShortDescription: 'not yours' })]);
      assert.fail('B changed A\'s shared product');
    } catch (err) {
      assert.ok(['ResourceNotFoundException', 'AccessDeniedException'].includes(err.name), `${err.name}: ${err.message}`);
    }
    await call(clientA, 'DeleteResourcePolicy', { ResourceArn: arn });
    await expectError(describeEntity(clientB, shared), 'ResourceNotFoundException', 404);
  });
});

describe('AWS\'s per-account request quotas (server run with its default quotas)', () => {
  let quotaServer;
  after(async () => { await quotaServer?.stop(); });

  test('more than 5 ListChangeSets in a second is 429 ThrottlingException, for that account only', async () => {
    quotaServer = await startServer({ requestQuotas: null });
    const s1 = createAccount(quotaServer, 'SELLER', 'Throttled');
    const s2 = createAccount(quotaServer, 'SELLER', 'Not Throttled');
    const c1 = catalogClient(quotaServer, s1);
    const req = (c) => call(c, 'ListChangeSets', { Catalog: CATALOG });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => req(c1)));
    const throttled = results.filter((r) => r.status === 'rejected');
    assert.ok(throttled.length >= 1, 'some of 12 concurrent calls must be throttled');
    for (const r of throttled) {
      assert.equal(r.reason.name, 'ThrottlingException', `${r.reason.name}: ${r.reason.message}`);
      assert.equal(r.reason.$metadata.httpStatusCode, 429);
    }
    assert.ok(results.filter((r) => r.status === 'fulfilled').length >= 5, 'the first 5 pass');
    await req(catalogClient(quotaServer, s2)); // another account has its own budget
    await new Promise((r) => setTimeout(r, 1100));
    await req(c1); // refilled after a second
  });
});
