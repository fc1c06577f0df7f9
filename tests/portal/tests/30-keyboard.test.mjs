// The keyboard alone: skip link, sign-in, the navigation and a form, with a visible focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount } from '../lib/server.mjs';
import { launch, newPage, assertNoProblems, screenshot } from '../lib/browser.mjs';

let server, browser, page, buyer;

before(async () => {
  server = await startServer();
  buyer = createAccount(server, 'BUYER', 'Keyboard Buyer');
  browser = await launch();
  page = await newPage(browser);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const focused = () => page.evaluate(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const label = el.labels?.[0]?.textContent?.trim().replace(/\s*\*$/, '');
  return { tag: el.tagName, id: el.id, text: (label ?? el.textContent ?? '').trim(), outline: style.outlineStyle, outlineWidth: style.outlineWidth };
});

/** Moves the keyboard's starting point to the top of the page (as after loading it). */
const fromTop = () => page.evaluate(() => {
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute('tabindex');
});

/** Presses Tab until `match(focused)` holds (at most `max` times); returns what has the focus. */
async function tabTo(match, max = 25) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused();
    if (match(f)) return f;
  }
  assert.fail(`Tab never reached the element (now on ${JSON.stringify(await focused())})`);
}

test('signs in with the keyboard only', async () => {
  await page.goto(server.portal);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  // From the top of the page: the skip link comes first.
  await fromTop();
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Skip to content');
  const key = await tabTo((f) => f.text === 'Access key ID');
  assert.notEqual(key.outline, 'none', 'the focused field shows a focus outline');
  await page.keyboard.type(buyer.AccessKeyId);
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Secret access key');
  await page.keyboard.type(buyer.SecretAccessKey);
  await page.keyboard.press('Tab');
  const button = await focused();
  assert.deepEqual([button.tag, button.text], ['BUTTON', 'Sign in']);
  assert.notEqual(button.outline, 'none', 'the focused button shows a focus outline');
  await screenshot(page, 'keyboard-sign-in-focus', { fullPage: false });
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
  const h1 = await focused();
  assert.equal(h1.tag, 'H1', 'focus moves to the new page\'s heading');
});

test('moves through the navigation and uses a form with the keyboard', async () => {
  const link = await tabTo((f) => f.tag === 'A' && f.text === 'Bill');
  assert.notEqual(link.outline, 'none');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Bill', level: 1 }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Bill' }).getAttribute('aria-current'), 'page');
  await tabTo((f) => f.text === 'Catalog');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
  await tabTo((f) => f.text === 'Search products');
  await page.keyboard.type('nothing-matches-this');
  await page.keyboard.press('Enter');
  await page.getByText('No products match "nothing-matches-this".').waitFor();
  // The skip link moves the focus to the page's heading.
  await fromTop();
  await page.keyboard.press('Tab');
  assert.equal((await focused()).text, 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal((await focused()).tag, 'H1');
  assertNoProblems(page);
});
