// The seed's lifecycle through the Management Portal's pages, as an operator, a seller and a
// buyer meet it: accounts are created on the operator's page; the seller creates a product, adds
// versions, releases it, asks for Public (rejected once with a reason, then approved on the
// review page), restricts a version, updates information, pricing, regions and instance types,
// and uploads an edited Product Load Form; a buyer finds the product, subscribes, sees the
// instance it launched with its product code and its bill; the seller's dashboard moves, and its
// revenue equals the daily-business reports' to the cent.
//
// Outside the pages (as the portal has no such pages): the sellers' AMIs are registered and the
// buyers' instances launched with the official EC2 client, the simulated clock is advanced and
// the reports are read with amiplace's CLI, and a few other products of the same seller (for a
// realistic products page and dashboard) are made through the Catalog API.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  startServer, createAccount, cli, advanceClock, dailyBusiness, registerImage, runInstance, destroyClients,
} from '../lib/server.mjs';
import { catalogClient, backgroundProduct, makePublic } from '../lib/background.mjs';
import {
  launch, newPage, assertNoProblems, screenshot, publish, signIn, goNav, waitForBadge, ARTIFACTS,
} from '../lib/browser.mjs';

const TITLE = 'Northwind Edge Firewall';
const REJECTION = 'The logo does not meet the marketplace branding guidelines';

let server, browser, op, sp, bp; // the server, the browser, the operator's, seller's and buyer's pages
let seller, buyer, otherBuyer, catalogApi;
const s = { images: {}, background: {} };

/** Waits for the change request status box of a form to reach `word`. */
async function formStatus(page, word, timeout = 20_000) {
  try {
    await waitForBadge(page.locator('.form-status'), word, timeout);
  } catch (e) {
    const file = await screenshot(page, 'failed-form');
    const said = await page.locator('form.change-form, .form-status').allTextContents().catch(() => []);
    throw new Error(`the form did not reach ${word} (screenshot ${file}); the page says:\n${said.join('\n')}`, { cause: e });
  }
}

const money = (text) => text.replace(/[$,\s]/g, '');
function cents(dec) {
  const [i, f = ''] = dec.split('.');
  return BigInt(i) * 100n + BigInt((f + '00').slice(0, 2));
}

before(async () => {
  // With AWS's per-account request rates on, as `make run` serves: the pages must live with them.
  server = await startServer({ args: ['--simulated-clock', '--review', 'manual'], requestQuotas: 'aws' });
  browser = await launch();
});

after(async () => {
  for (const p of [op, sp, bp]) await p?.context().close().catch(() => {});
  await browser?.close();
  destroyClients();
  catalogApi?.destroy();
  await server?.stop();
});

describe('the seed\'s lifecycle through the portal', () => {
  test('the operator signs in and creates the seller\'s and the buyer\'s accounts; each secret is shown once', async () => {
    op = await newPage(browser);
    await signIn(op, server, server.operator);
    await op.getByRole('heading', { name: 'Reviews' }).waitFor();
    await goNav(op, 'Accounts');
    await op.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();

    async function create(type, name) {
      await op.getByLabel('Account type').selectOption(type);
      await op.getByLabel('Name').fill(name);
      await op.getByRole('button', { name: 'Create account' }).click();
      await op.locator('#new-account-id').waitFor();
      const account = {
        AccountId: (await op.locator('#new-account-id').textContent()).trim(),
        AccessKeyId: (await op.locator('#new-access-key-id').textContent()).trim(),
        SecretAccessKey: (await op.locator('.secret-once .secret').textContent()).trim(),
      };
      assert.match(account.AccountId, /^\d{12}$/);
      await op.getByRole('table').getByText(name, { exact: true }).waitFor();
      return account;
    }
    seller = await create('SELLER', 'Northwind Security');
    await screenshot(op, 'operator-account-created');
    buyer = await create('BUYER', 'Contoso Ltd');
    assert.ok(!(await op.content()).includes(seller.SecretAccessKey), 'the seller\'s secret is gone once the next account is made');
    await goNav(op, 'Reviews');
    await goNav(op, 'Accounts');
    assert.ok(!(await op.content()).includes(buyer.SecretAccessKey), 'and the buyer\'s once the page is left');
    assertNoProblems(op);

    // Background for the dashboard and the products page (outside the pages, see the header).
    otherBuyer = createAccount(server, 'BUYER', 'Fabrikam Inc');
    for (const v of ['1.0.0', '1.1.0', '1.1.1']) s.images[v] = await registerImage(server, seller, `edge-firewall-${v}`);
    catalogApi = catalogClient(server, seller);
    const logs = await backgroundProduct(catalogApi, { title: 'Contoso Log Shipper', short: 'Ships logs to any backend.',
      amiId: await registerImage(server, seller, 'log-shipper-2.0.0'), accountId: seller.AccountId, keywords: ['logs'] });
    await makePublic(server, catalogApi, logs.productId);
    await backgroundProduct(catalogApi, { title: 'Northwind VPN Gateway', short: 'Site-to-site VPN.', category: 'Network Infrastructure',
      amiId: await registerImage(server, seller, 'vpn-1.0.0'), accountId: seller.AccountId, keywords: ['vpn'] });
    await backgroundProduct(catalogApi, { title: 'Northwind Observability Agent', release: false });
    s.background.logs = logs.productId;
    cli(server, otherBuyer, ['buyer', 'subscribe', '--product-id', logs.productId]);
    const view = cli(server, otherBuyer, ['buyer', 'describe-product', '--product-id', logs.productId]);
    await runInstance(server, otherBuyer, view.Versions[0].Images['us-east-1'], 't3.small');
    await runInstance(server, otherBuyer, view.Versions[0].Images['us-east-1'], 'm5.large');
    advanceClock(server, 20);
  });

  test('the seller creates a product: a mistake is shown beside its field, then it is created as Draft', async () => {
    sp = await newPage(browser);
    await signIn(sp, server, seller);
    await sp.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
    await sp.getByRole('link', { name: 'Create product' }).click();
    await sp.getByRole('heading', { name: 'Create product', level: 1 }).waitFor();
    await sp.getByLabel('Product title').fill(TITLE);
    await sp.getByLabel('Short description').fill('A stateful firewall for VPC edges.');
    await sp.getByLabel('Long description').fill('Northwind Edge Firewall filters traffic at the edge of your VPCs with stateful rules, '
      + 'intrusion prevention and a web console.');
    await sp.getByLabel('Highlight 1').fill('Stateful rules and IPS');
    await sp.getByLabel('Highlight 2').fill('Web console');
    await sp.getByLabel('Category 1').selectOption('Security');
    await sp.getByLabel('Category 2').selectOption('Network Security');
    await sp.getByLabel('Search keywords').fill('firewall, ips, edge');
    await sp.getByLabel('Logo URL').fill('http://example.com/northwind.png'); // not https: refused
    await sp.getByLabel('Support description').fill('support@northwind.example, 24/7.');
    await sp.getByLabel('us-west-2', { exact: true }).check();
    for (const [type, price] of [['t3.micro', '0.12'], ['t3.small', '0.15']]) {
      await sp.getByLabel(type, { exact: true }).check();
      await sp.getByLabel(`Hourly price for ${type} (USD)`).fill(price);
    }
    await sp.getByLabel('Refund policy').fill('Refunds within 30 days of purchase.');
    await sp.getByLabel('Allowlist: buyer account IDs').fill(buyer.AccountId);
    await sp.getByRole('button', { name: 'Create product' }).click();

    const logo = sp.locator('.field', { has: sp.getByLabel('Logo URL') });
    await logo.locator('.field-error').filter({ hasText: 'https://' }).waitFor();
    assert.equal(await sp.getByLabel('Logo URL').getAttribute('aria-invalid'), 'true');
    await screenshot(sp, 'seller-create-error-beside-field');

    await sp.getByLabel('Logo URL').fill('https://example.com/northwind.png');
    await sp.getByRole('button', { name: 'Create product' }).click();
    await formStatus(sp, 'SUCCEEDED');
    assert.equal(await logo.locator('.field-error').isVisible(), false, 'the error is cleared');
    await sp.getByRole('link', { name: `Open ${TITLE}` }).click();
    const h1 = sp.getByRole('heading', { level: 1 });
    await h1.filter({ hasText: TITLE }).waitFor();
    await waitForBadge(h1, 'Draft');
    s.productId = sp.url().split('#/products/')[1];
    assert.match(s.productId, /^prod-[a-z0-9]+$/);
    s.code = (await sp.locator('#product-code').textContent()).trim();
    assert.match(s.code, /^[a-z0-9]{25}$/);
    await screenshot(sp, 'seller-product-draft');
  });

  async function openProduct() {
    await sp.goto(`${server.portal}#/products/${s.productId}`);
    await sp.getByRole('heading', { level: 1 }).filter({ hasText: TITLE }).waitFor();
    await sp.locator('#versions-table, .card p.empty').first().waitFor();
  }

  async function action(name) {
    await openProduct();
    await sp.getByRole('navigation', { name: 'Change requests for this product' }).getByRole('link', { name, exact: true }).click();
    await sp.locator('form.change-form').waitFor();
  }

  async function addVersion(title, image, { expect = 'SUCCEEDED' } = {}) {
    await action('Add version');
    await sp.getByLabel('Version title').fill(title);
    await sp.getByLabel('Release notes').fill(`Release ${title}.`);
    await sp.getByLabel('Amazon Machine Image').selectOption(image);
    await sp.getByRole('button', { name: 'Add version', exact: true }).click();
    await formStatus(sp, expect);
  }

  test('adds version 1.0.0 from one of its images, then releases the product: Limited', async () => {
    await addVersion('1.0.0', s.images['1.0.0']);
    await openProduct();
    const row = sp.locator('#versions-table tr', { hasText: '1.0.0' });
    await waitForBadge(row, 'Available');
    assert.match(await row.textContent(), /us-east-1\s*ami-[0-9a-f]{17}/);
    assert.match(await row.textContent(), /us-west-2\s*ami-[0-9a-f]{17}/, 'copied to each region of the product');

    // The same title again: the asynchronous error lands beside the Version title field.
    await addVersion('1.0.0', s.images['1.1.0'], { expect: 'FAILED' });
    const titleField = sp.locator('.field', { has: sp.getByLabel('Version title') });
    await titleField.locator('.field-error').filter({ hasText: 'DUPLICATE_VERSION_TITLE' }).waitFor();
    await screenshot(sp, 'seller-version-error-beside-field');

    await action('Release');
    await sp.getByRole('button', { name: 'Release to Limited' }).click();
    await formStatus(sp, 'SUCCEEDED');
    await openProduct();
    await waitForBadge(sp.getByRole('heading', { level: 1 }), 'Limited');
    assertNoProblems(sp);
  });

  async function requestPublic() {
    await action('Request visibility change');
    await sp.getByRole('radio', { name: /^Public/ }).check();
    await sp.getByRole('button', { name: 'Request visibility change' }).click();
    await formStatus(sp, 'APPLYING');
    await sp.locator('.form-status').getByText('Waiting for the marketplace operators').waitFor();
  }

  async function reviewItem() {
    await goNav(op, 'Accounts');
    await goNav(op, 'Reviews');
    const item = op.locator('#review-queue li').filter({ hasText: TITLE }).filter({ has: op.getByRole('button', { name: 'Approve' }) });
    await item.waitFor();
    const id = await item.getAttribute('data-change-set-id');
    return op.locator(`#review-queue li[data-change-set-id="${id}"]`);
  }

  test('asks for Public; the operator rejects it with a reason, which the seller sees on the change request', async () => {
    await requestPublic();
    await screenshot(sp, 'seller-visibility-waiting-for-review');
    const item = await reviewItem();
    await waitForBadge(item, 'Public');
    await screenshot(op, 'operator-review-queue');
    await item.getByRole('button', { name: 'Reject' }).click();
    await item.locator('.field-error').getByText('Give the seller a reason').waitFor();
    await item.getByLabel('Reason').fill(REJECTION);
    await item.getByRole('button', { name: 'Reject' }).click();
    await waitForBadge(item, 'FAILED');

    await goNav(sp, 'Change requests');
    const row = sp.locator('#changes-table tr', { hasText: 'Update visibility to Public' }).first();
    await waitForBadge(row, 'FAILED');
    await row.getByText(REJECTION, { exact: false }).waitFor();
    await row.getByRole('link').first().click();
    await waitForBadge(sp.getByRole('heading', { level: 1 }), 'FAILED');
    await sp.getByText(REJECTION, { exact: false }).first().waitFor();
    await screenshot(sp, 'seller-change-request-rejected');
  });

  test('asks again; the operator approves: Public', async () => {
    await requestPublic();
    const item = await reviewItem();
    await item.getByRole('button', { name: 'Approve' }).click();
    await waitForBadge(item, 'SUCCEEDED');
    assertNoProblems(op);
    await openProduct();
    await waitForBadge(sp.getByRole('heading', { level: 1 }), 'Public');
  });

  test('adds 1.1.0 and 1.1.1, updates the information, restricts 1.1.0 and updates its notes', async () => {
    await addVersion('1.1.0', s.images['1.1.0']);
    await action('Update information');
    await sp.getByLabel('Highlight 1').fill('New in 1.1.0: automatic rule updates');
    await sp.getByRole('button', { name: 'Submit change request' }).click();
    await formStatus(sp, 'SUCCEEDED');
    await addVersion('1.1.1', s.images['1.1.1']);

    await openProduct();
    await sp.getByRole('link', { name: 'Restrict version 1.1.0' }).click();
    await sp.getByRole('button', { name: 'Restrict version 1.1.0' }).click();
    await formStatus(sp, 'SUCCEEDED');

    await openProduct();
    await sp.getByRole('link', { name: 'Update version 1.1.0' }).click();
    await sp.getByLabel('Release notes').fill('1.1.0 has a serious bug in rule parsing. Please upgrade to 1.1.1.');
    await sp.getByRole('button', { name: 'Update version' }).click();
    await formStatus(sp, 'SUCCEEDED');

    await openProduct();
    const rows = sp.locator('#versions-table tbody tr');
    assert.equal(await rows.count(), 3);
    await waitForBadge(rows.filter({ hasText: '1.1.0' }), 'Restricted');
    await waitForBadge(rows.filter({ hasText: '1.1.1' }), 'Available');
    await rows.filter({ hasText: '1.1.0' }).getByText('Please upgrade to 1.1.1').waitFor();
    await sp.locator('#highlights').getByText('New in 1.1.0: automatic rule updates').waitFor();
    assertNoProblems(sp);
  });

  test('adds a region and an instance type, updates a price, restricts the instance type again', async () => {
    await action('Add regions');
    await sp.getByLabel('eu-west-1', { exact: true }).check();
    await sp.getByRole('button', { name: 'Add regions' }).click();
    await formStatus(sp, 'SUCCEEDED');

    await action('Add instance types');
    await sp.getByLabel('m5.large', { exact: true }).check();
    await sp.getByLabel('Hourly price for m5.large (USD)').fill('0.30');
    await sp.getByRole('button', { name: 'Add instance types' }).click();
    await formStatus(sp, 'SUCCEEDED');

    await action('Update pricing');
    await sp.getByLabel('Price for t3.small (USD per hour)').fill('0.14');
    await sp.getByRole('button', { name: 'Update pricing' }).click();
    await formStatus(sp, 'SUCCEEDED');

    await action('Restrict instance types');
    await sp.getByLabel('m5.large', { exact: true }).check();
    await sp.getByRole('button', { name: 'Restrict instance types' }).click();
    await formStatus(sp, 'SUCCEEDED');

    await openProduct();
    const dims = sp.locator('#dimensions-table');
    assert.match(await dims.locator('tr', { hasText: 't3.small' }).textContent(), /\$0\.14/);
    assert.match(await dims.locator('tr', { hasText: 't3.micro' }).textContent(), /\$0\.12/);
    assert.match(await sp.locator('.card', { hasText: 'Regions and instance types' }).textContent(), /eu-west-1/);
    await screenshot(sp, 'seller-product-page');
  });

  test('the change-request list shows every request with its status', async () => {
    await goNav(sp, 'Change requests');
    const table = sp.locator('#changes-table');
    await table.waitFor();
    await sp.getByText('All requests have finished.').waitFor();
    for (const word of ['SUCCEEDED', 'FAILED']) await waitForBadge(table, word);
    assert.ok((await table.locator('tbody tr').count()) >= 14);
    await screenshot(sp, 'seller-change-requests');
  });

  test('downloads the product\'s Product Load Form, uploads it edited: mistakes by cell, then the new title', async () => {
    await openProduct();
    const [download] = await Promise.all([
      sp.waitForEvent('download'),
      sp.getByRole('link', { name: 'Download Product Load Form' }).click(),
    ]);
    const exported = path.join(ARTIFACTS, `${s.productId}.xlsx`);
    await download.saveAs(exported);
    assert.equal(await download.failure(), null);

    const edit = (title, out) => {
      const r = spawnSync('/usr/bin/python3', ['-c', `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb['Product']
col = next(c.column for c in ws[1] if str(c.value or '').rstrip(' *') == 'ProductTitle')
ws.cell(row=2, column=col).value = sys.argv[2]
wb.save(sys.argv[3])
print(ws.cell(row=2, column=col).coordinate)
`, exported, title, out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const tooLong = path.join(ARTIFACTS, 'plf-title-too-long.xlsx');
    const cell = edit('N'.repeat(80), tooLong);
    const renamed = path.join(ARTIFACTS, 'plf-renamed.xlsx');
    edit(`${TITLE} NG`, renamed);

    await goNav(sp, 'Forms');
    await sp.getByRole('heading', { name: 'Product Load Forms' }).waitFor();
    await sp.getByLabel('Completed form (.xlsx)').setInputFiles(tooLong);
    await sp.getByRole('button', { name: 'Upload' }).click();
    const errors = sp.locator('#plf-errors');
    await errors.waitFor();
    await errors.getByText(`Product!${cell}`).waitFor();
    await screenshot(sp, 'seller-plf-errors-by-cell');

    await sp.getByLabel('Completed form (.xlsx)').setInputFiles(renamed);
    await sp.getByRole('button', { name: 'Upload' }).click();
    await sp.locator('#plf-changes').getByText('UpdateInformation').waitFor();
    await waitForBadge(sp.locator('#plf-result'), 'SUCCEEDED');
    await screenshot(sp, 'seller-plf-uploaded');
    await openProduct().catch(() => {});
    await sp.getByRole('heading', { level: 1 }).filter({ hasText: `${TITLE} NG` }).waitFor();
  });

  let before;
  test('the dashboard before the buyer comes', async () => {
    await goNav(sp, 'Dashboard');
    await sp.locator('#stat-revenue').waitFor();
    const row = sp.locator('#dashboard-products tr', { hasText: TITLE });
    before = { revenue: money(await sp.locator('#stat-revenue .stat-value').textContent()), row: await row.textContent() };
    assert.match(before.row, /\$0\.00/, `no revenue from the new product yet: ${before.row}`);
  });

  test('a buyer finds the product, sees its versions and what it is billed for, and subscribes', async () => {
    bp = await newPage(browser);
    await signIn(bp, server, buyer);
    await bp.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    await bp.getByLabel('Search products').fill('firewall');
    await bp.getByRole('button', { name: 'Search' }).click();
    await bp.locator('#catalog-results').getByRole('link', { name: `${TITLE} NG` }).click();
    await bp.getByRole('heading', { level: 1 }).filter({ hasText: TITLE }).waitFor();
    const versions = bp.locator('#buyer-versions tbody tr');
    await waitForBadge(versions.filter({ hasText: '1.1.0' }), 'Restricted');
    await waitForBadge(versions.filter({ hasText: '1.1.1' }), 'Available');
    assert.equal((await bp.locator('#buyer-product-code').textContent()).trim(), s.code);
    await bp.locator('.card', { hasText: 'Pricing' }).getByText('t3.micro').first().waitFor();
    await bp.getByRole('button', { name: 'Subscribe' }).click();
    await waitForBadge(bp.locator('#subscription-state'), 'ACTIVE');
    await bp.getByRole('button', { name: 'Cancel subscription' }).waitFor();
    await screenshot(bp, 'buyer-product-subscribed');
    assertNoProblems(bp);

    // The portal does not launch instances: the buyer does, with EC2 (set-up), on 1.1.1's AMI.
    s.ami = (await versions.filter({ hasText: '1.1.1' }).locator('li', { hasText: 'us-east-1' }).locator('code').textContent()).trim();
    s.instance = (await runInstance(server, buyer, s.ami, 't3.micro')).InstanceId;
    await runInstance(server, buyer, s.ami, 't3.small');
    advanceClock(server, 30);
  });

  test('the buyer\'s instances carry the product code; the bill charges them', async () => {
    await goNav(bp, 'Instances');
    const row = bp.locator('#instances-table tr', { hasText: s.instance });
    await waitForBadge(row, 'running');
    assert.equal((await row.locator('.product-code').textContent()).trim(), s.code);
    await row.getByRole('link', { name: `${TITLE} NG` }).waitFor();
    await screenshot(bp, 'buyer-instances');
    await goNav(bp, 'Bill');
    const total = bp.locator('#bill-total');
    await total.waitFor();
    assert.notEqual(money(await total.textContent()), '0.00');
    await bp.locator('#bill-table').getByText('t3.micro').waitFor();
    await screenshot(bp, 'buyer-bill');
    assertNoProblems(bp);
  });

  test('the seller\'s dashboard moves, and its revenue equals the daily-business reports to the cent', async () => {
    await goNav(sp, 'Products');
    await sp.locator('#products-table').waitFor();
    await sp.setViewportSize({ width: 1280, height: 800 });
    publish(await screenshot(sp, 'seller-products', { fullPage: false }), 'portal-products.png');

    await goNav(sp, 'Dashboard');
    await sp.locator('#stat-revenue').waitFor();
    const to = await sp.getByLabel('To', { exact: true }).inputValue();
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    await sp.getByLabel('From', { exact: true }).fill(from);
    await sp.getByRole('button', { name: 'Show' }).click();
    await sp.locator('.dashboard[aria-busy="false"] #stat-revenue').waitFor();
    await sp.locator('.chart .uplot').first().waitFor();

    const shown = money(await sp.locator('#stat-revenue .stat-value').textContent());
    let expected = 0n;
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
      expected += cents(dailyBusiness(server, seller, new Date(t).toISOString().slice(0, 10)).Total ?? '0.00');
    }
    assert.equal(cents(shown), expected, `dashboard revenue ${shown} vs the daily-business reports' ${expected} cents`);
    assert.ok(cents(shown) > cents(before.revenue), `revenue moved: ${before.revenue} → ${shown}`);
    const cells = await sp.locator('#dashboard-products tr', { hasText: TITLE }).locator('th, td').allTextContents();
    // Product, subscribers, running instances, instance-hours, metered units, revenue.
    assert.equal(cells[1], '1', `one subscriber: ${cells}`);
    assert.equal(cells[2], '2', `two running instances: ${cells}`);
    assert.equal(cells[3], '60', `2 instances × 30 hours: ${cells}`);
    assert.notEqual(cells[5], '$0.00', `the new product earns: ${cells}`);
    await sp.evaluate(() => window.scrollTo(0, 0));
    publish(await screenshot(sp, 'seller-dashboard', { fullPage: false }), 'portal-dashboard.png');
    await screenshot(sp, 'seller-dashboard-full');
    assertNoProblems(sp);
  });
});

describe('after the lifecycle', () => {
  test('the buyer cancels the subscription on its Subscriptions page', async () => {
    await goNav(bp, 'Subscriptions');
    const row = bp.locator('#subscriptions-table tr', { hasText: TITLE });
    await waitForBadge(row, 'ACTIVE');
    await row.getByRole('button', { name: `Cancel the subscription to ${TITLE} NG` }).click();
    await waitForBadge(bp.locator('#subscriptions-table tr', { hasText: TITLE }), 'CANCELLED');
    await screenshot(bp, 'buyer-subscription-cancelled');
    assertNoProblems(bp);
  });
});
