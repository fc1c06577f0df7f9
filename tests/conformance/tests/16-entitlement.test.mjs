// The Marketplace Entitlement Service (issue 5, item 2): GetEntitlements through the official
// @aws-sdk/client-marketplace-entitlement-service, which speaks awsJson 1.1 by default, and through
// the same client switched to Smithy rpc-v2-cbor (SmithyRpcV2CborProtocol from @smithy/core/cbor,
// as SDKs built from the newer model do); raw signed requests cover what no SDK sends (malformed
// CBOR, a missing smithy-protocol header, no signature). A seller with two Public products — one
// with an Entitled dimension "Users", one hourly only — and buyers A and B subscribed, C subscribed
// and then cancelled. One server with --review auto.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as ent from '@aws-sdk/client-marketplace-entitlement-service';
import { SmithyRpcV2CborProtocol, cbor } from '@smithy/core/cbor';
import {
  startServer, createAccount, catalogClient, expectError, stripMeta, runAmiplace, REGION,
} from '../lib/server.mjs';
import { applyChangeSet } from '../lib/fixtures.mjs';
import { sign } from '../lib/raw.mjs';
import {
  registerImage, product, fullProductChanges, createdIds, details, buyer, destroyEc2Clients,
} from '../lib/ami.mjs';

const CBOR_PATH = '/service/AWSMPEntitlementService/operation/GetEntitlements';
const CUSTOMER_ID = /^[A-Za-z0-9]{13}$/;
const LICENSE_ARN = /^arn:aws:license-manager::\d{12}:license:l-[0-9a-f]{32}$/;

let server, seller, otherSeller, buyerA, buyerB, buyerC, catalog;
const s = { users: null, hourly: null }; // {productId, code}
const clients = [];

before(async () => {
  server = await startServer({ args: ['--review', 'auto'] });
  seller = createAccount(server, 'SELLER', 'Entitled Seller');
  otherSeller = createAccount(server, 'SELLER', 'Other Seller');
  buyerA = createAccount(server, 'BUYER', 'Buyer A');
  buyerB = createAccount(server, 'BUYER', 'Buyer B');
  buyerC = createAccount(server, 'BUYER', 'Buyer C');
  catalog = catalogClient(server, seller);
});
after(async () => {
  for (const c of clients) c.destroy();
  catalog?.destroy();
  destroyEc2Clients();
  await server?.stop();
});

function client(creds, { useCbor = false } = {}) {
  const c = new ent.MarketplaceEntitlementServiceClient({
    endpoint: server.endpoint,
    region: REGION,
    credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey },
    maxAttempts: 1,
    ...(useCbor ? { protocol: SmithyRpcV2CborProtocol } : {}),
  });
  clients.push(c);
  return c;
}
const get = (creds, input, opts) => client(creds, opts).send(new ent.GetEntitlementsCommand(input));

/** Every entitlement of a query, following NextToken. */
async function getAll(creds, input, opts) {
  const out = [];
  let NextToken;
  do {
    const page = await get(creds, { ...input, NextToken }, opts);
    out.push(...page.Entitlements);
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

const keys = (list) => list.map((e) => `${e.CustomerAWSAccountId}/${e.Dimension}`).sort();

async function publicProduct(title, extraDimensions = []) {
  const ami = await registerImage(server, seller, `${title}-1.0.0`);
  const changes = fullProductChanges({ title, amiId: ami, accountId: seller.AccountId });
  // One AddDimensions per product and change set: the extra dimensions join the hourly ones.
  changes.find((c) => c.ChangeType === 'AddDimensions').DetailsDocument.push(...extraDimensions);
  const d = await applyChangeSet(catalog, changes);
  const { productId } = createdIds(d);
  await applyChangeSet(catalog, [product('UpdateVisibility', productId, { TargetVisibility: 'Public' })]);
  const doc = await details(catalog, productId);
  assert.equal(doc.Description.Visibility, 'Public');
  return { productId, code: doc.Description.ProductCode };
}

/** A signed request with a binary body; resolves {status, headers, body (Buffer)}. */
function rawCbor({ body, creds = seller, headers = {}, path = CBOR_PATH, doSign = true }) {
  const url = new URL(server.endpoint);
  const base = {
    'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', ...headers,
  };
  for (const [k, v] of Object.entries(base)) if (v === undefined) delete base[k];
  const h = doSign ? sign({ method: 'POST', host: url.host, path, headers: base, body, creds })
    : { ...base, host: url.host };
  h['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path, headers: h, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      });
    req.on('error', reject);
    req.end(body);
  });
}
const encode = (v) => Buffer.from(cbor.serialize(v));
const decode = (buf) => cbor.deserialize(new Uint8Array(buf));

describe('GetEntitlements', () => {
  test('setup: two Public products, buyers A and B subscribed, C cancelled', async () => {
    s.users = await publicProduct('Entitled Appliance', [
      { Key: 'Users', Name: 'Users', Description: 'Named users', Unit: 'Users', Types: ['Entitled'] },
    ]);
    s.hourly = await publicProduct('Hourly Appliance');
    for (const b of [buyerA, buyerB, buyerC]) buyer.subscribe(server, b, s.users.productId);
    buyer.subscribe(server, buyerA, s.hourly.productId);
    const r = runAmiplace(['buyer', 'cancel-subscription', '--product-id', s.users.productId,
      '--endpoint-url', server.endpoint], { creds: buyerC });
    assert.equal(r.status, 0, `cancel-subscription failed: ${r.stdout}${r.stderr}`);
  });

  test('awsJson (the SDK default): one entitlement per active subscription and Entitled dimension', async () => {
    const out = await get(seller, { ProductCode: s.users.code });
    assert.equal(out.NextToken, undefined);
    assert.deepEqual(keys(out.Entitlements), [`${buyerA.AccountId}/Users`, `${buyerB.AccountId}/Users`].sort());
    for (const e of out.Entitlements) {
      assert.equal(e.ProductCode, s.users.code);
      assert.match(e.CustomerIdentifier, CUSTOMER_ID);
      assert.match(e.LicenseArn, LICENSE_ARN);
      assert.deepEqual(e.Value, { BooleanValue: true });
      assert.equal(e.ExpirationDate, undefined);
    }
    assert.notEqual(out.Entitlements[0].CustomerIdentifier, out.Entitlements[1].CustomerIdentifier);
    // Stable from call to call.
    const again = await get(seller, { ProductCode: s.users.code });
    assert.deepEqual(again.Entitlements, out.Entitlements);
  });

  test('a product without Entitled dimensions entitles on the dimension "subscription"', async () => {
    const out = await get(seller, { ProductCode: s.hourly.code });
    assert.deepEqual(keys(out.Entitlements), [`${buyerA.AccountId}/subscription`].sort());
    const users = await get(seller, { ProductCode: s.users.code, Filter: { CUSTOMER_AWS_ACCOUNT_ID: [buyerA.AccountId] } });
    assert.notEqual(out.Entitlements[0].CustomerIdentifier, users.Entitlements[0].CustomerIdentifier,
      'a customer identifier is per buyer and product');
  });

  test('filters: OR within a key, AND across keys; CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID exclude each other', async () => {
    const code = s.users.code;
    const byAccount = await get(seller, { ProductCode: code, Filter: { CUSTOMER_AWS_ACCOUNT_ID: [buyerA.AccountId, buyerC.AccountId] } });
    assert.deepEqual(keys(byAccount.Entitlements), [`${buyerA.AccountId}/Users`].sort());
    const a = byAccount.Entitlements[0];
    const byCustomer = await get(seller, { ProductCode: code, Filter: { CUSTOMER_IDENTIFIER: [a.CustomerIdentifier] } });
    assert.deepEqual(byCustomer.Entitlements, [a]);
    const byLicense = await get(seller, { ProductCode: code, Filter: { LICENSE_ARN: [a.LicenseArn], DIMENSION: ['Users'] } });
    assert.deepEqual(byLicense.Entitlements, [a]);
    const none = await get(seller, { ProductCode: code, Filter: { DIMENSION: ['Seats'], CUSTOMER_AWS_ACCOUNT_ID: [buyerA.AccountId] } });
    assert.deepEqual(none.Entitlements, []);
    await expectError(get(seller, { ProductCode: code, Filter: {
      CUSTOMER_IDENTIFIER: [a.CustomerIdentifier], CUSTOMER_AWS_ACCOUNT_ID: [buyerA.AccountId] } }),
    'InvalidParameterException', 400, 'mutually exclusive');
  });

  test('pagination: MaxResults 1 walks every entitlement once; the paginator agrees', async () => {
    const first = await get(seller, { ProductCode: s.users.code, MaxResults: 1 });
    assert.equal(first.Entitlements.length, 1);
    assert.equal(typeof first.NextToken, 'string');
    const all = await getAll(seller, { ProductCode: s.users.code, MaxResults: 1 });
    assert.deepEqual(keys(all), [`${buyerA.AccountId}/Users`, `${buyerB.AccountId}/Users`].sort());
    const paged = [];
    for await (const page of ent.paginateGetEntitlements({ client: client(seller), pageSize: 1 }, { ProductCode: s.users.code })) {
      paged.push(...page.Entitlements);
    }
    assert.deepEqual(paged, all);
    // A token belongs to its query.
    await expectError(get(seller, { ProductCode: s.hourly.code, NextToken: first.NextToken }),
      'InvalidParameterException', 400, 'NextToken');
  });

  test('only the product\'s seller may ask; the model\'s limits are InvalidParameterException', async () => {
    for (const creds of [otherSeller, buyerA]) {
      await expectError(get(creds, { ProductCode: s.users.code }), 'InvalidParameterException', 400, s.users.code);
    }
    await expectError(get(seller, { ProductCode: 'nosuchproductcode' }), 'InvalidParameterException', 400, 'nosuchproductcode');
    await expectError(get(seller, { ProductCode: s.users.code, MaxResults: 26 }), 'InvalidParameterException', 400, 'maxResults');
    await expectError(get(seller, { ProductCode: s.users.code, Filter: { COLOR: ['red'] } }), 'InvalidParameterException', 400, 'COLOR');
    await expectError(get(seller, { ProductCode: 'x'.repeat(256) }), 'InvalidParameterException', 400, 'productCode');
  });
});

describe('GetEntitlements over rpc-v2-cbor', () => {
  test('the SDK on SmithyRpcV2CborProtocol gets what awsJson gets', async () => {
    for (const input of [
      { ProductCode: s.users.code },
      { ProductCode: s.users.code, Filter: { DIMENSION: ['Users'], CUSTOMER_AWS_ACCOUNT_ID: [buyerB.AccountId] } },
      { ProductCode: s.hourly.code },
    ]) {
      const viaCbor = await get(seller, input, { useCbor: true });
      const viaJson = await get(seller, input);
      assert.deepEqual(stripMeta(viaCbor), stripMeta(viaJson));
    }
    // It did speak CBOR: the request went to the rpc-v2-cbor path with its headers.
    const c = client(seller, { useCbor: true });
    const sent = [];
    c.middlewareStack.add((next) => (args) => {
      sent.push({ path: args.request.path, headers: args.request.headers });
      return next(args);
    }, { step: 'finalizeRequest' });
    await c.send(new ent.GetEntitlementsCommand({ ProductCode: s.users.code }));
    assert.equal(sent[0].path, CBOR_PATH);
    assert.equal(sent[0].headers['smithy-protocol'], 'rpc-v2-cbor');
    assert.equal(sent[0].headers['content-type'], 'application/cbor');
    const all = await getAll(seller, { ProductCode: s.users.code, MaxResults: 1 }, { useCbor: true });
    assert.equal(all.length, 2);
    await expectError(get(seller, { ProductCode: s.users.code, MaxResults: 0 }, { useCbor: true }),
      'InvalidParameterException', 400, 'maxResults');
    await expectError(get(otherSeller, { ProductCode: s.users.code }, { useCbor: true }),
      'InvalidParameterException', 400);
  });

  test('raw requests: the answer\'s headers and CBOR body', async () => {
    const r = await rawCbor({ body: encode({ ProductCode: s.users.code, MaxResults: 1 }) });
    assert.equal(r.status, 200, r.body.toString('hex'));
    assert.equal(r.headers['content-type'], 'application/cbor');
    assert.equal(r.headers['smithy-protocol'], 'rpc-v2-cbor');
    assert.ok(r.headers['x-amzn-requestid']);
    const out = decode(r.body);
    assert.equal(out.Entitlements.length, 1);
    assert.equal(typeof out.NextToken, 'string');
    assert.deepEqual(out.Entitlements[0].Value, { BooleanValue: true });
  });

  test('raw requests: malformed CBOR, a missing smithy-protocol header and no signature are answered in CBOR', async () => {
    const expectCborError = (r, status, type, mention) => {
      assert.equal(r.status, status, r.body.toString('hex'));
      assert.equal(r.headers['smithy-protocol'], 'rpc-v2-cbor');
      assert.equal(r.headers['content-type'], 'application/cbor');
      const body = decode(r.body);
      assert.equal(body.__type, `com.amazonaws.marketplaceentitlementservice#${type}`);
      if (mention) assert.match(body.message, mention);
    };
    expectCborError(await rawCbor({ body: Buffer.from([0xbf, 0x61, 0x61]) }), 400, 'SerializationException', /offset/);
    expectCborError(await rawCbor({ body: Buffer.from([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) }),
      400, 'SerializationException', /exceeds/);
    expectCborError(await rawCbor({ body: Buffer.concat([Buffer.alloc(100, 0x81), Buffer.from([0])]) }),
      400, 'SerializationException', /nesting/);
    expectCborError(await rawCbor({ body: encode({ ProductCode: s.users.code }), headers: { 'smithy-protocol': undefined } }),
      400, 'SerializationException', /smithy-protocol/);
    expectCborError(await rawCbor({ body: encode({ ProductCode: s.users.code }), doSign: false }),
      403, 'MissingAuthenticationTokenException');
    expectCborError(await rawCbor({ body: encode({ ProductCode: s.users.code }), path: CBOR_PATH.replace('GetEntitlements', 'GetEverything') }),
      404, 'UnknownOperationException');
  });
});
