// The instance metadata service end to end (CONTRACT §5–6, issue 4's "Done when"), through the
// official JS SDK — @aws-sdk/client-ec2 for the launches and @aws-sdk/ec2-metadata-service pointed
// at each instance's own endpoint (http://<PrivateIpAddress>:<imds-port>) — and `openssl` for the
// signatures: launch refused before subscribing; subscribe, launch; an IMDSv2 token, the product
// codes and the metadata; the identity document verified against the marketplace's certificate
// (/pkcs7, /rsa2048, /signature) and tampering caught; the instance's credentials signing requests
// that are its owner's; the seller's example program (build/examples/verify_marketplace_instance)
// on a marketplace instance and on a plain one; CreateImage keeping the code; a restricted version;
// stop, start, terminate; and IMDS's own answers to bad requests, with nothing of one instance
// readable through another's address. One server with --review auto.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  AMIPLACE_BIN, startServer, createAccount, catalogClient, expectError, runAmiplace, sleep,
} from '../lib/server.mjs';
import { applyChangeSet } from '../lib/fixtures.mjs';
import {
  ec2, AMI_ID, ec2Client, destroyEc2Clients, registerImage, describeImages, product, addVersion,
  fullProductChanges, createdIds, details, versionOf,
} from '../lib/ami.mjs';

const TITLE = 'Metadata Verified Appliance';
const TYPES = ['t3.micro', 't3.small'];
const ROLE = 'amiplace-marketplace-instance';
const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const NO_INSTANCE_IP = '127.100.200.200';
const VERIFY_BIN = path.join(path.dirname(AMIPLACE_BIN), 'examples', 'verify_marketplace_instance');

let server, seller, buyerA, buyerB, catalog, work;
const s = {
  productId: null, code: null, option1: null, v1: null, v11: null,
  a: null, b: null, // buyer A's two marketplace instances ({InstanceId, PrivateIpAddress, ImageId})
  certPem: null, pubPem: null,
};

before(async () => {
  server = await startServer({ args: ['--review', 'auto'] });
  seller = createAccount(server, 'SELLER', 'Metadata Seller');
  buyerA = createAccount(server, 'BUYER', 'Early Buyer');
  buyerB = createAccount(server, 'BUYER', 'Late Buyer');
  catalog = catalogClient(server, seller);
  work = mkdtempSync(path.join(tmpdir(), 'amiplace-conf-imds-'));
});
after(async () => {
  catalog?.destroy();
  destroyEc2Clients();
  if (work && !process.env.AMIPLACE_KEEP_DATA) rmSync(work, { recursive: true, force: true });
  await server?.stop();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const send = (creds, command) => ec2Client(server, creds).send(command);
const run = (creds, input) => send(creds, new ec2.RunInstancesCommand({ MinCount: 1, MaxCount: 1, ...input }));
const imdsEndpoint = (ip) => `http://${ip}:${server.imdsPort}`;
const CODE_ENTRY = () => [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }];

/** The official metadata-service client for one instance: IMDSv2 only (no silent v1 fallback). */
function metadata(ip, extra = {}) {
  return new MetadataService({
    endpoint: imdsEndpoint(ip), retries: 0, ec2MetadataV1Disabled: true, httpOptions: { timeout: 5000 }, ...extra,
  });
}
const get = (ip, p) => metadata(ip).request(p, {});

function subscribe(creds) {
  const r = runAmiplace(['buyer', 'subscribe', '--product-id', s.productId, '--endpoint-url', server.endpoint], { creds });
  assert.equal(r.status, 0, `buyer subscribe failed: ${r.stdout}${r.stderr}`);
  assert.equal(r.json.Status, 'ACTIVE');
  return r.json;
}

/** Launches one instance, waits for it to run (SDK waiter), returns the launched instance. */
async function launch(creds, input) {
  const out = await run(creds, input);
  const [inst] = out.Instances;
  assert.match(inst.PrivateIpAddress ?? '', LOOPBACK);
  assert.notEqual(inst.PrivateIpAddress, '127.0.0.1');
  const waited = await ec2.waitUntilInstanceRunning({ client: ec2Client(server, creds), maxWaitTime: 30 },
    { InstanceIds: out.Instances.map((i) => i.InstanceId) });
  assert.equal(waited.state, 'SUCCESS');
  return out.Instances.length === 1 ? inst : out.Instances;
}

/** A plain HTTP request (no SDK) — for what the SDK will not send. Resolves {status, headers, text}. */
function rawHttp(url, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
const imdsRaw = (ip, p, opts) => rawHttp(imdsEndpoint(ip) + p, opts);
const putToken = (ip, ttl, extraHeaders = {}) => imdsRaw(ip, '/latest/api/token', {
  method: 'PUT',
  headers: { ...(ttl === undefined ? {} : { 'X-aws-ec2-metadata-token-ttl-seconds': String(ttl) }), ...extraHeaders },
});

function openssl(args, { input } = {}) {
  const r = spawnSync('openssl', args, { cwd: work, encoding: 'utf8', input, timeout: 30_000 });
  if (r.error) throw r.error;
  return r;
}
function opensslOk(args, opts) {
  const r = openssl(args, opts);
  assert.equal(r.status, 0, `openssl ${args.join(' ')} failed (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
  return r;
}
const file = (name) => path.join(work, name);
const write = (name, data) => { writeFileSync(file(name), data); return file(name); };

/** AWS's own recipe: the /pkcs7 answer between PEM armour lines. */
const armour = (b64) => `-----BEGIN PKCS7-----\n${b64.trim()}\n-----END PKCS7-----\n`;
const smimeVerify = (p7, document, cert) => openssl(['smime', '-verify', '-inform', 'PEM', '-in', p7,
  '-content', document, '-certfile', cert, '-noverify', '-out', '/dev/null']);
const dgstVerify = (pub, sig, document) => openssl(['dgst', '-sha256', '-verify', pub, '-signature', sig, document]);

/** Base64 as the metadata service serves it: no PEM armour, lines of 76 characters at most. */
function assertBase64Lines(text, what) {
  assert.ok(!text.includes('-----'), `${what} comes without PEM armour`);
  const lines = text.replace(/\n$/, '').split('\n');
  for (const [n, line] of lines.entries()) {
    assert.match(line, /^[A-Za-z0-9+/=]+$/, `${what} line ${n + 1} is base64: ${JSON.stringify(line)}`);
    if (n < lines.length - 1) assert.equal(line.length, 76, `${what} line ${n + 1} is 76 columns`);
    else assert.ok(line.length <= 76, `${what} last line is at most 76 columns`);
  }
  return Buffer.from(lines.join(''), 'base64');
}

/** SHA-256 for @smithy/signature-v4 (the interface of @aws-crypto/sha256-js), from node:crypto. */
class Sha256 {
  constructor(secret) { this.h = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data) { this.h.update(data); }
  async digest() { return new Uint8Array(this.h.digest()); }
}

/** GET /amiplace/v1/whoami signed (SigV4, service amiplace) with `credentials` by @smithy/signature-v4. */
async function whoami(credentials) {
  const url = new URL('/amiplace/v1/whoami', server.endpoint);
  const signer = new SignatureV4({ service: 'amiplace', region: 'us-east-1', credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
    query: {}, headers: { host: url.host },
  });
  const r = await rawHttp(url.href, { headers: signed.headers });
  let json;
  try { json = JSON.parse(r.text); } catch { json = undefined; }
  return { ...r, json };
}

/** The instance's credentials as the SDK's metadata client reads them. */
async function instanceCredentials(ip) {
  const roles = (await get(ip, '/latest/meta-data/iam/security-credentials/')).split('\n').filter(Boolean);
  assert.deepEqual(roles, [ROLE]);
  return JSON.parse(await get(ip, `/latest/meta-data/iam/security-credentials/${ROLE}`));
}

function verifyProgram(code, ip) {
  assert.ok(existsSync(VERIFY_BIN), `${VERIFY_BIN} is built`);
  return spawnSync(VERIFY_BIN, ['--product-code', code, '--metadata-endpoint', imdsEndpoint(ip),
    '--certificate-url', `${server.endpoint}/amiplace/v1/identity-certificate`], { encoding: 'utf8', timeout: 30_000 });
}

// ---------------------------------------------------------------------------------------------

describe('instances and their metadata service', () => {
  test('setup: a Public product (version 1.0.0, t3.micro and t3.small) and its certificate', async () => {
    const ami = await registerImage(server, seller, 'imds-appliance-1.0.0');
    const d = await applyChangeSet(catalog, fullProductChanges({
      title: TITLE, amiId: ami, accountId: seller.AccountId, regions: ['us-east-1'], instanceTypes: TYPES,
    }));
    s.productId = createdIds(d).productId;
    await applyChangeSet(catalog, [product('UpdateVisibility', s.productId, { TargetVisibility: 'Public' })]);
    const doc = await details(catalog, s.productId);
    assert.equal(doc.Description.Visibility, 'Public');
    s.code = doc.Description.ProductCode;
    s.option1 = versionOf(doc, '1.0.0').DeliveryOptions[0].Id;
    const view = runAmiplace(['buyer', 'describe-product', '--product-id', s.productId,
      '--endpoint-url', server.endpoint], { creds: buyerA }).json;
    s.v1 = view.Versions.find((v) => v.VersionTitle === '1.0.0').Images['us-east-1'];
    assert.match(s.v1, AMI_ID);

    // The marketplace's certificate: unsigned GET, PEM.
    const cert = await rawHttp(`${server.endpoint}/amiplace/v1/identity-certificate`);
    assert.equal(cert.status, 200, cert.text);
    assert.match(cert.text, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/);
    s.certPem = write('cert.pem', cert.text);
    const text = opensslOk(['x509', '-in', s.certPem, '-noout', '-text']).stdout;
    assert.match(text, /Public-Key: \(2048 bit\)/, 'an RSA-2048 key');
    s.pubPem = write('pub.pem', opensslOk(['x509', '-pubkey', '-noout', '-in', s.certPem]).stdout);
  });

  test('a launch before subscribing is refused: OptInRequired (HTTP 401), nothing launched', async () => {
    await expectError(run(buyerA, { ImageId: s.v1, InstanceType: 't3.micro' }), 'OptInRequired', 401,
      'you need to accept terms and subscribe', `https://aws.amazon.com/marketplace/pp?sku=${s.code}`);
    const out = await send(buyerA, new ec2.DescribeInstancesCommand({}));
    assert.deepEqual(out.Reservations ?? [], []);
  });

  test('subscribed, buyer A launches two instances; each has its own loopback address', async () => {
    subscribe(buyerA);
    const [a, b] = await launch(buyerA, { ImageId: s.v1, InstanceType: 't3.micro', MinCount: 2, MaxCount: 2 });
    assert.notEqual(a.PrivateIpAddress, b.PrivateIpAddress);
    s.a = a;
    s.b = b;
    const desc = (await send(buyerA, new ec2.DescribeInstancesCommand({ InstanceIds: [a.InstanceId] })))
      .Reservations[0].Instances[0];
    assert.deepEqual(desc.State, { Code: 16, Name: 'running' });
    assert.deepEqual(desc.ProductCodes, CODE_ENTRY());
  });

  test('the metadata-service SDK (IMDSv2): a token, the product code and the instance\'s metadata', async () => {
    const ip = s.a.PrivateIpAddress;
    const token = await metadata(ip).fetchMetadataToken();
    assert.equal(typeof token, 'string');
    assert.ok(token.length > 0, 'a non-empty token');
    const index = (await get(ip, '/latest/meta-data/')).split('\n');
    for (const entry of ['ami-id', 'instance-id', 'instance-type', 'product-codes', 'placement/', 'iam/']) {
      assert.ok(index.includes(entry), `the index lists ${entry}: ${JSON.stringify(index)}`);
    }
    assert.deepEqual((await get(ip, '/latest/meta-data/product-codes')).split('\n').filter(Boolean), [s.code]);
    assert.equal(await get(ip, '/latest/meta-data/instance-id'), s.a.InstanceId);
    assert.equal(await get(ip, '/latest/meta-data/ami-id'), s.v1);
    assert.equal(await get(ip, '/latest/meta-data/instance-type'), 't3.micro');
    assert.equal(await get(ip, '/latest/meta-data/placement/region'), 'us-east-1');
    // A tokenless (IMDSv1) client is answered too.
    const v1 = new MetadataService({ endpoint: imdsEndpoint(ip), disableFetchToken: true, retries: 0 });
    assert.equal(await v1.request('/latest/meta-data/instance-id', {}), s.a.InstanceId);
  });

  let documentText;
  test('the identity document names the instance and its product code', async () => {
    documentText = await get(s.a.PrivateIpAddress, '/latest/dynamic/instance-identity/document');
    const doc = JSON.parse(documentText);
    assert.deepEqual(doc.marketplaceProductCodes, [s.code]);
    assert.equal(doc.instanceId, s.a.InstanceId);
    assert.equal(doc.privateIp, s.a.PrivateIpAddress);
    assert.equal(doc.region, 'us-east-1');
    assert.equal(doc.accountId, buyerA.AccountId);
    assert.equal(doc.imageId, s.v1);
    assert.equal(doc.instanceType, 't3.micro');
    assert.equal(doc.availabilityZone, 'us-east-1a');
    write('document', documentText);
  });

  test('/pkcs7 and /rsa2048 verify with openssl smime against the marketplace certificate', async () => {
    for (const which of ['pkcs7', 'rsa2048']) {
      const b64 = await get(s.a.PrivateIpAddress, `/latest/dynamic/instance-identity/${which}`);
      assertBase64Lines(b64, which);
      const p7 = write(`${which}.p7`, armour(b64));
      const r = smimeVerify(p7, file('document'), s.certPem);
      assert.equal(r.status, 0, `${which}: openssl smime -verify should succeed\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, /Verification successful/);
    }
  });

  test('/signature is an RSA-SHA256 signature of the document (openssl dgst -verify)', async () => {
    const b64 = await get(s.a.PrivateIpAddress, '/latest/dynamic/instance-identity/signature');
    const sig = assertBase64Lines(b64, 'signature');
    assert.equal(sig.length, 256, 'an RSA-2048 signature is 256 bytes');
    write('sig.bin', sig);
    const r = dgstVerify(s.pubPem, file('sig.bin'), file('document'));
    assert.equal(r.status, 0, `openssl dgst -verify should succeed\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /Verified OK/);
  });

  test('tampering fails: another document, a flipped signature byte, another certificate', async () => {
    const forged = documentText.replace(s.a.InstanceId, s.b.InstanceId);
    assert.notEqual(forged, documentText);
    write('forged', forged);
    for (const which of ['pkcs7', 'rsa2048']) {
      const r = smimeVerify(file(`${which}.p7`), file('forged'), s.certPem);
      assert.notEqual(r.status, 0, `${which}: a changed document must not verify\n${r.stderr}`);
    }
    assert.notEqual(dgstVerify(s.pubPem, file('sig.bin'), file('forged')).status, 0, 'a changed document must not verify');
    const bad = Buffer.from(readFileSync(file('sig.bin')));
    bad[100] ^= 0x01;
    write('bad.bin', bad);
    assert.notEqual(dgstVerify(s.pubPem, file('bad.bin'), file('document')).status, 0, 'a changed signature must not verify');
    // Only the marketplace's certificate vouches for the document: another key's does not.
    opensslOk(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=not the marketplace', '-days', '1',
      '-keyout', file('other.key'), '-out', file('other.pem')]);
    const other = smimeVerify(file('pkcs7.p7'), file('document'), file('other.pem'));
    assert.notEqual(other.status, 0, `the document must not verify against another certificate\n${other.stderr}`);
  });

  let creds;
  test('the instance\'s credentials, read through the SDK, sign requests that are its owner\'s', async () => {
    creds = await instanceCredentials(s.a.PrivateIpAddress);
    assert.equal(creds.Code, 'Success');
    assert.equal(creds.Type, 'AWS-HMAC');
    assert.match(creds.AccessKeyId, /^ASIA[A-Z0-9]{12,}$/);
    assert.ok(creds.SecretAccessKey?.length >= 20, 'a secret');
    assert.ok(creds.Token?.length > 0, 'a session token');
    const expires = Date.parse(creds.Expiration);
    assert.ok(expires > Date.now() + 60_000, `expires in the future: ${creds.Expiration}`);
    assert.ok(expires <= Date.now() + 6 * 3600_000 + 60_000, `expires within six hours: ${creds.Expiration}`);
    assert.ok(Math.abs(Date.parse(creds.LastUpdated) - Date.now()) < 6 * 3600_000, `LastUpdated: ${creds.LastUpdated}`);

    const sdkCreds = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token };
    const me = await whoami(sdkCreds);
    assert.equal(me.status, 200, me.text);
    assert.deepEqual({ AccountId: me.json.AccountId, Type: me.json.Type, Name: me.json.Name },
      { AccountId: buyerA.AccountId, Type: 'BUYER', Name: 'Early Buyer' });

    // The EC2 client with them sees the owner's instances.
    const client = new ec2.EC2Client({ endpoint: server.endpoint, region: 'us-east-1', credentials: sdkCreds, maxAttempts: 1 });
    try {
      const out = await client.send(new ec2.DescribeInstancesCommand({}));
      const ids = (out.Reservations ?? []).flatMap((r) => r.Instances).map((i) => i.InstanceId).sort();
      assert.deepEqual(ids, [s.a.InstanceId, s.b.InstanceId].sort());
    } finally {
      client.destroy();
    }

    // amiplace's CLI with AWS_SESSION_TOKEN: the owner's subscriptions.
    const env = { ...process.env, AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.Token };
    delete env.AWS_PROFILE;
    const r = spawnSync(AMIPLACE_BIN, ['buyer', 'list-subscriptions', '--endpoint-url', server.endpoint],
      { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `buyer list-subscriptions with the instance's credentials: ${r.stdout}${r.stderr}`);
    const subs = JSON.parse(r.stdout).Subscriptions;
    assert.ok(subs.some((x) => x.ProductId === s.productId && x.Status === 'ACTIVE'), r.stdout);
  });

  test('the instance\'s credentials with a wrong session token, or none, are refused', async () => {
    const base = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey };
    const wrong = await whoami({ ...base, sessionToken: creds.Token.slice(0, -4) + (creds.Token.endsWith('AAAA') ? 'BBBB' : 'AAAA') });
    assert.equal(wrong.status, 403, `a wrong session token: ${wrong.status} ${wrong.text}`);
    const none = await whoami(base);
    assert.equal(none.status, 403, `no session token: ${none.status} ${none.text}`);
    // EC2 refuses a forged session token with its AuthFailure (401).
    const client = new ec2.EC2Client({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1,
      credentials: { ...base, sessionToken: 'not-a-token' } });
    try {
      await expectError(client.send(new ec2.DescribeInstancesCommand({})), 'AuthFailure', 401);
    } finally {
      client.destroy();
    }
  });

  let plain;
  test('the seller\'s example program: 0 on the product\'s instance, 1 for another code, 1 on a plain AMI', async () => {
    const ok = verifyProgram(s.code, s.a.PrivateIpAddress);
    assert.equal(ok.status, 0, `verify on the marketplace instance: exit ${ok.status}\n${ok.stdout}\n${ok.stderr}`);
    const other = verifyProgram('0000000000000000000000000', s.a.PrivateIpAddress);
    assert.equal(other.status, 1, `verify with another code: exit ${other.status}\n${other.stdout}\n${other.stderr}`);

    // A plain AMI of the buyer's own (RegisterImage in the same region): no product code at all.
    const image = await registerImage(server, buyerA, 'buyer-plain-image');
    plain = await launch(buyerA, { ImageId: image, InstanceType: 't3.micro' });
    assert.deepEqual(plain.ProductCodes ?? [], []);
    const doc = JSON.parse(await get(plain.PrivateIpAddress, '/latest/dynamic/instance-identity/document'));
    assert.equal(doc.instanceId, plain.InstanceId);
    assert.ok(doc.marketplaceProductCodes == null || doc.marketplaceProductCodes.length === 0,
      `no marketplace product codes: ${JSON.stringify(doc.marketplaceProductCodes)}`);
    const pc = await imdsRaw(plain.PrivateIpAddress, '/latest/meta-data/product-codes');
    assert.equal(pc.status, 404, 'product-codes is 404 on an instance without any');
    const onPlain = verifyProgram(s.code, plain.PrivateIpAddress);
    assert.equal(onPlain.status, 1, `verify on a plain instance: exit ${onPlain.status}\n${onPlain.stdout}\n${onPlain.stderr}`);
    const usage = spawnSync(VERIFY_BIN, ['--metadata-endpoint', imdsEndpoint(plain.PrivateIpAddress)], { encoding: 'utf8' });
    assert.equal(usage.status, 2, 'no --product-code is a usage error');
  });

  test('CreateImage: an AMI owned by the buyer that keeps the product code; its instance carries it', async () => {
    const { ImageId: derived } = await send(buyerA, new ec2.CreateImageCommand({
      InstanceId: s.a.InstanceId, Name: 'imds appliance backup', NoReboot: true,
    }));
    assert.match(derived, AMI_ID);
    const [img] = await describeImages(server, buyerA, { ImageIds: [derived] });
    assert.equal(img.OwnerId, buyerA.AccountId);
    assert.deepEqual(img.ProductCodes, CODE_ENTRY());
    const attr = await send(buyerA, new ec2.DescribeImageAttributeCommand({ ImageId: derived, Attribute: 'productCodes' }));
    assert.deepEqual(attr.ProductCodes, CODE_ENTRY());

    const inst = await launch(buyerA, { ImageId: derived, InstanceType: 't3.small' });
    assert.deepEqual(inst.ProductCodes, CODE_ENTRY());
    const ip = inst.PrivateIpAddress;
    assert.deepEqual((await get(ip, '/latest/meta-data/product-codes')).split('\n').filter(Boolean), [s.code]);
    assert.equal(await get(ip, '/latest/meta-data/ami-id'), derived);
    assert.equal(await get(ip, '/latest/meta-data/instance-type'), 't3.small');
    const doc = JSON.parse(await get(ip, '/latest/dynamic/instance-identity/document'));
    assert.deepEqual(doc.marketplaceProductCodes, [s.code]);
    assert.equal(doc.imageId, derived);
    const ok = verifyProgram(s.code, ip);
    assert.equal(ok.status, 0, `verify on the derived AMI's instance: exit ${ok.status}\n${ok.stdout}\n${ok.stderr}`);
  });

  test('a restricted version: a buyer subscribing after the restriction is refused 1.0.0; the earlier buyer still launches it', async () => {
    const ami11 = await registerImage(server, seller, 'imds-appliance-1.1.0');
    await applyChangeSet(catalog, [addVersion(s.productId, ami11, '1.1.0', { accountId: seller.AccountId })]);
    await applyChangeSet(catalog, [product('RestrictDeliveryOptions', s.productId, { DeliveryOptionIds: [s.option1] })]);
    const view = runAmiplace(['buyer', 'describe-product', '--product-id', s.productId,
      '--endpoint-url', server.endpoint], { creds: buyerA }).json;
    assert.deepEqual(view.Versions.map((v) => [v.VersionTitle, v.Status]), [['1.0.0', 'Restricted'], ['1.1.0', 'Available']]);
    s.v11 = view.Versions.find((v) => v.VersionTitle === '1.1.0').Images['us-east-1'];

    subscribe(buyerB);
    await expectError(run(buyerB, { ImageId: s.v1, InstanceType: 't3.micro' }), 'UnsupportedOperation', 400,
      'no longer available to new subscribers', `https://aws.amazon.com/marketplace/pp?sku=${s.code}`);
    const early = await launch(buyerA, { ImageId: s.v1, InstanceType: 't3.micro' });
    assert.deepEqual(early.ProductCodes, CODE_ENTRY());
    assert.equal(await get(early.PrivateIpAddress, '/latest/meta-data/ami-id'), s.v1);

    const late = await launch(buyerB, { ImageId: s.v11, InstanceType: 't3.micro' });
    assert.deepEqual((await get(late.PrivateIpAddress, '/latest/meta-data/product-codes')).split('\n').filter(Boolean), [s.code]);
    const doc = JSON.parse(await get(late.PrivateIpAddress, '/latest/dynamic/instance-identity/document'));
    assert.equal(doc.accountId, buyerB.AccountId);
    assert.equal(doc.instanceId, late.InstanceId);
    const ok = verifyProgram(s.code, late.PrivateIpAddress);
    assert.equal(ok.status, 0, `verify on buyer B's 1.1.0 instance: exit ${ok.status}\n${ok.stdout}\n${ok.stderr}`);
  });

  describe('bad requests get IMDS\'s own answers', () => {
    test('PUT /latest/api/token: the TTL header is required, 1..21600, echoed back', async () => {
      const ip = s.a.PrivateIpAddress;
      for (const ttl of [undefined, 0, 21601, 'abc', -5]) {
        const r = await putToken(ip, ttl);
        assert.equal(r.status, 400, `TTL ${JSON.stringify(ttl)}: ${r.status} ${r.text}`);
      }
      for (const ttl of [1, 21600]) {
        const r = await putToken(ip, ttl);
        assert.equal(r.status, 200, `TTL ${ttl}: ${r.status} ${r.text}`);
        assert.ok(r.text.length > 0, 'a token');
        assert.equal(r.headers['x-aws-ec2-metadata-token-ttl-seconds'], String(ttl));
      }
      // A token request forwarded through a proxy is refused (IMDS's hop protection).
      const forwarded = await putToken(ip, 60, { 'X-Forwarded-For': '10.0.0.1' });
      assert.equal(forwarded.status, 403, `X-Forwarded-For: ${forwarded.status} ${forwarded.text}`);
    });

    test('a bad or expired token is 401, while a tokenless (IMDSv1) request works', async () => {
      const ip = s.a.PrivateIpAddress;
      const bad = await imdsRaw(ip, '/latest/meta-data/instance-id', { headers: { 'X-aws-ec2-metadata-token': 'not-a-token' } });
      assert.equal(bad.status, 401, `a bad token: ${bad.status} ${bad.text}`);
      const v1 = await imdsRaw(ip, '/latest/meta-data/instance-id');
      assert.equal(v1.status, 200);
      assert.equal(v1.text, s.a.InstanceId);
      const good = (await putToken(ip, 21600)).text;
      const v2 = await imdsRaw(ip, '/latest/meta-data/instance-id', { headers: { 'X-aws-ec2-metadata-token': good } });
      assert.equal(v2.status, 200);
      assert.equal(v2.text, s.a.InstanceId);
      // A token past its TTL is refused too.
      const short = (await putToken(ip, 1)).text;
      await sleep(2100);
      const expired = await imdsRaw(ip, '/latest/meta-data/instance-id', { headers: { 'X-aws-ec2-metadata-token': short } });
      assert.equal(expired.status, 401, `an expired token: ${expired.status} ${expired.text}`);
    });

    test('an unknown path is a 404 page; repeated slashes are collapsed', async () => {
      const ip = s.a.PrivateIpAddress;
      const r = await imdsRaw(ip, '/latest/meta-data/no-such-thing');
      assert.equal(r.status, 404);
      assert.match(r.headers['content-type'] ?? '', /^text\/html/);
      assert.match(r.text, /404 - Not Found/);
      const sdk = await metadata(ip).request('/latest/meta-data/no-such-thing', {}).then(() => null, (e) => e);
      assert.equal(sdk?.$metadata?.httpStatusCode, 404, `the SDK sees 404: ${sdk}`);
      const slashes = await imdsRaw(ip, '//latest//meta-data///instance-id');
      assert.equal(slashes.status, 200);
      assert.equal(slashes.text, s.a.InstanceId);
    });

    test('an address of no instance is 404, for tokens and metadata alike', async () => {
      for (const ip of [NO_INSTANCE_IP, '127.0.0.1']) {
        const md = await imdsRaw(ip, '/latest/meta-data/instance-id');
        assert.equal(md.status, 404, `${ip} metadata: ${md.status} ${md.text}`);
        const tok = await putToken(ip, 60);
        assert.equal(tok.status, 404, `${ip} token: ${tok.status} ${tok.text}`);
      }
      const err = await metadata(NO_INSTANCE_IP).request('/latest/meta-data/instance-id', {}).then(() => null, (e) => e);
      assert.ok(err, 'the SDK fails at an address of no instance');
    });

    test('nothing of instance A is readable through instance B\'s address', async () => {
      const A = s.a.PrivateIpAddress;
      const B = s.b.PrivateIpAddress;
      const tokenA = (await putToken(A, 300)).text;
      for (const p of ['/latest/meta-data/instance-id', '/latest/dynamic/instance-identity/document',
        `/latest/meta-data/iam/security-credentials/${ROLE}`]) {
        const r = await imdsRaw(B, p, { headers: { 'X-aws-ec2-metadata-token': tokenA } });
        assert.equal(r.status, 401, `A's token at B's address (${p}): ${r.status} ${r.text}`);
      }
      // B's own answers are B's.
      assert.equal(await get(B, '/latest/meta-data/instance-id'), s.b.InstanceId);
      const doc = JSON.parse(await get(B, '/latest/dynamic/instance-identity/document'));
      assert.equal(doc.instanceId, s.b.InstanceId);
      assert.equal(doc.privateIp, B);
      const credsB = await instanceCredentials(B);
      const credsA = await instanceCredentials(A);
      assert.notEqual(credsB.AccessKeyId, credsA.AccessKeyId);
      assert.notEqual(credsB.Token, credsA.Token);
      const v1 = await imdsRaw(B, '/latest/meta-data/instance-id');
      assert.equal(v1.text, s.b.InstanceId);
    });
  });

  test('stop, start, terminate through the SDK waiters; a terminated instance\'s address answers no more', async () => {
    const client = ec2Client(server, buyerA);
    const ids = [s.b.InstanceId];
    const stop = await send(buyerA, new ec2.StopInstancesCommand({ InstanceIds: ids }));
    assert.deepEqual(stop.StoppingInstances[0].CurrentState, { Code: 64, Name: 'stopping' });
    assert.equal((await ec2.waitUntilInstanceStopped({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state, 'SUCCESS');
    const [stopped] = (await send(buyerA, new ec2.DescribeInstancesCommand({ InstanceIds: ids }))).Reservations[0].Instances;
    assert.equal(stopped.State.Name, 'stopped');
    assert.equal(stopped.PrivateIpAddress, s.b.PrivateIpAddress, 'a stopped instance keeps its address');

    const start = await send(buyerA, new ec2.StartInstancesCommand({ InstanceIds: ids }));
    assert.deepEqual(start.StartingInstances[0].PreviousState, { Code: 80, Name: 'stopped' });
    assert.equal((await ec2.waitUntilInstanceRunning({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state, 'SUCCESS');
    assert.equal(await get(s.b.PrivateIpAddress, '/latest/meta-data/instance-id'), s.b.InstanceId);

    const term = await send(buyerA, new ec2.TerminateInstancesCommand({ InstanceIds: ids }));
    assert.deepEqual(term.TerminatingInstances[0].CurrentState, { Code: 32, Name: 'shutting-down' });
    assert.equal((await ec2.waitUntilInstanceTerminated({ client, maxWaitTime: 30 }, { InstanceIds: ids })).state, 'SUCCESS');
    const [gone] = (await send(buyerA, new ec2.DescribeInstancesCommand({ InstanceIds: ids }))).Reservations[0].Instances;
    assert.deepEqual(gone.State, { Code: 48, Name: 'terminated' });
    const after = await imdsRaw(s.b.PrivateIpAddress, '/latest/meta-data/instance-id');
    assert.equal(after.status, 404, `a terminated instance's address: ${after.status} ${after.text}`);
    // Instance A is untouched.
    assert.equal(await get(s.a.PrivateIpAddress, '/latest/meta-data/instance-id'), s.a.InstanceId);
  });
});
