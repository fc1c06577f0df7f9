// Every Catalog API operation through the official AWS SDK v3, on the happy path.
// (CancelChangeSet is in 04-changesets, which runs its server with --processing-delay.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount, catalogClient, call, expectError } from '../lib/server.mjs';
import {
  CATALOG, ISO20, PRODUCT_ID, PRODUCT_CODE, CHANGE_SET_ID, idOf, revOf, fullInformation,
  createProductChange, updateInformationChange, startChangeSet, applyChangeSet, createProduct,
  describeEntity, listAllEntities, listAllChangeSets,
} from '../lib/fixtures.mjs';
import { waitForChangeSet } from '../lib/server.mjs';

let server, seller, client;

before(async () => {
  server = await startServer();
  seller = createAccount(server, 'SELLER', 'Operations Seller');
  client = catalogClient(server, seller);
});
after(async () => { await server?.stop(); });

const entityArn = (type, id) => `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/${type}/${id}`;
const changeSetArn = (id) => `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/ChangeSet/${id}`;

describe('accounts', () => {
  test('admin create-account returns a 12-digit SELLER account with keys', () => {
    assert.match(seller.AccountId, /^\d{12}$/);
    assert.equal(seller.Type, 'SELLER');
    assert.equal(seller.Name, 'Operations Seller');
    assert.ok(seller.AccessKeyId.length >= 16, 'AccessKeyId');
    assert.ok(seller.SecretAccessKey.length >= 16, 'SecretAccessKey');
    assert.notEqual(seller.AccountId, server.operator.AccountId);
  });
});

describe('StartChangeSet / DescribeChangeSet / DescribeEntity', () => {
  let started, productId;

  test('StartChangeSet (CreateProduct) answers a 25-character ChangeSetId and its ARN', async () => {
    started = await startChangeSet(client, [createProductChange('First Product', 'CreateProductChange')], {
      ChangeSetName: 'create first product',
      ChangeSetTags: [{ Key: 'team', Value: 'alpha' }],
    });
    assert.equal(started.$metadata.httpStatusCode, 200);
    assert.match(started.ChangeSetId, CHANGE_SET_ID);
    assert.equal(started.ChangeSetArn, changeSetArn(started.ChangeSetId));
  });

  test('DescribeChangeSet reports the finished change set and the created entity', async () => {
    const d = await waitForChangeSet(client, started.ChangeSetId);
    assert.equal(d.Status, 'SUCCEEDED', JSON.stringify(d));
    assert.equal(d.ChangeSetId, started.ChangeSetId);
    assert.equal(d.ChangeSetArn, started.ChangeSetArn);
    assert.equal(d.ChangeSetName, 'create first product');
    assert.equal(d.Intent, 'APPLY');
    assert.match(d.StartTime, ISO20);
    assert.match(d.EndTime, ISO20);
    assert.ok(d.EndTime >= d.StartTime, 'EndTime >= StartTime');
    assert.equal(d.FailureCode, undefined);
    assert.equal(d.ChangeSet.length, 1);
    const c = d.ChangeSet[0];
    assert.equal(c.ChangeType, 'CreateProduct');
    assert.equal(c.ChangeName, 'CreateProductChange');
    assert.equal(c.Entity.Type, 'AmiProduct@1.0');
    productId = idOf(c.Entity.Identifier);
    assert.match(productId, PRODUCT_ID);
    assert.ok(!c.ErrorDetailList || c.ErrorDetailList.length === 0);
    // Each ChangeSummary echoes the input as Details (string) and DetailsDocument.
    assert.deepEqual(c.DetailsDocument, { ProductTitle: 'First Product' });
    assert.equal(typeof c.Details, 'string');
    assert.deepEqual(JSON.parse(c.Details), { ProductTitle: 'First Product' });
  });

  test('DescribeEntity returns the Draft product with revision, ARN, dates and product code', async () => {
    const e = await describeEntity(client, productId);
    assert.equal(e.EntityType, 'AmiProduct@1.0');
    assert.equal(e.EntityIdentifier, `${productId}@1`);
    assert.equal(e.EntityArn, entityArn('AmiProduct', productId));
    assert.match(e.LastModifiedDate, ISO20);
    assert.equal(typeof e.Details, 'string');
    assert.deepEqual(JSON.parse(e.Details), e.DetailsDocument, 'Details is DetailsDocument as a string');
    const desc = e.DetailsDocument.Description;
    assert.equal(desc.ProductTitle, 'First Product');
    assert.equal(desc.Visibility, 'Draft');
    assert.match(desc.ProductCode, PRODUCT_CODE);
    assert.ok(!productId.includes(desc.ProductCode), 'the product code is not the product ID');
  });

  test('CreateProduct with an empty DetailsDocument is accepted; the default ChangeSetName names the account', async () => {
    const d = await applyChangeSet(client, [createProductChange(undefined)]);
    assert.equal(d.ChangeSetName, `Submitted by ${seller.AccountId}`);
    const id = idOf(d.ChangeSet[0].Entity.Identifier);
    const e = await describeEntity(client, id);
    assert.equal(e.DetailsDocument.Description.Visibility, 'Draft');
  });

  test('one change set creating three products gives three distinct IDs and product codes', async () => {
    const d = await applyChangeSet(client, [
      createProductChange('Trio A', 'A'), createProductChange('Trio B', 'B'), createProductChange('Trio C', 'C'),
    ]);
    const ids = d.ChangeSet.map((c) => idOf(c.Entity.Identifier));
    assert.equal(new Set(ids).size, 3);
    const codes = [];
    for (const id of ids) {
      const e = await describeEntity(client, id);
      codes.push(e.DetailsDocument.Description.ProductCode);
    }
    for (const code of codes) assert.match(code, PRODUCT_CODE);
    assert.equal(new Set(codes).size, 3, `product codes must be distinct: ${codes}`);
    const listed = await call(client, 'ListChangeSets', {
      Catalog: CATALOG, FilterList: [{ Name: 'EntityId', ValueList: [ids[1]] }],
    });
    assert.equal(listed.ChangeSetSummaryList.length, 1);
    assert.deepEqual([...listed.ChangeSetSummaryList[0].EntityIdList].sort(), [...ids].sort());
  });

  test('UpdateInformation fills the product, bumps the revision, and partial updates keep the rest', async () => {
    const info = fullInformation({ ProductTitle: 'First Product, filled' });
    const d = await applyChangeSet(client, [updateInformationChange(productId, info)]);
    assert.equal(d.ChangeSet[0].ChangeType, 'UpdateInformation');
    assert.equal(idOf(d.ChangeSet[0].Entity.Identifier), productId);
    let e = await describeEntity(client, productId);
    assert.equal(e.EntityIdentifier, `${productId}@2`);
    const desc = e.DetailsDocument.Description;
    assert.equal(desc.ProductTitle, info.ProductTitle);
    assert.equal(desc.ShortDescription, info.ShortDescription);
    assert.equal(desc.LongDescription, info.LongDescription);
    assert.equal(desc.Sku, info.Sku);
    assert.deepEqual(desc.Highlights, info.Highlights);
    assert.deepEqual(desc.SearchKeywords, info.SearchKeywords);
    assert.deepEqual(desc.Categories, info.Categories);
    assert.equal(desc.Visibility, 'Draft');
    const promo = e.DetailsDocument.PromotionalResources;
    assert.equal(promo.LogoUrl, info.LogoUrl);
    assert.deepEqual(promo.AdditionalResources.map(({ Text, Url }) => ({ Text, Url })), info.AdditionalResources);
    assert.deepEqual(promo.Videos.map((v) => v.Url), info.VideoUrls);
    assert.equal(e.DetailsDocument.SupportInformation.Description, info.SupportDescription);

    // A later, partial update on a filled product.
    await applyChangeSet(client, [updateInformationChange(`${productId}@2`, { ShortDescription: 'Now shorter.' })]);
    e = await describeEntity(client, productId);
    assert.equal(e.EntityIdentifier, `${productId}@3`);
    assert.equal(e.DetailsDocument.Description.ShortDescription, 'Now shorter.');
    assert.equal(e.DetailsDocument.Description.ProductTitle, info.ProductTitle);
    assert.equal(revOf(e.EntityIdentifier), 3);
  });

  test('ListEntities lists the seller\'s products with their summaries', async () => {
    const out = await call(client, 'ListEntities', { Catalog: CATALOG, EntityType: 'AmiProduct' });
    assert.equal(out.$metadata.httpStatusCode, 200);
    const mine = out.EntitySummaryList.find((s) => s.EntityId === productId);
    assert.ok(mine, `ListEntities should include ${productId}`);
    assert.match(mine.EntityType, /^AmiProduct(@1\.0)?$/);
    assert.equal(mine.EntityArn, entityArn('AmiProduct', productId));
    assert.equal(mine.Name, 'First Product, filled');
    assert.equal(mine.Visibility, 'Draft');
    assert.match(mine.LastModifiedDate, ISO20);
    assert.deepEqual(mine.AmiProductSummary, { ProductTitle: 'First Product, filled', Visibility: 'Draft' });
  });

  test('ListChangeSets lists change sets with status, times and EntityIdList', async () => {
    const all = await listAllChangeSets(client);
    const mine = all.find((s) => s.ChangeSetId === started.ChangeSetId);
    assert.ok(mine, 'ListChangeSets should include the first change set');
    assert.equal(mine.ChangeSetArn, started.ChangeSetArn);
    assert.equal(mine.ChangeSetName, 'create first product');
    assert.equal(mine.Status, 'SUCCEEDED');
    assert.match(mine.StartTime, ISO20);
    assert.match(mine.EndTime, ISO20);
    assert.deepEqual(mine.EntityIdList, [productId]);
    const byName = await call(client, 'ListChangeSets', {
      Catalog: CATALOG, FilterList: [{ Name: 'ChangeSetName', ValueList: ['create first product'] }],
    });
    assert.deepEqual(byName.ChangeSetSummaryList.map((s) => s.ChangeSetId), [started.ChangeSetId]);
  });

  test('BatchDescribeEntities returns EntityDetails and ResourceNotFound errors', async () => {
    const other = await createProduct(client, 'Batch Second');
    const missing = 'prod-zzzzzzzzzzzzz';
    const out = await call(client, 'BatchDescribeEntities', {
      EntityRequestList: [
        { Catalog: CATALOG, EntityId: productId },
        { Catalog: CATALOG, EntityId: other },
        { Catalog: CATALOG, EntityId: missing },
      ],
    });
    assert.deepEqual(Object.keys(out.EntityDetails).sort(), [productId, other].sort());
    const d = out.EntityDetails[productId];
    assert.equal(d.EntityType, 'AmiProduct@1.0');
    assert.equal(d.EntityArn, entityArn('AmiProduct', productId));
    assert.equal(d.EntityIdentifier, `${productId}@3`);
    assert.match(d.LastModifiedDate, ISO20);
    assert.equal(d.DetailsDocument.Description.ProductTitle, 'First Product, filled');
    assert.deepEqual(Object.keys(out.Errors ?? {}), [missing]);
    assert.equal(out.Errors[missing].ErrorCode, 'ResourceNotFound');
    assert.ok(out.Errors[missing].ErrorMessage, 'ErrorMessage');
  });

  test('TagResource / ListTagsForResource / UntagResource on an entity ARN', async () => {
    const arn = entityArn('AmiProduct', productId);
    await call(client, 'TagResource', { ResourceArn: arn, Tags: [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'me' }] });
    let out = await call(client, 'ListTagsForResource', { ResourceArn: arn });
    assert.equal(out.ResourceArn, arn);
    const sorted = (t) => [...t].sort((a, b) => a.Key.localeCompare(b.Key));
    assert.deepEqual(sorted(out.Tags), [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'me' }]);
    // Tagging an existing key replaces its value.
    await call(client, 'TagResource', { ResourceArn: arn, Tags: [{ Key: 'env', Value: 'prod' }] });
    out = await call(client, 'ListTagsForResource', { ResourceArn: arn });
    assert.deepEqual(sorted(out.Tags), [{ Key: 'env', Value: 'prod' }, { Key: 'owner', Value: 'me' }]);
    await call(client, 'UntagResource', { ResourceArn: arn, TagKeys: ['env'] });
    out = await call(client, 'ListTagsForResource', { ResourceArn: arn });
    assert.deepEqual(out.Tags, [{ Key: 'owner', Value: 'me' }]);
  });

  test('ChangeSetTags show on the change set ARN, which can be tagged too', async () => {
    let out = await call(client, 'ListTagsForResource', { ResourceArn: started.ChangeSetArn });
    assert.deepEqual(out.Tags, [{ Key: 'team', Value: 'alpha' }]);
    await call(client, 'TagResource', { ResourceArn: started.ChangeSetArn, Tags: [{ Key: 'x', Value: '' }] });
    await call(client, 'UntagResource', { ResourceArn: started.ChangeSetArn, TagKeys: ['team'] });
    out = await call(client, 'ListTagsForResource', { ResourceArn: started.ChangeSetArn });
    assert.deepEqual(out.Tags, [{ Key: 'x', Value: '' }]);
  });

  test('PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy on an entity ARN', async () => {
    const arn = entityArn('AmiProduct', productId);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['aws-marketplace:DescribeEntity'], Resource: arn }],
    });
    const put = await call(client, 'PutResourcePolicy', { ResourceArn: arn, Policy: policy });
    assert.equal(put.$metadata.httpStatusCode, 200);
    const got = await call(client, 'GetResourcePolicy', { ResourceArn: arn });
    assert.deepEqual(JSON.parse(got.Policy), JSON.parse(policy));
    const del = await call(client, 'DeleteResourcePolicy', { ResourceArn: arn });
    assert.equal(del.$metadata.httpStatusCode, 200);
    await expectError(call(client, 'GetResourcePolicy', { ResourceArn: arn }), 'ResourceNotFoundException', 404);
  });
});

describe('Offer@1.0', () => {
  let productId, offerId;

  test('CreateOffer on $CreateProductChange.Entity.Identifier and UpdateInformation in one change set', async () => {
    const d = await applyChangeSet(client, [
      {
        ChangeType: 'UpdateInformation', ChangeName: 'OfferInfo',
        Entity: { Type: 'Offer@1.0', Identifier: '$CreateOfferChange.Entity.Identifier' },
        DetailsDocument: { Name: 'Renamed offer', Description: 'The public offer' },
      },
      {
        ChangeType: 'CreateOffer', ChangeName: 'CreateOfferChange', Entity: { Type: 'Offer@1.0' },
        DetailsDocument: { ProductId: '$CreateProductChange.Entity.Identifier', Name: 'Public offer' },
      },
      createProductChange('Offered Product', 'CreateProductChange'),
    ]);
    const byName = Object.fromEntries(d.ChangeSet.map((c) => [c.ChangeName, c]));
    productId = idOf(byName.CreateProductChange.Entity.Identifier);
    offerId = idOf(byName.CreateOfferChange.Entity.Identifier);
    assert.match(productId, PRODUCT_ID);
    assert.match(offerId, /^offer-[a-z0-9]+$/);
    assert.equal(idOf(byName.OfferInfo.Entity.Identifier), offerId);
    const listed = await call(client, 'ListChangeSets', {
      Catalog: CATALOG, FilterList: [{ Name: 'EntityId', ValueList: [offerId] }],
    });
    assert.deepEqual([...listed.ChangeSetSummaryList[0].EntityIdList].sort(), [offerId, productId].sort());
  });

  test('DescribeEntity on the offer', async () => {
    const e = await describeEntity(client, offerId);
    assert.equal(e.EntityType, 'Offer@1.0');
    assert.equal(e.EntityArn, entityArn('Offer', offerId));
    assert.equal(idOf(e.EntityIdentifier), offerId);
    assert.match(e.LastModifiedDate, ISO20);
    assert.deepEqual(JSON.parse(e.Details), e.DetailsDocument);
    assert.equal(e.DetailsDocument.ProductId, productId);
    assert.equal(e.DetailsDocument.Name, 'Renamed offer');
    assert.equal(e.DetailsDocument.Description, 'The public offer');
    assert.equal(e.DetailsDocument.State, 'Draft');
  });

  test('Offer UpdateInformation with PreExistingAgreement', async () => {
    const before = await describeEntity(client, offerId);
    await applyChangeSet(client, [{
      ChangeType: 'UpdateInformation', Entity: { Type: 'Offer@1.0', Identifier: offerId },
      DetailsDocument: { PreExistingAgreement: { AcquisitionChannel: 'External', PricingModel: 'Byol' } },
    }]);
    const e = await describeEntity(client, offerId);
    assert.deepEqual(e.DetailsDocument.PreExistingAgreement, { AcquisitionChannel: 'External', PricingModel: 'Byol' });
    assert.equal(e.DetailsDocument.Name, 'Renamed offer');
    assert.equal(revOf(e.EntityIdentifier), revOf(before.EntityIdentifier) + 1);
  });

  test('CreateOffer for an existing product by ID', async () => {
    const pid = await createProduct(client, 'Second Offered Product');
    const d = await applyChangeSet(client, [{
      ChangeType: 'CreateOffer', Entity: { Type: 'Offer@1.0' }, DetailsDocument: { ProductId: pid },
    }]);
    const id = idOf(d.ChangeSet[0].Entity.Identifier);
    const e = await describeEntity(client, id);
    assert.equal(e.DetailsDocument.ProductId, pid);
  });

  test('ListEntities with EntityType Offer lists offers (and not products)', async () => {
    const offers = await listAllEntities(client, { EntityType: 'Offer' });
    const o = offers.find((s) => s.EntityId === offerId);
    assert.ok(o, `ListEntities Offer should include ${offerId}`);
    assert.match(o.EntityType, /^Offer(@1\.0)?$/);
    assert.equal(o.EntityArn, entityArn('Offer', offerId));
    assert.equal(o.Name, 'Renamed offer');
    assert.equal(o.OfferSummary?.ProductId, productId);
    assert.ok(offers.every((s) => s.EntityId.startsWith('offer-')), 'only offers');
    const products = await listAllEntities(client, { EntityType: 'AmiProduct' });
    assert.ok(products.every((s) => s.EntityId.startsWith('prod-')), 'only products');
    assert.ok(products.some((s) => s.EntityId === productId));
  });

  test('ListEntities OfferFilters: ProductId, Name (values and wildcard), EntityId, State', async () => {
    const offers = (f) => listAllEntities(client, { EntityType: 'Offer', EntityTypeFilters: { OfferFilters: f } })
      .then((l) => l.map((s) => s.EntityId).sort());
    assert.deepEqual(await offers({ ProductId: { ValueList: [productId] } }), [offerId]);
    assert.deepEqual(await offers({ Name: { ValueList: ['Renamed offer'] } }), [offerId]);
    assert.deepEqual(await offers({ Name: { WildCardValue: 'enamed' } }), [offerId]);
    assert.deepEqual(await offers({ EntityId: { ValueList: [offerId] } }), [offerId]);
    const all = await listAllEntities(client, { EntityType: 'Offer' });
    assert.deepEqual(await offers({ State: { ValueList: ['Draft'] } }), all.map((s) => s.EntityId).sort());
    assert.deepEqual(await offers({ State: { ValueList: ['Released'] } }), []);
  });
});

describe('requests from an unknown entity', () => {
  test('DescribeEntity of an unknown product is ResourceNotFoundException 404', async () => {
    await expectError(describeEntity(client, 'prod-aaaaaaaaaaaaa'), 'ResourceNotFoundException', 404);
  });
  test('DescribeChangeSet of an unknown change set is ResourceNotFoundException 404', async () => {
    await expectError(call(client, 'DescribeChangeSet', { Catalog: CATALOG, ChangeSetId: 'a'.repeat(25) }),
      'ResourceNotFoundException', 404);
  });
});
