// Playwright (playwright-core) driving Debian's headless Chromium, and the steps every portal
// test shares: open the portal, sign in through the form, take screenshots into artifacts/.
import { mkdirSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.resolve(here, '../artifacts');
export const DOC_IMAGES = path.resolve(here, '../../../docs/images');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * A new page (own context, so own cookies) that fails the test on any page error, CSP violation
 * or console error.
 */
export async function newPage(browser, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404|409|422|423|429)/.test(m.text())) {
      page.problems.push(`console error: ${m.text()}`);
    }
  });
  page.setDefaultTimeout(15_000);
  return page;
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], `the page reported problems:\n${page.problems.join('\n')}`);
}

let shot = 0;
// Each test file runs in its own process: its number ("10" of 10-lifecycle.test.mjs) prefixes
// its screenshots, so that they sort by file and then by step.
const filePrefix = /^(\d+)-/.exec(path.basename(process.argv[1] ?? ''))?.[1] ?? 'xx';

/** Saves a full-page screenshot as artifacts/FF-NN-name.png; returns its path. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  const file = path.join(ARTIFACTS, `${filePrefix}-${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Copies a screenshot into docs/images/ (the README's pictures) when PORTAL_PUBLISH_SCREENSHOTS=1,
 * so that an ordinary `make test` leaves the committed files alone.
 */
export function publish(file, name) {
  if (process.env.PORTAL_PUBLISH_SCREENSHOTS !== '1') return;
  mkdirSync(DOC_IMAGES, { recursive: true });
  copyFileSync(file, path.join(DOC_IMAGES, name));
}

/** Signs in through the form; waits for the role's navigation. */
export async function signIn(page, server, creds) {
  await page.goto(server.portal);
  await page.getByLabel('Access key ID').fill(creds.AccessKeyId);
  await page.getByLabel('Secret access key').fill(creds.SecretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.locator('#site-nav a').first().waitFor({ state: 'attached' });
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** Clicks an item of the main navigation (opening the menu first on narrow windows). */
export async function goNav(page, name) {
  const toggle = page.getByRole('button', { name: 'Menu' });
  if (await toggle.isVisible()) {
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

/** Waits until a status badge with `word` is inside `scope`. */
export async function waitForBadge(scope, word, timeout = 20_000) {
  await scope.locator(`.badge[data-status="${word}"]`).first().waitFor({ timeout });
}
