// Product Load Forms (issue #6): a product created from a filled blank form, exported, edited the
// way spreadsheet programs save it (Python's openpyxl and LibreOffice headless, both from
// Debian's packages), uploaded, and exactly the edits applied; export → upload with no edit
// submits nothing; broken, corrupt, oversized and zip-bomb files are refused with every mistake
// at its cell and nothing half-applied.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  startServer, createAccount, catalogClient, call, runAmiplace, waitForChangeSet,
} from '../lib/server.mjs';
import { CATALOG } from '../lib/fixtures.mjs';
import { registerImage, destroyEc2Clients, details } from '../lib/ami.mjs';

const EDIT = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'plf_edit.py');
const PYTHON = '/usr/bin/python3';  // Debian's, with python3-openpyxl

let server, seller, other, buyer, catalog, dir;
const s = {};

function cli(creds, args) {
  return runAmiplace([...args, '--endpoint-url', server.endpoint], { creds });
}

/** Writes `edits` into IN with openpyxl and saves OUT (openpyxl's own writer). */
function edit(input, output, edits) {
  const spec = join(dir, `edits-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(spec, JSON.stringify(edits));
  const r = spawnSync(PYTHON, [EDIT, input, output, spec], { encoding: 'utf8' });
  assert.equal(r.status, 0, `plf_edit.py failed: ${r.stdout}${r.stderr}`);
  return output;
}

/** Opens IN in LibreOffice headless and saves it again as .xlsx (LibreOffice's own writer). */
function libreOfficeResave(input) {
  const out = mkdtempSync(join(dir, 'lo-'));
  const r = spawnSync('soffice', [
    `-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--headless', '--norestore',
    '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', out, input,
  ], { encoding: 'utf8', timeout: 120_000 });
  const saved = join(out, input.split('/').pop());
  assert.ok(existsSync(saved), `LibreOffice did not save ${saved}: ${r.stdout}${r.stderr}`);
  return saved;
}

function upload(creds, file) {
  return cli(creds, ['plf', 'upload', '--file', file]);
}

function exportForm(productId, name) {
  const out = join(dir, name);
  const r = cli(seller, ['plf', 'export', '--product-id', productId, '--out', out]);
  assert.equal(r.status, 0, `plf export failed: ${r.stderr}`);
  assert.equal(r.json.File, out);
  return out;
}

async function uploadAndApply(file) {
  const r = upload(seller, file);
  assert.equal(r.status, 0, `plf upload failed:\n${r.stderr}`);
  assert.match(r.json.ChangeSetId, /^[a-z0-9]{25}$/);
  const d = await waitForChangeSet(catalog, r.json.ChangeSetId);
  assert.equal(d.Status, 'SUCCEEDED', JSON.stringify(d.ChangeSet.map((c) => c.ErrorDetailList), null, 1));
  return { out: r.json, described: d };
}

async function changeSetCount() {
  let count = 0;
  let NextToken;
  do {
    const out = await call(catalog, 'ListChangeSets', { Catalog: CATALOG, MaxResults: 20, NextToken });
    count += out.ChangeSetSummaryList.length;
    NextToken = out.NextToken;
  } while (NextToken);
  return count;
}

async function offerOf() {
  return details(catalog, s.offerId);
}

const rate = (offer, key) => offer.Terms.find((t) => t.Type === 'UsageBasedPricingTerm')
  .RateCards[0].RateCard.find((r) => r.DimensionKey === key)?.Price;

function versionRow(row, title, ami) {
  const cell = (column, value) => ({ sheet: 'Versions', row, column, value });
  return [
    cell('VersionTitle', title), cell('AmiId', ami),
    cell('AccessRoleArn', `arn:aws:iam::${seller.AccountId}:role/Ingest`),
    cell('OsName', 'AMAZONLINUX'), cell('OsVersion', 2023), cell('OsUserName', 'ec2-user'),
    cell('ReleaseNotes', `Release ${title}.`), cell('UsageInstructions', 'Connect with ssh as ec2-user.'),
    cell('RecommendedInstanceType', 't3.micro'), cell('SecurityGroups', 'tcp 22 0.0.0.0/0; tcp 443 0.0.0.0/0'),
  ];
}

/** A signed call to the amiplace API (SigV4, service "amiplace"), as any AWS signer makes it. */
async function signedPost(creds, path, body) {
  class Sha256 {
    constructor(secret) { this.h = secret ? createHmac('sha256', secret) : createHash('sha256'); }
    update(data) { this.h.update(data); }
    async digest() { return new Uint8Array(this.h.digest()); }
  }
  const url = new URL(path, server.endpoint);
  const signer = new SignatureV4({
    service: 'amiplace', region: 'us-east-1', sha256: Sha256,
    credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey },
  });
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
    query: {}, headers: { host: url.host, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    body,
  });
  return fetch(url, { method: 'POST', headers: signed.headers, body });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amiplace-plf-'));
  server = await startServer({ args: ['--review', 'auto'] });
  seller = createAccount(server, 'SELLER', 'Form Seller');
  other = createAccount(server, 'SELLER', 'Other Seller');
  buyer = createAccount(server, 'BUYER', 'Form Buyer');
  catalog = catalogClient(server, seller);
  s.ami1 = await registerImage(server, seller, 'form-appliance-1.0.0');
  s.ami2 = await registerImage(server, seller, 'form-appliance-2.0.0');
  s.ami3 = await registerImage(server, seller, 'form-appliance-3.0.0');
});

after(async () => {
  destroyEc2Clients();
  await server?.stop();
});

describe('Product Load Forms', () => {
  test('plf blank writes a workbook with the Instructions and every form sheet', () => {
    const out = join(dir, 'blank.xlsx');
    const r = cli(seller, ['plf', 'blank', '--product-type', 'ami', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json, { File: out });
    const check = spawnSync(PYTHON, ['-c', `
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
ws = wb["Product"]
print(ws.freeze_panes, ws["D1"].value)
print(len(wb["Regions"].data_validations.dataValidation) > 0)
print(wb["Instructions"]["A1"].value)
`, out], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    const [sheets, frozen, validations, title] = check.stdout.trim().split('\n');
    assert.equal(sheets, 'Instructions|Product|Versions|Regions|Instance types|Dimensions|Allowlist|Offer|Lists');
    assert.equal(frozen, 'A2 ProductTitle *');
    assert.equal(validations, 'True');
    assert.match(title, /Product Load Form/);
    const bad = cli(seller, ['plf', 'blank', '--product-type', 'saas', '--out', out]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /product-type: 'saas'/);
  });

  test('a filled blank form (saved by openpyxl) creates the product and its offer', async () => {
    const cell = (sheet, row, column, value) => ({ sheet, row, column, value });
    const filled = edit(join(dir, 'blank.xlsx'), join(dir, 'filled.xlsx'), [
      cell('Product', 2, 'ProductTitle', 'Form Appliance'),
      cell('Product', 2, 'ShortDescription', 'An appliance listed from a spreadsheet.'),
      cell('Product', 2, 'LongDescription', 'An appliance whose whole listing came from a Product Load Form.'),
      cell('Product', 2, 'LogoUrl', 'https://example.com/logo.png'),
      cell('Product', 2, 'Highlight1', 'Listed from a spreadsheet'),
      cell('Product', 2, 'Category1', 'Security'),
      cell('Product', 2, 'SearchKeywords', 'form, spreadsheet'),
      cell('Product', 2, 'SupportDescription', 'Email support@example.com.'),
      ...versionRow(2, '1.0.0', s.ami1),
      cell('Regions', 2, 'Region', 'us-east-1'),
      cell('Instance types', 2, 'InstanceType', 't3.micro'), cell('Instance types', 2, 'HourlyPrice', 0.12),
      cell('Instance types', 3, 'InstanceType', 't3.small'), cell('Instance types', 3, 'HourlyPrice', 0.24),
      cell('Dimensions', 2, 'Key', 'Users'), cell('Dimensions', 2, 'Name', 'Active users'),
      cell('Dimensions', 2, 'Description', 'Users active in the hour'), cell('Dimensions', 2, 'Unit', 'Users'),
      cell('Dimensions', 2, 'Price', 0.05),
      cell('Offer', 2, 'OfferName', 'Form Appliance offer'), cell('Offer', 2, 'PricingModel', 'Usage'),
      cell('Offer', 2, 'EulaType', 'StandardEula'), cell('Offer', 2, 'RefundPolicy', 'No refunds.'),
    ]);
    const { out, described } = await uploadAndApply(filled);
    assert.deepEqual(out.Changes.map((c) => c.ChangeType), [
      'CreateProduct', 'UpdateInformation', 'AddRegions', 'AddInstanceTypes', 'AddDeliveryOptions',
      'AddDimensions', 'CreateOffer', 'UpdateInformation', 'UpdatePricingTerms', 'UpdateLegalTerms',
      'UpdateSupportTerms']);
    assert.equal(out.Changes[0].EntityId, '$PlfCreateProduct.Entity.Identifier');
    s.productId = described.ChangeSet[0].Entity.Identifier.split('@')[0];
    s.offerId = described.ChangeSet.find((c) => c.ChangeType === 'CreateOffer').Entity.Identifier.split('@')[0];
    const doc = await details(catalog, s.productId);
    assert.equal(doc.Description.ProductTitle, 'Form Appliance');
    assert.equal(doc.Description.Visibility, 'Draft');
    assert.deepEqual(doc.Compatibility.AvailableInstanceTypes.sort(), ['t3.micro', 't3.small']);
    assert.equal(doc.Versions.length, 1);
    // The version's AMI is the marketplace's copy of the seller's image (what buyers launch).
    assert.match(doc.Versions[0].Sources[0].Image, /^ami-[0-9a-f]{17}$/);
    assert.equal(doc.Versions[0].VersionTitle, '1.0.0');
    const offer = await offerOf();
    assert.equal(rate(offer, 't3.micro'), '0.12');
    assert.equal(rate(offer, 'Users'), '0.05');
    // The change set is a change set like any other.
    const listed = await call(catalog, 'ListChangeSets', { Catalog: CATALOG });
    assert.ok(listed.ChangeSetSummaryList.some((c) => c.ChangeSetId === out.ChangeSetId
      && c.ChangeSetName === 'Product Load Form upload'));
  });

  test('export → upload with no edit submits nothing (as exported, and re-saved by openpyxl and LibreOffice)', async () => {
    const exported = exportForm(s.productId, 'export-1.xlsx');
    const before = await changeSetCount();
    for (const file of [exported, edit(exported, join(dir, 'export-1-openpyxl.xlsx'), []), libreOfficeResave(exported)]) {
      const r = upload(seller, file);
      assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      assert.deepEqual(r.json, { ChangeSetId: null, Changes: [] }, file);
    }
    assert.equal(await changeSetCount(), before);
  });

  async function editAndCheck(file, { title, price, version, ami }) {
    const docBefore = await details(catalog, s.productId);
    const offerBefore = await offerOf();
    const { out } = await uploadAndApply(file);
    assert.deepEqual(out.Changes.map((c) => c.ChangeType), ['UpdateInformation', 'AddDeliveryOptions', 'UpdatePricingTerms']);
    const doc = await details(catalog, s.productId);
    const offer = await offerOf();
    assert.equal(doc.Description.ProductTitle, title);
    assert.equal(doc.Versions.length, docBefore.Versions.length + 1);
    const added = doc.Versions.find((v) => v.VersionTitle === version);
    assert.match(added.Sources[0].Image, /^ami-[0-9a-f]{17}$/);
    assert.ok(!docBefore.Versions.some((v) => v.Sources[0].Image === added.Sources[0].Image));
    assert.equal(added.Sources[0].OperatingSystem.Version, '2023');
    assert.equal(rate(offer, 't3.small'), price);
    // Nothing else moved.
    assert.equal(rate(offer, 't3.micro'), rate(offerBefore, 't3.micro'));
    assert.equal(rate(offer, 'Users'), rate(offerBefore, 'Users'));
    const strip = (d) => ({ ...d, Description: { ...d.Description, ProductTitle: null }, Versions: null });
    assert.deepEqual(strip(doc), strip(docBefore));
    assert.deepEqual(doc.Versions.filter((v) => v.VersionTitle !== version), docBefore.Versions);
  }

  test('a title, a price and a new version edited and saved by openpyxl: exactly those changes', async () => {
    const exported = exportForm(s.productId, 'export-2.xlsx');
    const edited = edit(exported, join(dir, 'edited-openpyxl.xlsx'), [
      { sheet: 'Product', row: 2, column: 'ProductTitle', value: 'Form Appliance Pro' },
      { sheet: 'Instance types', row: 3, column: 'HourlyPrice', value: 0.3 },
      ...versionRow(3, '2.0.0', s.ami2),
    ]);
    await editAndCheck(edited, { title: 'Form Appliance Pro', price: '0.3', version: '2.0.0', ami: s.ami2 });
  });

  test('the same edits in a file saved by LibreOffice headless: exactly those changes', async () => {
    const exported = exportForm(s.productId, 'export-3.xlsx');
    // The instance-type rows are exported in the product's order; find t3.small's row.
    const rows = spawnSync(PYTHON, ['-c', `
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Instance types"]
print([c.value for c in ws["A"]].index("t3.small") + 1)
`, exported], { encoding: 'utf8' });
    const row = Number(rows.stdout.trim());
    const edited = edit(exported, join(dir, 'edited-for-lo.xlsx'), [
      { sheet: 'Product', row: 2, column: 'ProductTitle', value: 'Form Appliance Max' },
      { sheet: 'Instance types', row, column: 'HourlyPrice', value: 0.35 },
      ...versionRow(4, '3.0.0', s.ami3),
    ]);
    const saved = libreOfficeResave(edited);
    // It is LibreOffice's file now: its own application name in the document properties.
    const app = spawnSync(PYTHON, ['-c', 'import zipfile,sys; print(zipfile.ZipFile(sys.argv[1]).read("docProps/app.xml").decode())', saved],
      { encoding: 'utf8' });
    assert.match(app.stdout, /LibreOffice/);
    await editAndCheck(saved, { title: 'Form Appliance Max', price: '0.35', version: '3.0.0', ami: s.ami3 });
  });

  test('a broken form lists every mistake with its cell and submits nothing', async () => {
    const exported = exportForm(s.productId, 'export-4.xlsx');
    const broken = edit(exported, join(dir, 'broken.xlsx'), [
      { sheet: 'Product', row: 2, column: 'ProductTitle', value: null },
      { sheet: 'Regions', row: 2, column: 'Region', value: 'us-middle-7' },
      { sheet: 'Instance types', row: 2, column: 'HourlyPrice', value: '12 cents' },
    ]);
    // And a wrong sheet: the Dimensions sheet renamed.
    const renamed = join(dir, 'broken-renamed.xlsx');
    const r0 = spawnSync(PYTHON, ['-c', `
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1]); wb["Dimensions"].title = "Metering"; wb.save(sys.argv[2])
`, broken, renamed], { encoding: 'utf8' });
    assert.equal(r0.status, 0, r0.stderr);
    const before = await changeSetCount();
    const r = upload(seller, renamed);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(': ')[0]).sort(),
      ["'Instance types'!C2", 'Dimensions!A1', 'Product!D2', 'Regions!A2'], r.stderr);
    assert.ok(lines.includes('Product!D2: ProductTitle: is required'), r.stderr);
    assert.ok(lines.some((l) => l.startsWith("'Instance types'!C2: HourlyPrice: '12 cents' is not a price")), r.stderr);
    assert.ok(lines.some((l) => l.startsWith("Regions!A2: Region: 'us-middle-7' is not an AWS commercial region")), r.stderr);
    assert.ok(lines.some((l) => l.startsWith("Dimensions!A1: the sheet 'Dimensions' is missing")), r.stderr);
    assert.equal(await changeSetCount(), before);
    // Over the API: 422 ValidationException with the same list.
    const res = await signedPost(seller, '/amiplace/v1/plf', readFileSync(renamed));
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.equal(body.Errors.length, 4);
    assert.ok(body.Errors.some((e) => e.Cell === 'Product!D2' && e.Column === 'ProductTitle'));
    assert.match(body.Message ?? body.message, /4 mistakes; nothing was submitted/);
  });

  test('edits the marketplace does not allow, and another seller\'s product, are mistakes at their cells', async () => {
    const exported = exportForm(s.productId, 'export-5.xlsx');
    const bad = edit(exported, join(dir, 'immutable.xlsx'), [
      { sheet: 'Versions', row: 2, column: 'AmiId', value: s.ami3 },
    ]);
    const r = upload(seller, bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^Versions!D2: AmiId: an existing version's AmiId cannot change/m);
    const foreign = upload(other, exported);
    assert.equal(foreign.status, 1);
    assert.match(foreign.stderr, new RegExp(`^Product!A2: ProductId: ${s.productId} is not one of your products`, 'm'));
    const asBuyer = upload(buyer, exported);
    assert.equal(asBuyer.status, 1);
    assert.match(asBuyer.stderr, /AccessDenied/);
    const exportOther = cli(other, ['plf', 'export', '--product-id', s.productId, '--out', join(dir, 'x.xlsx')]);
    assert.equal(exportOther.status, 1);
    assert.match(exportOther.stderr, /ResourceNotFound/);
  });

  test('files that are not workbooks, too large, or zip bombs are refused before anything is read', async () => {
    const before = await changeSetCount();
    const cases = [];
    const notZip = join(dir, 'not-a-workbook.xlsx');
    writeFileSync(notZip, 'ProductTitle,ShortDescription\nA,B\n');
    cases.push([notZip, /not an \.xlsx workbook|not a zip/i]);
    const truncated = join(dir, 'truncated.xlsx');
    const whole = readFileSync(join(dir, 'export-1.xlsx'));
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    cases.push([truncated, /corrupt|not an \.xlsx|zip/i]);
    const big = join(dir, 'big.xlsx');
    writeFileSync(big, Buffer.concat([whole, randomBytes(10 * 1024 * 1024)]));
    cases.push([big, /10 MB/]);
    const bomb = join(dir, 'bomb.xlsx');
    const made = spawnSync(PYTHON, ['-c', `
import zipfile, sys
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/workbook.xml", "<workbook/>")
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        chunk = b"\\0" * (1 << 20)
        for _ in range(300):
            f.write(chunk)
`, bomb], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    cases.push([bomb, /zip bomb|inflate/i]);
    for (const [file, message] of cases) {
      const r = upload(seller, file);
      assert.equal(r.status, 1, file);
      assert.match(r.stderr, message, `${file}: ${r.stderr}`);
    }
    assert.equal(await changeSetCount(), before);
    // The server is fine afterwards.
    assert.equal((await fetch(`${server.endpoint}/healthz`)).status, 200);
  });
});
