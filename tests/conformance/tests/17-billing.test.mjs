// Buyers' bills (CONTRACT §4 `amiplace buyer get-bill`, §8 Bills): a buyer's instances of an
// hourly product run while the simulated clock advances, and the bill shows the instance-hours
// line with the ProductId, the public offer's rate, exact decimal amounts and the total. The
// partial-hour rule (docs/BILLING.md): every started hour of a running period is billed; a
// period still running has accrued its completed hours.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount, catalogClient, runAmiplace } from '../lib/server.mjs';
import { applyChangeSet } from '../lib/fixtures.mjs';
import {
  ec2, ec2Client, destroyEc2Clients, registerImage, product, offer, pricingTerms, fullProductChanges, createdIds,
} from '../lib/ami.mjs';

let server, seller, buyer, other, catalog;
const s = { productId: null, image: null, instances: [], launchMonth: null };

before(async () => {
  server = await startServer({ args: ['--review', 'auto', '--simulated-clock'] });
  seller = createAccount(server, 'SELLER', 'Billing Seller');
  buyer = createAccount(server, 'BUYER', 'Billed Buyer');
  other = createAccount(server, 'BUYER', 'Idle Buyer');
  catalog = catalogClient(server, seller);
});
after(async () => {
  catalog?.destroy();
  destroyEc2Clients();
  await server?.stop();
});

function amiplace(creds, args) {
  return runAmiplace([...args, '--endpoint-url', server.endpoint], { creds });
}
function ok(r, what) {
  assert.equal(r.status, 0, `amiplace ${what} failed (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
  return r.json;
}
const advanceClock = (hours) =>
  ok(amiplace(server.operator, ['admin', 'advance-clock', '--hours', String(hours)]), 'admin advance-clock').Now;
const monthOf = (iso) => iso.slice(0, 7);
const getBill = (creds, month) =>
  ok(amiplace(creds, ['buyer', 'get-bill', ...(month ? ['--month', month] : [])]), 'buyer get-bill');

// The bill's lines over the months from the launch to now (5 hours may cross a month's end):
// {quantity, amount} of the product's t3.micro line, in cents to add exactly.
function hoursBilled(creds) {
  const months = [...new Set([s.launchMonth, monthOf(advanceClock(0))])];
  let quantity = 0, cents = 0;
  for (const m of months) {
    const bill = getBill(creds, m);
    assert.equal(bill.Month, m);
    let lineCents = 0;
    for (const l of bill.Lines) {
      assert.deepEqual(Object.keys(l).sort(), ['Amount', 'Currency', 'ProductId', 'Quantity', 'Unit', 'UsageType']);
      assert.equal(l.ProductId, s.productId);
      assert.equal(l.UsageType, 't3.micro');
      assert.equal(l.Unit, 'Hrs');
      assert.equal(l.Currency, 'USD');
      assert.match(l.Amount, /^\d+\.\d{2}$/);
      quantity += Number(l.Quantity);
      lineCents += Math.round(Number(l.Amount) * 100);
    }
    assert.match(bill.Total, /^\d+\.\d{2}$/);
    assert.equal(Math.round(Number(bill.Total) * 100), lineCents, 'the lines sum to the total');
    cents += lineCents;
  }
  return { quantity, cents };
}

describe('buyer bills', () => {
  test('setup: a Public hourly product (t3.micro at 0.12 per hour) and a subscribed buyer', async () => {
    const ami = await registerImage(server, seller, 'billing-1.0.0');
    const d = await applyChangeSet(catalog, fullProductChanges({
      title: 'Billing Appliance', amiId: ami, accountId: seller.AccountId,
      instanceTypes: ['t3.micro', 't3.small'], rates: { 't3.micro': '0.12', 't3.small': '0.125' },
    }));
    s.productId = createdIds(d).productId;
    s.offerId = createdIds(d).offerId;
    await applyChangeSet(catalog, [product('UpdateVisibility', s.productId, { TargetVisibility: 'Public' })]);
    ok(amiplace(buyer, ['buyer', 'subscribe', '--product-id', s.productId]), 'buyer subscribe');
    const view = ok(amiplace(buyer, ['buyer', 'describe-product', '--product-id', s.productId]), 'describe-product');
    s.image = view.Versions.find((v) => v.VersionTitle === '1.0.0').Images['us-east-1'];
    assert.ok(s.image);
  });

  test('a bill with no usage: the current month, no lines, total 0.00', () => {
    const now = advanceClock(0);
    const bill = getBill(buyer);
    assert.deepEqual(bill, { Month: monthOf(now), Lines: [], Total: '0.00' });
  });

  test('two instances run five hours: 10 t3.micro hours, 1.20 USD', async () => {
    const out = await ec2Client(server, buyer).send(new ec2.RunInstancesCommand({
      ImageId: s.image, InstanceType: 't3.micro', MinCount: 2, MaxCount: 2,
    }));
    s.instances = out.Instances.map((i) => i.InstanceId);
    s.launchMonth = monthOf(advanceClock(0));
    advanceClock(5);
    const { quantity, cents } = hoursBilled(buyer);
    assert.equal(quantity, 10);
    assert.equal(cents, 120);
    if (s.launchMonth === monthOf(advanceClock(0))) {
      const bill = getBill(buyer, s.launchMonth);
      assert.deepEqual(bill.Lines, [{
        ProductId: s.productId, UsageType: 't3.micro', Quantity: '10', Unit: 'Hrs', Amount: '1.20', Currency: 'USD',
      }]);
      assert.equal(bill.Total, '1.20');
      assert.deepEqual(getBill(buyer), bill, 'the default month is the current one');
    }
  });

  test('terminating bills the started sixth hour of each: 12 hours, 1.44 USD', async () => {
    await ec2Client(server, buyer).send(new ec2.TerminateInstancesCommand({ InstanceIds: s.instances }));
    const { quantity, cents } = hoursBilled(buyer);
    assert.equal(quantity, 12);
    assert.equal(cents, 144);
    advanceClock(3);  // terminated instances accrue nothing more
    assert.deepEqual(hoursBilled(buyer), { quantity: 12, cents: 144 });
  });

  test('a price change applies from its moment: the hours before keep their price', async () => {
    await applyChangeSet(catalog, [offer('UpdatePricingTerms', s.offerId, pricingTerms({ 't3.micro': '1', 't3.small': '0.125' }))]);
    assert.deepEqual(hoursBilled(buyer), { quantity: 12, cents: 144 }, 'earlier hours are not repriced');
    const out = await ec2Client(server, buyer).send(new ec2.RunInstancesCommand({
      ImageId: s.image, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
    }));
    advanceClock(2);
    assert.deepEqual(hoursBilled(buyer), { quantity: 14, cents: 344 }, '2 new hours at 1.00');
    await ec2Client(server, buyer).send(new ec2.TerminateInstancesCommand({ InstanceIds: [out.Instances[0].InstanceId] }));
  });

  test('another buyer owes nothing; a month that is not YYYY-MM is refused', () => {
    const bill = getBill(other);
    assert.deepEqual(bill.Lines, []);
    assert.equal(bill.Total, '0.00');
    assert.deepEqual(getBill(buyer, '1999-01').Lines, []);
    const bad = amiplace(buyer, ['buyer', 'get-bill', '--month', '2024-13']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /month/);
  });
});
