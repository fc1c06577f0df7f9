// A narrow window (400 px, a phone or a split screen): the navigation folds behind a Menu
// button and still works, nothing overflows the page sideways, and a form can be filled in and
// submitted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount, registerImage, destroyClients } from '../lib/server.mjs';
import { launch, newPage, assertNoProblems, screenshot, signIn, goNav, waitForBadge } from '../lib/browser.mjs';

let server, browser, page, seller;

before(async () => {
  server = await startServer();
  seller = createAccount(server, 'SELLER', 'Narrow Window Software');
  await registerImage(server, seller, 'narrow-1.0.0');
  browser = await launch();
  page = await newPage(browser, { width: 400, height: 800 });
});
after(async () => {
  await browser?.close();
  destroyClients();
  await server?.stop();
});

async function noSidewaysScroll() {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `the page is ${scroll} px wide in a ${client} px window`);
}

test('at 400 px the navigation folds behind a Menu button that opens and closes it', async () => {
  await signIn(page, server, seller);
  await noSidewaysScroll();
  const menu = page.getByRole('button', { name: 'Menu' });
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await menu.isVisible(), true, 'the Menu button is shown');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.getByRole('link', { name: 'Dashboard' }).isVisible(), false, 'the links are folded away');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
  await screenshot(page, 'narrow-menu-open', { fullPage: false });
  await nav.getByRole('link', { name: 'Change requests' }).click();
  await page.getByRole('heading', { name: 'Change requests', level: 1 }).waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'following a link closes the menu');
  await menu.click();
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false', 'Escape closes the menu');
  await goNav(page, 'Dashboard');
  await page.locator('#stat-revenue').waitFor();
  await noSidewaysScroll();
});

test('at 400 px a seller creates a product and adds a version through the forms', async () => {
  await goNav(page, 'Products');
  await page.getByRole('link', { name: 'Create product' }).click();
  await page.getByLabel('Product title').fill('Narrow Window Proxy');
  await page.getByLabel('Short description').fill('A forward proxy.');
  await page.getByLabel('Long description').fill('A caching forward proxy for private subnets.');
  await page.getByLabel('Highlight 1').fill('Caches');
  await page.getByLabel('Category 1').selectOption('Network Infrastructure');
  await page.getByLabel('Search keywords').fill('proxy');
  await page.getByLabel('Logo URL').fill('https://example.com/proxy.png');
  await page.getByLabel('Support description').fill('Email us.');
  await page.getByLabel('t3.micro', { exact: true }).check();
  await page.getByLabel('Hourly price for t3.micro (USD)').fill('0.05');
  await page.getByLabel('Refund policy').fill('No refunds.');
  await noSidewaysScroll();
  await page.getByRole('button', { name: 'Create product' }).click();
  await waitForBadge(page.locator('.form-status'), 'SUCCEEDED');
  await page.getByRole('link', { name: 'Open Narrow Window Proxy' }).click();
  await waitForBadge(page.getByRole('heading', { level: 1 }), 'Draft');
  await page.getByRole('link', { name: 'Add version', exact: true }).click();
  await page.getByLabel('Version title').fill('1.0.0');
  await page.getByLabel('Release notes').fill('First.');
  await page.getByLabel('Amazon Machine Image').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Add version', exact: true }).click();
  await waitForBadge(page.locator('.form-status'), 'SUCCEEDED');
  await page.getByRole('link', { name: 'Back to Narrow Window Proxy' }).click();
  await page.locator('#versions-table').getByText('1.0.0', { exact: true }).waitFor();
  await noSidewaysScroll();
  await screenshot(page, 'narrow-product-page');
  assertNoProblems(page);
});
