// The unmodified AWS CLI (`aws marketplace-catalog … --endpoint-url`) against the server.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  startServer, createAccount, catalogClient, awsCli, waitForChangeSet,
} from '../lib/server.mjs';
import { ISO20, PRODUCT_ID, PRODUCT_CODE, CHANGE_SET_ID, idOf, createProducts, fullInformation } from '../lib/fixtures.mjs';

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
let server, seller, client;
let changeSetId, productId;

before(async () => {
  assert.ok(hasCli, 'the AWS CLI (`aws`) must be on PATH');
  server = await startServer();
  seller = createAccount(server, 'SELLER', 'CLI Seller');
  client = catalogClient(server, seller);
});
after(async () => { await server?.stop(); });

const cli = (args, creds = seller) => awsCli(server, creds, args);
const ok = (r) => {
  assert.equal(r.status, 0, `aws exited ${r.status}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
  return r.json;
};
const CLI_ERROR_EXIT = [254, 255]; // AWS CLI v2 answers service errors with 254, v1 with 255

describe('AWS CLI', () => {
  test('list-entities on a fresh account lists nothing', () => {
    const out = ok(cli(['list-entities', '--catalog', 'AWSMarketplace', '--entity-type', 'AmiProduct']));
    assert.deepEqual(out.EntitySummaryList, []);
  });

  test('start-change-set --change-set \'[...]\' creates a product', async () => {
    const changeSet = JSON.stringify([{
      ChangeType: 'CreateProduct', ChangeName: 'CreateProductChange',
      Entity: { Type: 'AmiProduct@1.0' }, DetailsDocument: { ProductTitle: 'CLI Product' },
    }]);
    const out = ok(cli(['start-change-set', '--catalog', 'AWSMarketplace', '--change-set', changeSet,
      '--change-set-name', 'from the cli']));
    assert.match(out.ChangeSetId, CHANGE_SET_ID);
    assert.equal(out.ChangeSetArn,
      `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/ChangeSet/${out.ChangeSetId}`);
    changeSetId = out.ChangeSetId;
    await waitForChangeSet(client, changeSetId);
  });

  test('describe-change-set shows it SUCCEEDED with the new product', () => {
    const out = ok(cli(['describe-change-set', '--catalog', 'AWSMarketplace', '--change-set-id', changeSetId]));
    assert.equal(out.Status, 'SUCCEEDED');
    assert.equal(out.ChangeSetName, 'from the cli');
    assert.match(out.StartTime, ISO20);
    assert.match(out.EndTime, ISO20);
    assert.equal(out.ChangeSet[0].ChangeType, 'CreateProduct');
    productId = idOf(out.ChangeSet[0].Entity.Identifier);
    assert.match(productId, PRODUCT_ID);
  });

  test('describe-entity shows the Draft product', () => {
    const out = ok(cli(['describe-entity', '--catalog', 'AWSMarketplace', '--entity-id', productId]));
    assert.equal(out.EntityType, 'AmiProduct@1.0');
    assert.equal(out.EntityIdentifier, `${productId}@1`);
    assert.match(out.LastModifiedDate, ISO20);
    assert.equal(out.DetailsDocument.Description.ProductTitle, 'CLI Product');
    assert.equal(out.DetailsDocument.Description.Visibility, 'Draft');
    assert.match(out.DetailsDocument.Description.ProductCode, PRODUCT_CODE);
    assert.deepEqual(JSON.parse(out.Details), out.DetailsDocument);
  });

  test('start-change-set with UpdateInformation given as the Details string', async () => {
    const changeSet = JSON.stringify([{
      ChangeType: 'UpdateInformation', Entity: { Type: 'AmiProduct@1.0', Identifier: `${productId}@1` },
      Details: JSON.stringify(fullInformation({ ProductTitle: 'CLI Product, filled' })),
    }]);
    const out = ok(cli(['start-change-set', '--catalog', 'AWSMarketplace', '--change-set', changeSet]));
    const d = await waitForChangeSet(client, out.ChangeSetId);
    assert.equal(d.Status, 'SUCCEEDED');
    const e = ok(cli(['describe-entity', '--catalog', 'AWSMarketplace', '--entity-id', productId]));
    assert.equal(e.EntityIdentifier, `${productId}@2`);
    assert.equal(e.DetailsDocument.Description.ProductTitle, 'CLI Product, filled');
  });

  test('list-entities follows NextToken itself over several pages', async () => {
    const made = await createProducts(client, Array.from({ length: 24 }, (_, i) => `CLI Listed ${i}`));
    const out = ok(cli(['list-entities', '--catalog', 'AWSMarketplace', '--entity-type', 'AmiProduct', '--page-size', '10']));
    const got = out.EntitySummaryList.map((s) => s.EntityId);
    assert.equal(got.length, 25);
    assert.equal(new Set(got).size, 25);
    assert.deepEqual([...got].sort(), [...made.ids, productId].sort());
  });

  test('list-entities with --entity-type-filters and --entity-type-sort', () => {
    const out = ok(cli(['list-entities', '--catalog', 'AWSMarketplace', '--entity-type', 'AmiProduct',
      '--entity-type-filters', JSON.stringify({ AmiProductFilters: { ProductTitle: { WildCardValue: 'Listed 1' } } }),
      '--entity-type-sort', JSON.stringify({ AmiProductSort: { SortBy: 'ProductTitle', SortOrder: 'ASCENDING' } })]));
    const names = out.EntitySummaryList.map((s) => s.Name);
    const want = Array.from({ length: 24 }, (_, i) => `CLI Listed ${i}`).filter((t) => t.includes('Listed 1')).sort();
    assert.deepEqual(names, want);
  });

  test('list-change-sets lists the CLI\'s change set', () => {
    const out = ok(cli(['list-change-sets', '--catalog', 'AWSMarketplace',
      '--filter-list', JSON.stringify([{ Name: 'ChangeSetName', ValueList: ['from the cli'] }])]));
    assert.deepEqual(out.ChangeSetSummaryList.map((s) => s.ChangeSetId), [changeSetId]);
  });

  test('tag-resource / list-tags-for-resource through the CLI', () => {
    const arn = `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/AmiProduct/${productId}`;
    const t = cli(['tag-resource', '--resource-arn', arn, '--tags', 'Key=stage,Value=beta']);
    assert.equal(t.status, 0, t.stderr);
    const out = ok(cli(['list-tags-for-resource', '--resource-arn', arn]));
    assert.deepEqual(out.Tags, [{ Key: 'stage', Value: 'beta' }]);
  });

  test('untag-resource, and resource policies through the CLI (ARNs in query strings)', () => {
    const arn = `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/AmiProduct/${productId}`;
    assert.equal(cli(['untag-resource', '--resource-arn', arn, '--tag-keys', 'stage']).status, 0);
    assert.deepEqual(ok(cli(['list-tags-for-resource', '--resource-arn', arn])).Tags, []);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    assert.equal(cli(['put-resource-policy', '--resource-arn', arn, '--policy', policy]).status, 0);
    const got = ok(cli(['get-resource-policy', '--resource-arn', arn]));
    assert.deepEqual(JSON.parse(got.Policy), JSON.parse(policy));
    assert.equal(cli(['delete-resource-policy', '--resource-arn', arn]).status, 0);
    const r = cli(['get-resource-policy', '--resource-arn', arn]);
    assert.ok(CLI_ERROR_EXIT.includes(r.status), `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /ResourceNotFoundException/);
  });

  test('batch-describe-entities through the CLI', () => {
    const out = ok(cli(['batch-describe-entities', '--entity-request-list',
      JSON.stringify([{ Catalog: 'AWSMarketplace', EntityId: productId }, { Catalog: 'AWSMarketplace', EntityId: 'prod-qqqqqqqqqqqqq' }])]));
    assert.deepEqual(Object.keys(out.EntityDetails), [productId]);
    assert.equal(out.Errors['prod-qqqqqqqqqqqqq'].ErrorCode, 'ResourceNotFound');
  });

  test('error: cancel-change-set of a finished set exits non-zero naming ResourceInUseException', () => {
    const r = cli(['cancel-change-set', '--catalog', 'AWSMarketplace', '--change-set-id', changeSetId]);
    assert.ok(CLI_ERROR_EXIT.includes(r.status), `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /ResourceInUseException/);
  });

  test('error: describe-entity of an unknown product exits non-zero naming ResourceNotFoundException', () => {
    const r = cli(['describe-entity', '--catalog', 'AWSMarketplace', '--entity-id', 'prod-qqqqqqqqqqqqq']);
    assert.ok(CLI_ERROR_EXIT.includes(r.status), `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /ResourceNotFoundException/);
  });

  test('error: start-change-set with an unsupported change type names ValidationException and the type', () => {
    const changeSet = JSON.stringify([{ ChangeType: 'AddRepositories', Entity: { Type: 'AmiProduct@1.0', Identifier: productId },
      DetailsDocument: { Repositories: [{ RepositoryName: 'r', RepositoryType: 'ECR' }] } }]);
    const r = cli(['start-change-set', '--catalog', 'AWSMarketplace', '--change-set', changeSet]);
    assert.ok(CLI_ERROR_EXIT.includes(r.status), `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /ValidationException/);
    assert.match(r.stderr, /AddRepositories/);
  });

  test('error: a wrong secret key exits non-zero naming InvalidSignatureException', () => {
    const r = cli(['list-entities', '--catalog', 'AWSMarketplace', '--entity-type', 'AmiProduct'],
      { AccessKeyId: seller.AccessKeyId, SecretAccessKey: 'not-the-secret-not-the-secret' });
    assert.ok(CLI_ERROR_EXIT.includes(r.status), `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /InvalidSignatureException/);
  });

  test('error: an unknown access key exits non-zero naming UnrecognizedClientException', () => {
    const r = cli(['list-entities', '--catalog', 'AWSMarketplace', '--entity-type', 'AmiProduct'],
      { AccessKeyId: 'AKIANOBODYNOBODY0000', SecretAccessKey: 'whatever-whatever-whatever' });
    assert.ok(CLI_ERROR_EXIT.includes(r.status), `exit ${r.status}\nstderr: ${r.stderr}`);
    assert.match(r.stderr, /UnrecognizedClientException/);
  });
});
