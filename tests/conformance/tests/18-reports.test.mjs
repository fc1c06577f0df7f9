// Seller reports and data feeds (issue 5 item 5, CONTRACT §4 `amiplace seller report`,
// `amiplace seller export-feeds`, docs/REPORTS.md): a product with hourly pricing and an
// ExternallyMetered dimension priced in its public offer; a subscribed buyer's instance meters
// usage with its own credentials (from its metadata service) through the official metering
// client; the simulated clock advances five hours. The buyer's bill shows the instance-hours line
// and the metered line, each with the ProductId, summing to the Total; the seller's billed-revenue
// report (json and csv) and the billing_events.csv feed show the same amounts and total.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import * as metering from '@aws-sdk/client-marketplace-metering';
import { startServer, createAccount, catalogClient, runAmiplace } from '../lib/server.mjs';
import { applyChangeSet } from '../lib/fixtures.mjs';
import {
  ec2, ec2Client, destroyEc2Clients, registerImage, product, fullProductChanges, createdIds, details,
} from '../lib/ami.mjs';

let server, seller, buyer, catalog, outDir;
const clients = [];
const s = { productId: null, code: null, instance: null, creds: null, months: [] };

before(async () => {
  server = await startServer({ args: ['--review', 'auto', '--simulated-clock'] });
  seller = createAccount(server, 'SELLER', 'Reports Seller');
  buyer = createAccount(server, 'BUYER', 'Reports Buyer');
  catalog = catalogClient(server, seller);
  outDir = mkdtempSync(path.join(tmpdir(), 'amiplace-feeds-'));
});
after(async () => {
  catalog?.destroy();
  for (const c of clients) c.destroy();
  destroyEc2Clients();
  await server?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function amiplace(creds, args) {
  return runAmiplace([...args, '--endpoint-url', server.endpoint], { creds });
}
function ok(r, what) {
  assert.equal(r.status, 0, `amiplace ${what} failed (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
  return r;
}
const advanceClock = (hours) =>
  ok(amiplace(server.operator, ['admin', 'advance-clock', '--hours', String(hours)]), 'advance-clock').json.Now;
const monthOf = (iso) => iso.slice(0, 7);
const cents = (amount) => {
  assert.match(amount, /^\d+\.\d{2}$/);
  return Math.round(Number(amount) * 100);
};

/** RFC 4180 parsing (quoted fields, doubled quotes, CRLF records) into objects by header. */
function parseCsv(text) {
  const records = [];
  let field = '', record = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { record.push(field); records.push(record); field = ''; record = []; i++; }
    else field += c;
  }
  assert.equal(field, '', 'every record ends with CRLF');
  assert.equal(record.length, 0);
  const [header, ...rows] = records;
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

describe('seller reports and data feeds', () => {
  test('setup: hourly + ExternallyMetered product, a subscribed buyer\'s running instance', async () => {
    const ami = await registerImage(server, seller, 'reports-appliance-1.0.0');
    const changes = fullProductChanges({
      title: 'Reports Appliance', amiId: ami, accountId: seller.AccountId, instanceTypes: ['t3.micro'],
      rates: { 't3.micro': '0.125', Users: '0.333' },
    });
    changes.find((c) => c.ChangeType === 'AddDimensions').DetailsDocument.push(
      { Key: 'Users', Name: 'Active users', Description: 'Users active in the hour', Unit: 'Users', Types: ['ExternallyMetered'] });
    s.productId = createdIds(await applyChangeSet(catalog, changes)).productId;
    await applyChangeSet(catalog, [product('UpdateVisibility', s.productId, { TargetVisibility: 'Public' })]);
    s.code = (await details(catalog, s.productId)).Description.ProductCode;
    ok(amiplace(buyer, ['buyer', 'subscribe', '--product-id', s.productId]), 'subscribe');
    const view = ok(amiplace(buyer, ['buyer', 'describe-product', '--product-id', s.productId]), 'describe').json;
    const out = await ec2Client(server, buyer).send(new ec2.RunInstancesCommand({
      ImageId: view.Versions[0].Images['us-east-1'], InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
    }));
    s.instance = out.Instances[0];
    s.months.push(monthOf(advanceClock(0)));
    await ec2.waitUntilInstanceRunning({ client: ec2Client(server, buyer), maxWaitTime: 30 },
      { InstanceIds: [s.instance.InstanceId] });
    const imds = new MetadataService({
      endpoint: `http://${s.instance.PrivateIpAddress}:${server.imdsPort}`, retries: 0, ec2MetadataV1Disabled: true,
    });
    const role = (await imds.request('/latest/meta-data/iam/security-credentials/', {})).trim();
    const c = JSON.parse(await imds.request(`/latest/meta-data/iam/security-credentials/${role}`, {}));
    s.creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.Token };
  });

  test('the instance meters 7 Users with its credentials; the clock advances five hours', async () => {
    const client = new metering.MarketplaceMeteringClient({
      endpoint: server.endpoint, region: 'us-east-1', credentials: s.creds, maxAttempts: 1,
    });
    clients.push(client);
    const now = Date.parse(advanceClock(0));
    const r = await client.send(new metering.MeterUsageCommand({
      ProductCode: s.code, Timestamp: new Date(now), UsageDimension: 'Users', UsageQuantity: 7,
    }));
    assert.ok(r.MeteringRecordId);
    s.meteredMonth = monthOf(new Date(now).toISOString());
    s.months.push(monthOf(advanceClock(5)));
    s.months = [...new Set(s.months)];
  });

  test('the bill shows both lines with the ProductId, summing to the Total; reports and feeds agree', () => {
    const files = ok(amiplace(seller, ['seller', 'export-feeds', '--out', outDir]), 'export-feeds').json.Files;
    assert.deepEqual(files.map((f) => path.basename(f)),
      ['products.csv', 'offers.csv', 'subscriptions.csv', 'usage.csv', 'billing_events.csv']);
    for (const f of files) assert.ok(path.isAbsolute(f), f);
    const events = parseCsv(readFileSync(files[4], 'utf8'));
    assert.deepEqual(events.header,
      ['BillingMonth', 'BuyerAccountId', 'ProductId', 'UsageType', 'Quantity', 'Unit', 'Amount', 'Currency']);

    let hours = 0, users = 0;
    for (const month of s.months) {
      const bill = ok(amiplace(buyer, ['buyer', 'get-bill', '--month', month]), 'get-bill').json;
      let sum = 0;
      for (const l of bill.Lines) {
        assert.equal(l.ProductId, s.productId);
        assert.equal(l.Currency, 'USD');
        if (l.UsageType === 't3.micro') { assert.equal(l.Unit, 'Hrs'); hours += Number(l.Quantity); }
        else { assert.equal(l.UsageType, 'Users'); assert.equal(l.Unit, 'Users'); users += Number(l.Quantity); }
        sum += cents(l.Amount);
      }
      assert.equal(cents(bill.Total), sum, 'the lines sum to the total');

      // billed-revenue, json: the same lines (one buyer), the same total.
      const json = ok(amiplace(seller, ['seller', 'report', '--type', 'billed-revenue', '--month', month]), 'report').json;
      assert.equal(json.Type, 'billed-revenue');
      assert.equal(json.Period, month);
      assert.deepEqual(json.Rows, bill.Lines.map((l) => ({ ...l, Buyers: 1 })));
      assert.equal(json.Total, bill.Total);

      // billed-revenue, csv: the same rows.
      const csv = ok(amiplace(seller, ['seller', 'report', '--type', 'billed-revenue', '--month', month,
        '--format', 'csv']), 'report csv').stdout;
      const parsed = parseCsv(csv);
      assert.deepEqual(parsed.header, ['ProductId', 'UsageType', 'Quantity', 'Unit', 'Amount', 'Currency', 'Buyers']);
      assert.deepEqual(parsed.rows, bill.Lines.map((l) => ({ ...l, Buyers: '1' })));

      // billing_events.csv: one row per bill line of this buyer and month.
      const rows = events.rows.filter((r) => r.BillingMonth === month && r.BuyerAccountId === buyer.AccountId);
      assert.deepEqual(rows.map(({ BillingMonth, BuyerAccountId, ...l }) => l), bill.Lines);
      assert.equal(rows.reduce((a, r) => a + cents(r.Amount), 0), cents(bill.Total));
    }
    assert.ok(hours >= 4 && hours <= 5, `5 hours of running bill 4 or 5 completed hours, got ${hours}`);
    assert.equal(users, 7);

    const usage = parseCsv(readFileSync(files[3], 'utf8'));
    const metered = usage.rows.filter((r) => r.UsageKind === 'Metered');
    assert.equal(metered.length, 1);
    assert.equal(metered[0].Quantity, '7');
    assert.equal(metered[0].InstanceId, s.instance.InstanceId);
    const instanceHours = usage.rows.filter((r) => r.UsageKind === 'InstanceHours')
      .reduce((a, r) => a + Number(r.Quantity), 0);
    assert.equal(instanceHours, hours);
    const subs = parseCsv(readFileSync(files[2], 'utf8'));
    assert.equal(subs.rows.length, 1);
    assert.equal(subs.rows[0].BuyerAccountId, buyer.AccountId);
    assert.equal(subs.rows[0].Status, 'ACTIVE');
  });

  test('subscribers report; buyers are refused', () => {
    const r = ok(amiplace(seller, ['seller', 'report', '--type', 'subscribers']), 'subscribers').json;
    assert.equal(r.Rows.length, 1);
    assert.equal(r.Rows[0].ProductId, s.productId);
    assert.equal(r.Total, undefined);
    const denied = amiplace(buyer, ['seller', 'report', '--type', 'billed-revenue']);
    assert.equal(denied.status, 1);
    assert.match(denied.stderr, /AccessDenied/);
  });
});
