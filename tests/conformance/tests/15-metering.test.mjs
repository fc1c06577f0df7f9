// The Metering Service end to end (issue 5, CONTRACT §8 "Metering callers"), through the official
// @aws-sdk/client-marketplace-metering: a product with hourly pricing and an ExternallyMetered
// dimension; a subscribed buyer's instance takes its credentials from its metadata service
// (@aws-sdk/ec2-metadata-service) and meters with them. MeterUsage succeeds; a replay of the same
// hour answers the same MeteringRecordId; another quantity is a DuplicateRequestException; a
// ClientToken reused with other parameters an IdempotencyConflictException; an unknown dimension,
// a wrong product code, a wrong Region, broken allocations and a 7-hour-old timestamp (after
// `amiplace admin advance-clock --hours 7` on a --simulated-clock server) get AWS's errors;
// DryRun answers 412 DryRunOperation and records nothing; the seller's own long-term keys are
// refused (403). BatchMeterUsage, RegisterUsage and ResolveCustomer answer as documented.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import * as metering from '@aws-sdk/client-marketplace-metering';
import {
  startServer, createAccount, catalogClient, expectError, runAmiplace,
} from '../lib/server.mjs';
import { applyChangeSet } from '../lib/fixtures.mjs';
import {
  ec2, ec2Client, destroyEc2Clients, registerImage, product, fullProductChanges, createdIds, details,
} from '../lib/ami.mjs';

const TITLE = 'Metered Analytics Appliance';
const TYPES = ['t3.micro'];
const ROLE = 'amiplace-marketplace-instance';
const HOUR = 3600 * 1000;

let server, seller, buyer, outsider, catalog;
const clients = [];
const s = { productId: null, code: null, instance: null, creds: null };

before(async () => {
  server = await startServer({ args: ['--review', 'auto', '--simulated-clock'] });
  seller = createAccount(server, 'SELLER', 'Metering Seller');
  buyer = createAccount(server, 'BUYER', 'Metering Buyer');
  outsider = createAccount(server, 'BUYER', 'Unsubscribed Buyer');
  catalog = catalogClient(server, seller);
});
after(async () => {
  catalog?.destroy();
  for (const c of clients) c.destroy();
  destroyEc2Clients();
  await server?.stop();
});

/** The official metering client, signed with `credentials`, in `region`. */
function meteringClient(credentials, region = 'us-east-1') {
  const c = new metering.MarketplaceMeteringClient({ endpoint: server.endpoint, region, credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
}
const meter = (input, { creds = s.creds, region } = {}) =>
  meteringClient(creds, region).send(new metering.MeterUsageCommand(input));
/** Epoch instant of `ms` as a Date, as the SDK sends timestamps. */
const at = (ms) => new Date(ms);
/** The server's clock (simulated): `admin advance-clock --hours 0` reads it. */
function advanceClock(hours) {
  const r = runAmiplace(['admin', 'advance-clock', '--hours', String(hours), '--endpoint-url', server.endpoint],
    { creds: server.operator });
  assert.equal(r.status, 0, `admin advance-clock failed: ${r.stdout}${r.stderr}`);
  assert.match(r.json.Now, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  return Date.parse(r.json.Now);
}

describe('the Metering Service', () => {
  test('setup: an hourly product with an ExternallyMetered dimension; a subscribed buyer\'s instance', async () => {
    const ami = await registerImage(server, seller, 'metered-appliance-1.0.0');
    const changes = fullProductChanges({
      title: TITLE, amiId: ami, accountId: seller.AccountId, instanceTypes: TYPES,
      rates: { 't3.micro': '0.12', Users: '0.05' },
    });
    // The hourly dimension and the ExternallyMetered one, in the same AddDimensions change.
    changes.find((c) => c.ChangeType === 'AddDimensions').DetailsDocument.push(
      { Key: 'Users', Name: 'Active users', Description: 'Users active in the hour', Unit: 'Users', Types: ['ExternallyMetered'] });
    const d = await applyChangeSet(catalog, changes);
    s.productId = createdIds(d).productId;
    await applyChangeSet(catalog, [product('UpdateVisibility', s.productId, { TargetVisibility: 'Public' })]);
    const doc = await details(catalog, s.productId);
    s.code = doc.Description.ProductCode;
    assert.ok(doc.Dimensions.some((x) => x.Key === 'Users' && x.Types.includes('ExternallyMetered')));

    const sub = runAmiplace(['buyer', 'subscribe', '--product-id', s.productId, '--endpoint-url', server.endpoint],
      { creds: buyer });
    assert.equal(sub.status, 0, sub.stderr);
    const view = runAmiplace(['buyer', 'describe-product', '--product-id', s.productId, '--endpoint-url', server.endpoint],
      { creds: buyer }).json;
    // The buyer sees what it will pay: the public offer's prices with the dimensions' units.
    assert.equal(view.PricingModel, 'Usage');
    assert.deepEqual(view.Pricing.find((p) => p.DimensionKey === 'Users'),
      { DimensionKey: 'Users', Name: 'Active users', Unit: 'Users', Price: '0.05', Currency: 'USD' });
    assert.equal(view.Pricing.find((p) => p.DimensionKey === 't3.micro').Price, '0.12');
    const image = view.Versions[0].Images['us-east-1'];
    const out = await ec2Client(server, buyer).send(new ec2.RunInstancesCommand({
      ImageId: image, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
    }));
    s.instance = out.Instances[0];
    await ec2.waitUntilInstanceRunning({ client: ec2Client(server, buyer), maxWaitTime: 30 },
      { InstanceIds: [s.instance.InstanceId] });

    // The instance's credentials, read as software on the instance reads them.
    const imds = new MetadataService({
      endpoint: `http://${s.instance.PrivateIpAddress}:${server.imdsPort}`, retries: 0, ec2MetadataV1Disabled: true,
    });
    const role = (await imds.request('/latest/meta-data/iam/security-credentials/', {})).trim();
    assert.equal(role, ROLE);
    const c = JSON.parse(await imds.request(`/latest/meta-data/iam/security-credentials/${role}`, {}));
    s.creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.Token };
    assert.match(s.creds.accessKeyId, /^ASIA/);
  });

  test('MeterUsage with the instance\'s credentials records usage; a replay of the hour answers the same id', async () => {
    const now = advanceClock(0);
    const first = await meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 3 });
    assert.match(first.MeteringRecordId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    s.firstId = first.MeteringRecordId;
    s.firstTime = now;
    // Same hour (the Timestamp is rounded down to the hour), same quantity: the same record.
    const hourStart = Math.floor(now / HOUR) * HOUR;
    const again = await meter({ ProductCode: s.code, Timestamp: at(hourStart), UsageDimension: 'Users', UsageQuantity: 3 });
    assert.equal(again.MeteringRecordId, first.MeteringRecordId);
    // The same ClientToken and request, twice: the same record.
    const token = randomUUID();
    const input = { ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 3, ClientToken: token };
    assert.equal((await meter(input)).MeteringRecordId, first.MeteringRecordId);
    assert.equal((await meter(input)).MeteringRecordId, first.MeteringRecordId);
    s.token = token;
  });

  test('another quantity for the same hour is a DuplicateRequestException; a reused ClientToken an IdempotencyConflictException', async () => {
    await expectError(meter({ ProductCode: s.code, Timestamp: at(s.firstTime), UsageDimension: 'Users', UsageQuantity: 4 }),
      'DuplicateRequestException', 400, 'Users');
    await expectError(meter({ ProductCode: s.code, Timestamp: at(s.firstTime), UsageDimension: 'Users',
      UsageQuantity: 5, ClientToken: s.token }), 'IdempotencyConflictException', 400, 'ClientToken');
  });

  test('unknown dimension, wrong product code, wrong Region, broken allocations', async () => {
    const now = advanceClock(1);  // a fresh hour, since the instance runs
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Seats', UsageQuantity: 1 }),
      'InvalidUsageDimensionException', 400, 'Seats');
    await expectError(meter({ ProductCode: 'abcdefghijklmnopqrstuvwxy', Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 1 }),
      'InvalidProductCodeException', 400, 'abcdefghijklmnopqrstuvwxy');
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 1 },
      { region: 'eu-west-1' }), 'InvalidEndpointRegionException', 400, 'us-east-1');
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 5,
      UsageAllocations: [{ AllocatedUsageQuantity: 2, Tags: [{ Key: 'team', Value: 'a' }] },
        { AllocatedUsageQuantity: 2, Tags: [{ Key: 'team', Value: 'b' }] }] }),
    'InvalidUsageAllocationsException', 400, 'sum to 4');
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 1,
      UsageAllocations: [{ AllocatedUsageQuantity: 1, Tags: [{ Key: 'team', Value: 'a' }, { Key: 'team', Value: 'b' }] }] }),
    'InvalidTagException', 400, 'team');
    // A model limit: 400 ValidationException naming the field.
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'x'.repeat(256), UsageQuantity: 1 }),
      'ValidationException', 400, 'UsageDimension');
  });

  test('a dimension the seller adds later can be metered at once (no stale product is used)', async () => {
    const now = advanceClock(0);
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Seats', UsageQuantity: 1 }),
      'InvalidUsageDimensionException', 400, 'Seats');
    await applyChangeSet(catalog, [product('AddDimensions', s.productId, [
      { Key: 'Seats', Name: 'Seats', Description: 'Seats in use', Unit: 'Units', Types: ['ExternallyMetered'] }])]);
    const r = await meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Seats', UsageQuantity: 2 });
    assert.match(r.MeteringRecordId, /^[0-9a-f-]{36}$/);
  });

  test('DryRun: 412 DryRunOperation when the call would succeed, its own error otherwise; nothing recorded', async () => {
    const now = advanceClock(1);
    const hourAgo = now - HOUR;  // the hour the previous test left unmetered
    await expectError(meter({ ProductCode: s.code, Timestamp: at(hourAgo), UsageDimension: 'Users', UsageQuantity: 7, DryRun: true }),
      'DryRunOperation', 412);
    await expectError(meter({ ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Nope', UsageQuantity: 7, DryRun: true }),
      'InvalidUsageDimensionException', 400);
    // Nothing was recorded: another quantity for that hour is still accepted.
    const real = await meter({ ProductCode: s.code, Timestamp: at(hourAgo), UsageDimension: 'Users', UsageQuantity: 8 });
    assert.notEqual(real.MeteringRecordId, s.firstId);
  });

  test('foreign credentials are refused with 403 AccessDeniedException', async () => {
    const now = advanceClock(0);
    const input = { ProductCode: s.code, Timestamp: at(now), UsageDimension: 'Users', UsageQuantity: 1 };
    await expectError(meter(input, { creds: { accessKeyId: seller.AccessKeyId, secretAccessKey: seller.SecretAccessKey } }),
      'AccessDeniedException', 403, 'instance');
    await expectError(meter(input, { creds: { accessKeyId: buyer.AccessKeyId, secretAccessKey: buyer.SecretAccessKey } }),
      'AccessDeniedException', 403);
  });

  test('BatchMeterUsage (the seller, per customer), RegisterUsage and ResolveCustomer', async () => {
    const client = meteringClient({ accessKeyId: seller.AccessKeyId, secretAccessKey: seller.SecretAccessKey });
    const now = advanceClock(0);
    const records = [
      { Timestamp: at(now - 2 * HOUR), Dimension: 'Users', Quantity: 2, CustomerAWSAccountId: buyer.AccountId },
      { Timestamp: at(now - 2 * HOUR), Dimension: 'Users', Quantity: 2, CustomerAWSAccountId: outsider.AccountId },
    ];
    const out = await client.send(new metering.BatchMeterUsageCommand({ ProductCode: s.code, UsageRecords: records }));
    assert.deepEqual(out.Results.map((r) => r.Status), ['Success', 'CustomerNotSubscribed']);
    assert.deepEqual(out.UnprocessedRecords, []);
    const again = await client.send(new metering.BatchMeterUsageCommand({ ProductCode: s.code, UsageRecords: records.slice(0, 1) }));
    assert.equal(again.Results[0].Status, 'Success');
    assert.equal(again.Results[0].MeteringRecordId, out.Results[0].MeteringRecordId);
    const dup = await client.send(new metering.BatchMeterUsageCommand({ ProductCode: s.code,
      UsageRecords: [{ ...records[0], Quantity: 9 }] }));
    assert.equal(dup.Results[0].Status, 'DuplicateRecord');
    await expectError(client.send(new metering.BatchMeterUsageCommand({ ProductCode: s.code,
      UsageRecords: Array.from({ length: 26 }, () => records[0]) })), 'ValidationException', 400, 'UsageRecords');
    await expectError(client.send(new metering.BatchMeterUsageCommand({ ProductCode: s.code,
      UsageRecords: [{ ...records[0], Timestamp: at(now - 25 * HOUR) }] })), 'TimestampOutOfBoundsException', 400);
    await expectError(meteringClient(s.creds).send(new metering.RegisterUsageCommand({ ProductCode: s.code, PublicKeyVersion: 1 })),
      'PlatformNotSupportedException', 400);
    await expectError(client.send(new metering.ResolveCustomerCommand({ RegistrationToken: 'token' })),
      'InvalidTokenException', 400);
  });

  test('out of window: after advance-clock --hours 7, a 7-hour-old timestamp is TimestampOutOfBounds', async () => {
    const before = advanceClock(0);
    const after = advanceClock(7);
    assert.ok(after - before >= 7 * HOUR && after - before < 7 * HOUR + 60_000, `${before} → ${after}`);
    assert.equal(advanceClock(0) >= after, true);
    await expectError(meter({ ProductCode: s.code, Timestamp: at(after - 7 * HOUR), UsageDimension: 'Users', UsageQuantity: 1 }),
      'TimestampOutOfBoundsException', 400, '6 hours');
    // Within the window it still works.
    const ok = await meter({ ProductCode: s.code, Timestamp: at(after), UsageDimension: 'Users', UsageQuantity: 1 });
    assert.ok(ok.MeteringRecordId);
  });

  test('advance-clock: operator only; negative hours are a usage error', () => {
    const r = runAmiplace(['admin', 'advance-clock', '--hours', '1', '--endpoint-url', server.endpoint], { creds: seller });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /AccessDenied/);
    const neg = runAmiplace(['admin', 'advance-clock', '--hours', '-1', '--endpoint-url', server.endpoint], { creds: server.operator });
    assert.equal(neg.status, 2);
  });
});

describe('advance-clock on the real clock', () => {
  let real;
  before(async () => { real = await startServer(); });
  after(async () => { await real?.stop(); });
  test('is refused with a clear error', () => {
    const r = runAmiplace(['admin', 'advance-clock', '--hours', '1', '--endpoint-url', real.endpoint], { creds: real.operator });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--simulated-clock/);
  });
});
