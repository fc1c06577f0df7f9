// What the portal shows to whom: a seller who opens another seller's product by its address gets
// "not found" (the server answers 404, never the product); a buyer gets no seller pages; a page
// opened without a session asks to sign in; wrong keys are refused, and after repeated failures
// the sign-in says to wait.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount } from '../lib/server.mjs';
import { catalogClient, backgroundProduct } from '../lib/background.mjs';
import { launch, newPage, assertNoProblems, screenshot, signIn } from '../lib/browser.mjs';

const SECRET_TITLE = 'Acme Confidential Appliance';
let server, browser, sellerA, sellerB, buyer, productId, client;

before(async () => {
  server = await startServer();
  sellerA = createAccount(server, 'SELLER', 'Acme');
  sellerB = createAccount(server, 'SELLER', 'Globex');
  buyer = createAccount(server, 'BUYER', 'Initech');
  client = catalogClient(server, sellerA);
  ({ productId } = await backgroundProduct(client, { title: SECRET_TITLE, release: false }));
  browser = await launch();
});
after(async () => {
  client?.destroy();
  await browser?.close();
  await server?.stop();
});

test('a seller opening another seller\'s product by its address sees "not found", not the product', async () => {
  const page = await newPage(browser);
  await signIn(page, server, sellerB);
  for (const suffix of ['', '/info', '/versions/x/restrict']) {
    await page.goto(`${server.portal}#/products/${productId}${suffix}`);
    await page.getByRole('heading', { name: 'Product not found', level: 1 }).waitFor();
    await page.locator('#not-found').getByText(`No product ${productId} was found in your account.`).waitFor();
    assert.ok(!(await page.content()).includes(SECRET_TITLE), `the other seller's title must not appear (${suffix || 'product page'})`);
  }
  await screenshot(page, 'other-sellers-product-not-found', { fullPage: false });
  // Its own seller sees it.
  const owner = await newPage(browser);
  await signIn(owner, server, sellerA);
  await owner.goto(`${server.portal}#/products/${productId}`);
  await owner.getByRole('heading', { level: 1 }).filter({ hasText: SECRET_TITLE }).waitFor();
  assertNoProblems(page);
  assertNoProblems(owner);
  await page.context().close();
  await owner.context().close();
});

test('a buyer opening a seller page is told it is not for its account', async () => {
  const page = await newPage(browser);
  await signIn(page, server, buyer);
  await page.goto(`${server.portal}#/products/${productId}`);
  await page.getByRole('heading', { name: 'Not available to this account' }).waitFor();
  assert.ok(!(await page.content()).includes(SECRET_TITLE));
  await page.goto(`${server.portal}#/catalog/${productId}`);
  await page.getByRole('heading', { name: 'Product not found' }).waitFor();
  assert.ok(!(await page.content()).includes(SECRET_TITLE), 'a Draft is nobody else\'s to see');
  await page.context().close();
});

test('without a session the portal asks to sign in; signing out ends the session on the server', async () => {
  const page = await newPage(browser);
  await page.goto(`${server.portal}#/products`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(page, server, sellerA);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  const status = await page.evaluate(async () => (await fetch('/portal/api/session')).status);
  assert.equal(status, 401, 'the session is gone on the server');
  await page.goto(`${server.portal}#/products`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.context().close();
});

test('wrong keys are refused with the server\'s message; repeated failures ask to wait', async () => {
  const page = await newPage(browser);
  await page.goto(server.portal);
  let sawLimit = false;
  for (let i = 0; i < 7 && !sawLimit; i++) {
    await page.getByLabel('Access key ID').fill(sellerA.AccessKeyId);
    await page.getByLabel('Secret access key').fill(`wrong-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('#signin-errors [role=alert]').last();
    await alert.waitFor();
    const text = await alert.textContent();
    if (/Too many failed sign-ins/.test(text)) sawLimit = true;
    else assert.match(text, /Sign-in failed/);
  }
  assert.ok(sawLimit, 'after repeated failures the page says to wait');
  await screenshot(page, 'sign-in-rate-limited', { fullPage: false });
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  await page.context().close();
});
