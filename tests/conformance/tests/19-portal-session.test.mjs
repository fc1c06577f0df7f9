// The Management Portal's server side (CONTRACT §4a, docs/PORTAL.md), through plain `fetch` as a
// browser's pages would call it: the embedded static files and their security headers; sign-in
// with an access key (cookie attributes exactly); the session cookie as the credential of the
// Catalog API and amiplace's own API, but never of EC2, Metering or Entitlement; the CSRF token
// and the Origin / Sec-Fetch-Site checks on every state-changing call; ownership as with SigV4;
// sign-out ending the session on the server; the failed-sign-in limit; and the JSON endpoints the
// pages need (images, instances, the seller's dashboard agreeing with the daily-business report).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, createAccount, catalogClient, runAmiplace } from '../lib/server.mjs';
import { applyChangeSet, CATALOG } from '../lib/fixtures.mjs';
import { rawRequest } from '../lib/raw.mjs';
import {
  ec2, ec2Client, destroyEc2Clients, registerImage, product, fullProductChanges, createdIds, details,
} from '../lib/ami.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const hasIndexHtml = existsSync(path.resolve(here, '../../../web/index.html'));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const COOKIE_RE = /^amiplace_session=([A-Za-z0-9_-]{43}); Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/;

let server, seller, otherSeller, buyer, catalog;
const s = {};

before(async () => {
  server = await startServer({ args: ['--review', 'auto', '--simulated-clock'] });
  seller = createAccount(server, 'SELLER', 'Portal Seller');
  otherSeller = createAccount(server, 'SELLER', 'Other Seller');
  buyer = createAccount(server, 'BUYER', 'Portal Buyer');
  catalog = catalogClient(server, seller);
});
after(async () => {
  catalog?.destroy();
  destroyEc2Clients();
  await server?.stop();
});

/**
 * One request as the portal's pages make it. `session` ({cookie, token}) sends the cookie; for
 * a state-changing call it also sends the CSRF token and the browser's same-origin headers,
 * unless `token`, `origin` or `site` say otherwise (null leaves a header out).
 */
async function call(pathAndQuery, { method = 'GET', session, body, token, origin, site, headers = {},
  endpoint = server.endpoint } = {}) {
  const h = { ...headers };
  const writes = method !== 'GET' && method !== 'HEAD';
  if (session) h.cookie = session.cookie;
  const t = token === undefined ? (writes ? session?.token : undefined) : token;
  const o = origin === undefined ? (writes && session ? endpoint : undefined) : origin;
  const f = site === undefined ? (writes && session ? 'same-origin' : undefined) : site;
  if (t != null) h['x-csrf-token'] = t;
  if (o != null) h.origin = o;
  if (f != null) h['sec-fetch-site'] = f;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(endpoint + pathAndQuery, { method, headers: h, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json, errorType: res.headers.get('x-amzn-errortype') };
}

function expectStatus(r, status, errorType, ...mentions) {
  assert.equal(r.status, status, `expected ${status} ${errorType ?? ''}, got ${r.status} ${r.errorType} ${r.text}`);
  if (errorType) assert.equal(r.errorType, errorType, r.text);
  for (const m of mentions) {
    if (m instanceof RegExp) assert.match(r.json?.Message ?? r.text, m);
    else assert.ok((r.json?.Message ?? r.text).includes(m), `message should name ${JSON.stringify(m)}: ${r.text}`);
  }
  return r;
}

function securityHeaders(r, what) {
  assert.equal(r.headers.get('content-security-policy'), CSP, what);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(r.headers.get('referrer-policy'), 'same-origin', what);
  assert.equal(r.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(r.headers.get('cache-control'), 'no-cache', what);
}

async function signIn(creds, { endpoint = server.endpoint } = {}) {
  const r = await call('/portal/api/session', {
    method: 'POST', endpoint, body: { AccessKeyId: creds.AccessKeyId, SecretAccessKey: creds.SecretAccessKey },
    headers: { origin: endpoint, 'sec-fetch-site': 'same-origin' },
  });
  expectStatus(r, 200);
  const cookies = r.headers.getSetCookie();
  assert.equal(cookies.length, 1, JSON.stringify(cookies));
  const m = COOKIE_RE.exec(cookies[0]);
  assert.ok(m, `Set-Cookie: ${cookies[0]}`);
  return { cookie: `amiplace_session=${m[1]}`, token: r.json.CsrfToken, body: r.json, setCookie: cookies[0] };
}

function amiplace(creds, args) {
  return runAmiplace([...args, '--endpoint-url', server.endpoint], { creds });
}
function ok(r, what) {
  assert.equal(r.status, 0, `amiplace ${what} failed (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
  return r.json;
}
const advanceClock = (hours) =>
  ok(amiplace(server.operator, ['admin', 'advance-clock', '--hours', String(hours)]), 'admin advance-clock').Now;

const ownApi = [
  ['GET', '/amiplace/v1/whoami'], ['GET', '/amiplace/v1/accounts'], ['POST', '/amiplace/v1/accounts'],
  ['GET', '/amiplace/v1/reviews'], ['POST', '/amiplace/v1/reviews/x/approve'],
  ['GET', '/amiplace/v1/products'], ['GET', '/amiplace/v1/products/prod-aaaaaaaaaaaaa'],
  ['GET', '/amiplace/v1/subscriptions'], ['POST', '/amiplace/v1/subscriptions'],
  ['POST', '/amiplace/v1/subscriptions/cancel'], ['GET', '/amiplace/v1/bill'],
  ['GET', '/amiplace/v1/reports/daily-business'], ['GET', '/amiplace/v1/feeds'],
  ['GET', '/amiplace/v1/feeds/products.csv'], ['GET', '/amiplace/v1/images'],
  ['GET', '/amiplace/v1/instances'], ['GET', '/amiplace/v1/dashboard'],
  ['POST', '/amiplace/v1/clock/advance'],
];
const catalogApi = [
  ['POST', '/ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct' }],
  ['GET', `/DescribeEntity?catalog=${CATALOG}&entityId=prod-aaaaaaaaaaaaa`],
  ['POST', '/StartChangeSet', { Catalog: CATALOG, ChangeSet: [product('CreateProduct', undefined, {})] }],
  ['POST', '/ListChangeSets', { Catalog: CATALOG }],
  ['GET', `/DescribeChangeSet?catalog=${CATALOG}&changeSetId=aaaaaaaaaaaaaaaaaaaaaaaaa`],
  ['PATCH', `/CancelChangeSet?catalog=${CATALOG}&changeSetId=aaaaaaaaaaaaaaaaaaaaaaaaa`],
];

describe('portal static files', () => {
  test('GET /portal redirects to /portal/; every answer carries the security headers', async () => {
    const r = await call('/portal');
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), '/portal/');
    securityHeaders(r, '/portal');
    const root = await call('/portal/');
    securityHeaders(root, '/portal/');
    if (hasIndexHtml) {
      assert.equal(root.status, 200, root.text);
      assert.equal(root.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(root.text, /<html/i);
      const same = await call('/portal/index.html');
      assert.equal(same.text, root.text);
    } else {
      assert.equal(root.status, 404, 'no web/index.html in this tree yet');
    }
  });

  test('the pinned vendor files, with their content types; HEAD too', async () => {
    const js = await call('/portal/vendor/uPlot.iife.min.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(js.text, /uPlot/);
    securityHeaders(js, 'uPlot.iife.min.js');
    const css = await call('/portal/vendor/uPlot.min.css');
    assert.equal(css.status, 200);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.match(css.text, /\.uplot/);
    const head = await call('/portal/vendor/uPlot.min.css', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(head.text, '');
    securityHeaders(head, 'HEAD');
  });

  test('unknown files, npm files and path traversal are plain 404s', async () => {
    for (const p of ['/portal/no-such-page.html', '/portal/package.json', '/portal/package-lock.json',
      '/portal/node_modules/uplot/package.json', '/portal/node_modules/uplot/dist/uPlot.min.css',
      '/portal/..%2fCMakeLists.txt', '/portal/vendor/..%2f..%2fMakefile', '/portal//etc/passwd',
      '/portal/vendor/']) {
      const r = await call(p);
      assert.equal(r.status, 404, `${p}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8', p);
      securityHeaders(r, p);
    }
    // Paths fetch would normalize, sent as they are.
    for (const p of ['/portal/../CMakeLists.txt', '/portal/%2e%2e/%2e%2e/etc/passwd', '/portal/vendor/../../Makefile',
      '/portal/./vendor/uPlot.min.css']) {
      const r = await rawRequest(server.endpoint, { method: 'GET', path: p, sign: false });
      assert.equal(r.status, 404, `${p}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8', p);
    }
    const post = await call('/portal/vendor/uPlot.min.css', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    securityHeaders(post, 'POST');
  });
});

describe('no API call works without a session', () => {
  test('amiplace\'s own API: 401 AccessDeniedException without a cookie and with an unknown one', async () => {
    for (const [method, p] of ownApi) {
      for (const session of [undefined, { cookie: 'amiplace_session=forged-session-id', token: 'x' }]) {
        const r = await call(p, { method, session, body: method === 'GET' ? undefined : {} });
        expectStatus(r, 401, 'AccessDeniedException', /^Not signed in/, 'sign in');
      }
    }
  });

  test('the Catalog API: 401 with an unknown cookie or from a browser; AWS\'s 403 to other unsigned calls', async () => {
    for (const [method, p, body] of catalogApi) {
      const forged = await call(p, { method, body, session: { cookie: 'amiplace_session=forged', token: 'x' } });
      expectStatus(forged, 401, 'AccessDeniedException', /^Not signed in/);
      const browser = await call(p, { method, body, site: 'same-origin' });
      expectStatus(browser, 401, 'AccessDeniedException', /^Not signed in/);
      const bare = await call(p, { method, body });
      expectStatus(bare, 403, 'MissingAuthenticationTokenException');
    }
  });

  test('the marketplace certificate stays public', async () => {
    const r = await call('/amiplace/v1/identity-certificate');
    assert.equal(r.status, 200);
    assert.match(r.text, /BEGIN CERTIFICATE/);
  });
});

describe('portal sessions', () => {
  test('sign-in sets the cookie exactly and answers the session', async () => {
    const sess = await signIn(seller);
    assert.deepEqual(Object.keys(sess.body).sort(), ['AccountId', 'CsrfToken', 'ExpiresAt', 'Name', 'Type']);
    assert.equal(sess.body.AccountId, seller.AccountId);
    assert.equal(sess.body.Type, 'SELLER');
    assert.equal(sess.body.Name, 'Portal Seller');
    assert.match(sess.body.CsrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(`amiplace_session=${sess.body.CsrfToken}`, sess.cookie);
    const expires = Date.parse(sess.body.ExpiresAt);
    assert.ok(Math.abs(expires - Date.now() - 8 * 3600 * 1000) < 120_000, sess.body.ExpiresAt);
    const again = await call('/portal/api/session', { session: sess });
    expectStatus(again, 200);
    assert.deepEqual(again.json, sess.body);
    securityHeaders(again, 'GET /portal/api/session');
    expectStatus(await call('/portal/api/session'), 401, 'AccessDeniedException', 'Not signed in');
    s.seller = sess;
  });

  test('a wrong secret, an unknown key and a malformed body are refused', async () => {
    const wrong = await call('/portal/api/session', { method: 'POST', body: { AccessKeyId: seller.AccessKeyId, SecretAccessKey: 'nope' } });
    expectStatus(wrong, 401, 'AccessDeniedException', 'The access key ID or secret access key is not valid');
    assert.equal(wrong.headers.get('set-cookie'), null);
    const unknown = await call('/portal/api/session', { method: 'POST', body: { AccessKeyId: 'AKIAUNKNOWNUNKNOWN00', SecretAccessKey: 'nope' } });
    expectStatus(unknown, 401, 'AccessDeniedException', 'The access key ID or secret access key is not valid');
    expectStatus(await call('/portal/api/session', { method: 'POST', body: { AccessKeyId: seller.AccessKeyId, SecretAccessKey: seller.SecretAccessKey, Remember: true } }),
      400, 'ValidationException', 'Remember');
    expectStatus(await call('/portal/api/session', { method: 'POST', body: { AccessKeyId: seller.AccessKeyId, SecretAccessKey: 7 } }),
      400, 'ValidationException', 'SecretAccessKey');
  });

  test('sign-in from another origin is refused (login CSRF)', async () => {
    const body = { AccessKeyId: seller.AccessKeyId, SecretAccessKey: seller.SecretAccessKey };
    expectStatus(await call('/portal/api/session', { method: 'POST', body, origin: 'http://evil.example' }),
      403, 'AccessDeniedException', 'cross-site request refused', 'Origin');
    expectStatus(await call('/portal/api/session', { method: 'POST', body, site: 'cross-site' }),
      403, 'AccessDeniedException', 'cross-site request refused', 'Sec-Fetch-Site');
  });

  test('with the session a GET works, on both APIs', async () => {
    const who = expectStatus(await call('/amiplace/v1/whoami', { session: s.seller }), 200);
    assert.deepEqual(who.json, { AccountId: seller.AccountId, Type: 'SELLER', Name: 'Portal Seller' });
    const subs = expectStatus(await call('/amiplace/v1/subscriptions', { session: s.seller }), 200);
    assert.deepEqual(subs.json, { Subscriptions: [] });
    const missing = await call(`/DescribeEntity?catalog=${CATALOG}&entityId=prod-aaaaaaaaaaaaa`, { session: s.seller });
    expectStatus(missing, 404, 'ResourceNotFoundException');
  });

  test('a state-changing call without the token, from another origin or site, or as a form is 403', async () => {
    const body = { Catalog: CATALOG, ChangeSet: [product('CreateProduct', undefined, { ProductTitle: 'Forged' })] };
    const cases = [
      [{ token: null }, 'X-CSRF-Token'],
      [{ token: 'wrong-token' }, 'X-CSRF-Token'],
      [{ token: s.seller.body.CsrfToken.slice(0, -1) }, 'X-CSRF-Token'],
      [{ origin: 'http://127.0.0.1:1' }, 'Origin'],
      [{ origin: 'http://evil.example' }, 'Origin'],
      [{ origin: 'null' }, 'Origin'],
      [{ site: 'cross-site' }, 'Sec-Fetch-Site'],
      [{ site: 'same-site' }, 'Sec-Fetch-Site'],
    ];
    for (const [opts, named] of cases) {
      const r = await call('/StartChangeSet', { method: 'POST', session: s.seller, body, ...opts });
      expectStatus(r, 403, 'AccessDeniedException', 'cross-site request refused', named);
    }
    // What a hostile page's <form method=post> sends: the cookie, a form body, no token.
    const form = await call('/amiplace/v1/subscriptions', {
      method: 'POST', session: s.seller, token: null, origin: 'http://127.0.0.1:1', site: 'same-site',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ProductId=prod-aaaaaaaaaaaaa',
    });
    expectStatus(form, 403, 'AccessDeniedException', 'cross-site request refused');
    const formNoOrigin = await call('/amiplace/v1/subscriptions', {
      method: 'POST', session: s.seller, token: null, origin: null, site: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ProductId=prod-aaaaaaaaaaaaa',
    });
    expectStatus(formNoOrigin, 403, 'AccessDeniedException', 'X-CSRF-Token');
    // Nothing was created.
    const list = await call('/ListEntities', { method: 'POST', session: s.seller, body: { Catalog: CATALOG, EntityType: 'AmiProduct' } });
    expectStatus(list, 200);
    assert.deepEqual(list.json.EntitySummaryList, []);
  });

  test('with the token and the same origin, a seller creates a product', async () => {
    const r = await call('/StartChangeSet', {
      method: 'POST', session: s.seller,
      body: { Catalog: CATALOG, ChangeSet: [product('CreateProduct', undefined, { ProductTitle: 'Portal Product' })] },
    });
    expectStatus(r, 200);
    assert.match(r.json.ChangeSetId, /^[a-z0-9]{25}$/);
    let d;
    for (let i = 0; i < 200; i++) {
      d = await call(`/DescribeChangeSet?catalog=${CATALOG}&changeSetId=${r.json.ChangeSetId}`, { session: s.seller });
      expectStatus(d, 200);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.json.Status)) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(d.json.Status, 'SUCCEEDED', d.text);
    s.portalProduct = d.json.ChangeSet[0].Entity.Identifier.split('@')[0];
    const e = await call(`/DescribeEntity?catalog=${CATALOG}&entityId=${s.portalProduct}`, { session: s.seller });
    expectStatus(e, 200);
    assert.equal(e.json.EntityArn.includes(seller.AccountId), true, e.json.EntityArn);
  });

  test('another seller\'s session sees that product as not found, as with SigV4', async () => {
    const other = await signIn(otherSeller);
    const r = await call(`/DescribeEntity?catalog=${CATALOG}&entityId=${s.portalProduct}`, { session: other });
    expectStatus(r, 404, 'ResourceNotFoundException');
    const list = await call('/ListEntities', { method: 'POST', session: other, body: { Catalog: CATALOG, EntityType: 'AmiProduct' } });
    expectStatus(list, 200);
    assert.deepEqual(list.json.EntitySummaryList, []);
  });

  test('the session does not authenticate EC2, Metering or Entitlement calls', async () => {
    const ec2Call = await call('/', {
      method: 'POST', session: s.seller, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=DescribeImages&Version=2016-11-15',
    });
    assert.equal(ec2Call.status, 401, ec2Call.text);
    assert.match(ec2Call.text, /<Code>MissingAuthenticationToken<\/Code>/);
    for (const target of ['AWSMPMeteringService.ResolveCustomer', 'AWSMPEntitlementService.GetEntitlements']) {
      const r = await call('/', {
        method: 'POST', session: s.seller, body: '{}',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
      });
      assert.equal(r.status, 403, `${target}: ${r.status} ${r.text}`);
      assert.match(r.text, /MissingAuthenticationToken/, target);
    }
  });

  test('sign-out needs the token, ends the session on the server and clears the cookie', async () => {
    const sess = await signIn(seller);
    expectStatus(await call('/amiplace/v1/whoami', { session: sess }), 200);
    expectStatus(await call('/portal/api/session', { method: 'DELETE', session: sess, token: null }),
      403, 'AccessDeniedException', 'X-CSRF-Token');
    const out = await call('/portal/api/session', { method: 'DELETE', session: sess });
    expectStatus(out, 200);
    assert.deepEqual(out.json, {});
    assert.deepEqual(out.headers.getSetCookie(),
      ['amiplace_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0']);
    // The same cookie, replayed, no longer works anywhere.
    expectStatus(await call('/amiplace/v1/whoami', { session: sess }), 401, 'AccessDeniedException', 'Not signed in');
    expectStatus(await call('/ListEntities', { method: 'POST', session: sess, body: { Catalog: CATALOG } }),
      401, 'AccessDeniedException');
    expectStatus(await call('/portal/api/session', { session: sess }), 401, 'AccessDeniedException');
    // Other sessions of the account go on.
    expectStatus(await call('/amiplace/v1/whoami', { session: s.seller }), 200);
  });
});

describe('the endpoints the pages need', () => {
  test('setup: an hourly product, a buyer who subscribes through the portal and runs an instance', async () => {
    s.ami = await registerImage(server, seller, 'portal-appliance-1.0.0');
    s.amiEu = await registerImage(server, seller, 'portal-appliance-eu', { region: 'eu-west-1' });
    const changes = fullProductChanges({
      title: 'Portal Appliance', amiId: s.ami, accountId: seller.AccountId, instanceTypes: ['t3.micro'],
      rates: { 't3.micro': '0.125' },
    });
    s.productId = createdIds(await applyChangeSet(catalog, changes)).productId;
    await applyChangeSet(catalog, [product('UpdateVisibility', s.productId, { TargetVisibility: 'Public' })]);
    s.code = (await details(catalog, s.productId)).Description.ProductCode;

    s.buyer = await signIn(buyer);
    const sub = await call('/amiplace/v1/subscriptions', { method: 'POST', session: s.buyer, body: { ProductId: s.productId } });
    expectStatus(sub, 200);
    assert.equal(sub.json.Status, 'ACTIVE');
    const view = expectStatus(await call(`/amiplace/v1/products/${s.productId}`, { session: s.buyer }), 200).json;
    const out = await ec2Client(server, buyer).send(new ec2.RunInstancesCommand({
      ImageId: view.Versions[0].Images['us-east-1'], InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
    }));
    s.instance = out.Instances[0];
    s.launchDay = advanceClock(0).slice(0, 10);
    s.today = advanceClock(3).slice(0, 10);
  });

  test('GET /amiplace/v1/images: the seller\'s own images in every region', async () => {
    const r = expectStatus(await call('/amiplace/v1/images', { session: s.seller }), 200);
    assert.deepEqual(Object.keys(r.json), ['Images']);
    const byId = Object.fromEntries(r.json.Images.map((i) => [i.ImageId, i]));
    assert.deepEqual(Object.keys(byId).sort(), [s.ami, s.amiEu].sort());
    for (const i of r.json.Images) {
      assert.deepEqual(Object.keys(i).sort(), ['CreationDate', 'ImageId', 'Name', 'ProductCodes', 'Region', 'State']);
      assert.equal(i.State, 'available');
      assert.deepEqual(i.ProductCodes, []);
      assert.match(i.CreationDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    assert.equal(byId[s.ami].Region, 'us-east-1');
    assert.equal(byId[s.ami].Name, 'portal-appliance-1.0.0');
    assert.equal(byId[s.amiEu].Region, 'eu-west-1');
    const theirs = expectStatus(await call('/amiplace/v1/images', { session: s.buyer }), 200);
    assert.deepEqual(theirs.json, { Images: [] }, 'the marketplace\'s copies are not the buyer\'s own');
  });

  test('GET /amiplace/v1/instances: the buyer\'s own instances', async () => {
    const r = expectStatus(await call('/amiplace/v1/instances', { session: s.buyer }), 200);
    assert.equal(r.json.Instances.length, 1);
    const i = r.json.Instances[0];
    assert.deepEqual(Object.keys(i).sort(),
      ['ImageId', 'InstanceId', 'InstanceType', 'LaunchTime', 'ProductCodes', 'Region', 'State']);
    assert.equal(i.InstanceId, s.instance.InstanceId);
    assert.equal(i.ImageId, s.instance.ImageId);
    assert.equal(i.Region, 'us-east-1');
    assert.equal(i.InstanceType, 't3.micro');
    assert.equal(i.State, 'running');
    assert.deepEqual(i.ProductCodes, [s.code]);
    assert.match(i.LaunchTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const sellers = expectStatus(await call('/amiplace/v1/instances', { session: s.seller }), 200);
    assert.deepEqual(sellers.json, { Instances: [] });
  });

  test('GET /amiplace/v1/dashboard: each day\'s revenue is the daily-business report\'s, to the cent', async () => {
    const q = `?from=${s.launchDay}&to=${s.today}&productId=${s.productId}`;
    const r = expectStatus(await call(`/amiplace/v1/dashboard${q}`, { session: s.seller }), 200);
    const d = r.json;
    assert.deepEqual(Object.keys(d).sort(), ['Currency', 'Days', 'From', 'Products', 'To', 'Totals']);
    assert.equal(d.From, s.launchDay);
    assert.equal(d.To, s.today);
    assert.equal(d.Currency, 'USD');
    assert.deepEqual(d.Products, [{ ProductId: s.productId, ProductTitle: 'Portal Appliance' }]);
    const days = s.launchDay === s.today ? 1 : 2;
    assert.equal(d.Days.length, days);
    let revenue = 0, hours = 0;
    const cents = (a) => { assert.match(a, /^\d+\.\d{2}$/); return Math.round(Number(a) * 100); };
    for (const day of d.Days) {
      assert.deepEqual(Object.keys(day).sort(),
        ['Date', 'InstanceHours', 'MeteredUnits', 'ProductId', 'Revenue', 'RunningInstances', 'Subscribers']);
      assert.equal(day.ProductId, s.productId);
      const report = ok(amiplace(seller, ['seller', 'report', '--type', 'daily-business', '--date', day.Date]), 'report');
      const rows = report.Rows.filter((row) => row.ProductId === s.productId);
      assert.equal(cents(day.Revenue), rows.reduce((a, row) => a + cents(row.Amount), 0), `${day.Date}: ${JSON.stringify(report)}`);
      assert.equal(day.Revenue, report.Total, `${day.Date}: the report's total`);
      assert.equal(Number(day.InstanceHours),
        rows.filter((row) => row.Unit === 'Hrs').reduce((a, row) => a + Number(row.Quantity), 0));
      assert.equal(day.MeteredUnits, '0');
      assert.equal(day.Subscribers, 1);
      assert.equal(day.RunningInstances, 1);
      revenue += cents(day.Revenue);
      hours += Number(day.InstanceHours);
    }
    assert.ok(hours >= 2 && hours <= 3, `3 hours of running bill 2 or 3 completed hours, got ${hours}`);
    assert.ok(revenue > 0);
    assert.equal(cents(d.Totals.Revenue), revenue);
    assert.equal(Number(d.Totals.InstanceHours), hours);
    assert.equal(d.Totals.MeteredUnits, '0');

    // Defaults: the last 30 days up to today, every product of the seller.
    const all = expectStatus(await call('/amiplace/v1/dashboard', { session: s.seller }), 200).json;
    assert.equal(all.To, s.today);
    assert.equal(all.Days.length, 30 * all.Products.length);
    assert.deepEqual(all.Products.map((p) => p.ProductId).sort(), [s.portalProduct, s.productId].sort());
    assert.equal(all.Totals.Revenue, d.Totals.Revenue);
  });

  test('the dashboard is for sellers, names the field of a bad date, and hides others\' products', async () => {
    expectStatus(await call('/amiplace/v1/dashboard', { session: s.buyer }), 403, 'AccessDeniedException');
    expectStatus(await call('/amiplace/v1/dashboard?from=2026-13-01', { session: s.seller }),
      422, 'ValidationException', "from: '2026-13-01' is not a date YYYY-MM-DD");
    expectStatus(await call('/amiplace/v1/dashboard?to=31.01.2026', { session: s.seller }),
      422, 'ValidationException', "to: '31.01.2026' is not a date YYYY-MM-DD");
    expectStatus(await call('/amiplace/v1/dashboard?from=2026-02-02&to=2026-02-01', { session: s.seller }),
      422, 'ValidationException', 'from');
    expectStatus(await call('/amiplace/v1/dashboard?from=2024-01-01&to=2025-12-31', { session: s.seller }),
      422, 'ValidationException', '366');
    const other = await signIn(otherSeller);
    expectStatus(await call(`/amiplace/v1/dashboard?productId=${s.productId}`, { session: other }),
      404, 'ResourceNotFoundException', 'productId');
  });
});

describe('failed sign-ins are limited', () => {
  let limited;
  before(async () => {
    // A server of its own: the limit counts per client address, and every test here is 127.0.0.1.
    limited = await startServer();
  });
  after(async () => { await limited?.stop(); });

  test('the 6th failed sign-in is 429 with Retry-After, and even the right secret is refused then', async () => {
    const op = limited.operator;
    const attempt = (secret) => call('/portal/api/session', {
      method: 'POST', endpoint: limited.endpoint, body: { AccessKeyId: op.AccessKeyId, SecretAccessKey: secret },
    });
    for (let i = 1; i <= 5; i++) {
      expectStatus(await attempt(`wrong-${i}`), 401, 'AccessDeniedException', 'The access key ID or secret access key is not valid');
    }
    for (const secret of ['wrong-6', op.SecretAccessKey]) {
      const r = await attempt(secret);
      expectStatus(r, 429, 'ThrottlingException', /^Too many failed sign-ins; try again in \d+ seconds$/);
      const retry = Number(r.headers.get('retry-after'));
      assert.ok(retry > 0 && retry <= 300, `Retry-After: ${r.headers.get('retry-after')}`);
      assert.ok(r.json.Message.includes(`in ${retry} seconds`), r.text);
      assert.equal(r.headers.get('set-cookie'), null);
    }
  });
});
