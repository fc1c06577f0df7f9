// Every AmiProduct@1.0 and Offer@1.0 change type, from one table: (a) a success and its effect on
// DescribeEntity, (b) a synchronous 422 ValidationException naming the field, (c) an asynchronous
// failure (FAILED, CLIENT_ERROR, AWS's ErrorCode in the change's ErrorDetailList, nothing
// written) and (d) the entity lock: on a server holding each set in PREPARING for 2 s, a second
// set of the same type on an entity an open set holds is 423 ResourceInUseException naming it.
// Shapes and codes: AWS-MARKETPLACE-API-NOTES.md §2.5–2.7.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  startServer, createAccount, catalogClient, call, expectError, waitForChangeSet,
} from '../lib/server.mjs';
import {
  CATALOG, PRODUCT_ID, PRODUCT_CODE, fullInformation, startChangeSet, applyChangeSet,
} from '../lib/fixtures.mjs';
import {
  AMI_ID, PRODUCT, OFFER, ec2, ec2Client, registerImage, describeImages, marketplaceImages, destroyEc2Clients,
  product, offer, addVersion, hourlyDimension, pricingTerms, legalTerms, supportTerms, fullProductChanges,
  createdIds, details, versionOf, errorCodes, errorMessages, admin, buyer, assertCliError, submitVisibility, awaitReview,
} from '../lib/ami.mjs';

let fast, slow, seller, otherSeller, buyerA, client, slowClient;

// ---------------------------------------------------------------------------------------------
// Fixtures on the fast server (no processing delay). Each row gets its own entities.

let seq = 0;
const title = (what) => `${what} ${++seq}`.slice(0, 72);

/** A Draft product from AWS's sample, with its Draft offer complete but not released. */
async function completeProduct(what, opts = {}) {
  const t = title(what);
  const ami = await registerImage(fast, seller, `image for ${t}`);
  const d = await applyChangeSet(client, fullProductChanges({
    title: t, amiId: ami, accountId: seller.AccountId, release: false, ...opts,
  }));
  const ids = createdIds(d);
  const doc = await details(client, ids.productId);
  return { ...ids, ami, code: doc.Description.ProductCode, optionId: doc.Versions[0].DeliveryOptions[0].Id };
}
/** The same, released: a Limited product with its released public offer. */
async function limitedProduct(what, opts = {}) {
  return completeProduct(what, { release: true, allowlist: [buyerA.AccountId], ...opts });
}
/** A Draft product with its description filled in (no versions, dimensions or offer). */
async function filledProduct(what) {
  const t = title(what);
  const d = await applyChangeSet(client, [
    product('CreateProduct', undefined, { ProductTitle: t }, 'P'),
    product('UpdateInformation', '$P.Entity.Identifier', fullInformation({ ProductTitle: t })),
  ]);
  return { productId: createdIds(d).productId };
}
/** A Draft product straight from CreateProduct. */
async function bareProduct(what) {
  const d = await applyChangeSet(client, [product('CreateProduct', undefined, { ProductTitle: title(what) })]);
  return createdIds(d).productId;
}
/** A Draft offer for `productId`, with the given extra offer changes. */
async function draftOffer(productId, extra = () => []) {
  const O = '$O.Entity.Identifier';
  const d = await applyChangeSet(client, [offer('CreateOffer', undefined, { ProductId: productId }, 'O'), ...extra(O)]);
  return createdIds(d).offerId;
}

const future = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const users = { Key: 'Users', Name: 'Users', Description: 'Active users', Unit: 'Users', Types: ['ExternallyMetered'] };
const priceTerm = (doc) => doc.Terms.find((t) => t.Type === 'UsageBasedPricingTerm');
const rule = (doc, type) => doc.Rules.find((r) => r.Type === type);

// ---------------------------------------------------------------------------------------------
// The table. Per change type:
//   entity   PRODUCT or OFFER: the checks read c.productId or c.offerId unless a case names its
//            own `target: c → id`
//   setup    → c, the row's own entities on the fast server
//   change   c → the change of this type (also used for the lock test, with the slow server's c)
//   ok       {changes?: c → [...] (default [change(c)]), check: (c, doc, described) → …, review?}
//   sync     [{changes: c → [...], field: text or RegExp the 422 message must name}]
//   async    [{changes, code (or a list of acceptable codes), first?: run before `ok`, target?,
//              messages?: texts the ErrorMessage must name, review?: 'approve' | 'reject'
//              (UpdateVisibility waits for the operators), reason?}]
//   noAsync  why AWS documents no reachable asynchronous failure (the test is skipped)
//   extra    [{name, fn: c → …}] further checks of the change type
//   lock     'create': the change creates its entity, so there is nothing an open set holds

const rows = [
  // ---------------------------------------------------------------- AmiProduct@1.0
  {
    type: 'CreateProduct', entity: PRODUCT, lock: 'create',
    setup: async () => ({}),
    change: () => product('CreateProduct', undefined, { ProductTitle: 'Row Created Product' }),
    ok: {
      check: async (c, _doc, d) => {
        const id = createdIds(d).productId;
        assert.match(id, PRODUCT_ID);
        const doc = await details(client, id);
        assert.equal(doc.Description.ProductTitle, 'Row Created Product');
        assert.equal(doc.Description.Visibility, 'Draft');
        assert.match(doc.Description.ProductCode, PRODUCT_CODE);
        assert.notEqual(doc.Description.ProductCode, id);
      },
    },
    sync: [{ changes: () => [product('CreateProduct', undefined, { ProductTitle: 't'.repeat(73) })], field: 'ProductTitle' }],
    noAsync: 'AWS documents only INVALID_INPUT ("inappropriate content") for CreateProduct, a human judgement',
  },
  {
    type: 'UpdateInformation', entity: PRODUCT,
    setup: async () => ({ ...(await filledProduct('UpdateInformation')), bare: await bareProduct('Bare') }),
    change: (c) => product('UpdateInformation', c.productId, {
      Highlights: ['Now faster'], ShortDescription: 'A faster image.', Sku: 'ROW-2',
    }),
    ok: {
      check: (c, doc) => {
        assert.deepEqual(doc.Description.Highlights, ['Now faster']);
        assert.equal(doc.Description.ShortDescription, 'A faster image.');
        assert.equal(doc.Description.Sku, 'ROW-2');
        assert.ok(doc.Description.LongDescription, 'the other fields stay');
      },
    },
    sync: [{ changes: (c) => [product('UpdateInformation', c.productId, { LogoUrl: 'http://example.com/logo.png' })], field: 'LogoUrl' }],
    async: [
      { changes: (c) => [product('UpdateInformation', c.productId, { Categories: ['Not A Real Category'] })], code: 'INVALID_CATEGORY_NAMES' },
      { changes: (c) => [product('UpdateInformation', c.bare, { ShortDescription: 'only this' })], code: 'MISSING_DATA', target: (c) => c.bare },
      // 15 keywords of 20 characters: each within its limit, 300 in all (AWS: at most 250).
      { changes: (c) => [product('UpdateInformation', c.productId,
        { SearchKeywords: Array.from({ length: 15 }, (_, i) => `keyword${String(i).padStart(13, '0')}`) })], code: 'INVALID_INPUT' },
    ],
  },
  {
    type: 'AddRegions', entity: PRODUCT,
    setup: () => completeProduct('AddRegions'),
    change: (c) => product('AddRegions', c.productId, { Regions: ['eu-west-1'] }),
    ok: {
      check: async (c, doc) => {
        assert.deepEqual([...doc.RegionAvailability.Regions].sort(), ['eu-west-1', 'us-east-1']);
        const images = await marketplaceImages(fast, seller, c.code, 'eu-west-1');
        assert.equal(images.length, 1, 'the marketplace copies the version\'s image to the new region');
        assert.deepEqual(images[0].ProductCodes.map((p) => p.ProductCodeId), [c.code]);
      },
    },
    sync: [{ changes: (c) => [product('AddRegions', c.productId, { Regions: [] })], field: 'Regions' }],
    async: [{ changes: (c) => [product('AddRegions', c.productId, { Regions: ['mars-north-1'] })], code: 'INVALID_REGIONS' }],
  },
  {
    type: 'RestrictRegions', entity: PRODUCT,
    setup: () => completeProduct('RestrictRegions', { regions: ['us-east-1', 'us-west-2'] }),
    change: (c) => product('RestrictRegions', c.productId, { Regions: ['us-west-2'] }),
    ok: {
      check: async (c, doc) => {
        assert.deepEqual(doc.RegionAvailability.Regions, ['us-east-1']);
        assert.deepEqual(doc.RegionAvailability.Restrict, ['us-west-2']);
        assert.equal((await marketplaceImages(fast, seller, c.code, 'us-west-2')).length, 1,
          'existing subscribers keep the image in the restricted region');
      },
    },
    sync: [{ changes: (c) => [product('RestrictRegions', c.productId, { Regions: 'us-west-2' })], field: 'Regions' }],
    async: [{ changes: (c) => [product('RestrictRegions', c.productId, { Regions: ['ap-south-1'] })], code: 'INVALID_REGIONS' }],
  },
  {
    type: 'UpdateFutureRegionSupport', entity: PRODUCT,
    setup: () => filledProduct('UpdateFutureRegionSupport'),
    change: (c) => product('UpdateFutureRegionSupport', c.productId, { FutureRegionSupport: { SupportedRegions: ['All'] } }),
    ok: { check: (c, doc) => assert.equal(doc.RegionAvailability.FutureRegionSupport, 'All') },
    sync: [{ changes: (c) => [product('UpdateFutureRegionSupport', c.productId, {})], field: 'FutureRegionSupport' }],
    async: [{
      changes: (c) => [product('UpdateFutureRegionSupport', c.productId, { FutureRegionSupport: { SupportedRegions: ['Everywhere'] } })],
      code: 'INVALID_REGIONS',
    }, {
      changes: (c) => [product('UpdateFutureRegionSupport', c.productId, { FutureRegionSupport: { SupportedRegions: ['All', 'US'] } })],
      code: 'TOO_MANY_REGIONS',
    }],
  },
  {
    type: 'AddInstanceTypes', entity: PRODUCT,
    setup: () => completeProduct('AddInstanceTypes'),
    change: (c) => product('AddInstanceTypes', c.productId, { InstanceTypes: ['m5.large'] }),
    ok: {
      // An hourly product also prices the new type (AWS: AddDimensions and UpdatePricingTerms).
      changes: (c) => [
        product('AddInstanceTypes', c.productId, { InstanceTypes: ['m5.large'] }),
        product('AddDimensions', c.productId, [hourlyDimension('m5.large')]),
        offer('UpdatePricingTerms', c.offerId, pricingTerms({ 't3.micro': '0.12', 't3.small': '0.13', 'm5.large': '0.50' })),
      ],
      check: (c, doc) => {
        assert.deepEqual([...doc.Compatibility.AvailableInstanceTypes].sort(), ['m5.large', 't3.micro', 't3.small']);
        assert.ok(doc.Versions[0].Sources[0].Compatibility.AvailableInstanceTypes.includes('m5.large'),
          'instance types apply to every version');
      },
    },
    sync: [{ changes: (c) => [product('AddInstanceTypes', c.productId, { InstanceTypes: ['m5 large'] })], field: 'InstanceTypes' }],
    async: [
      { changes: (c) => [product('AddInstanceTypes', c.productId, { InstanceTypes: ['zz9.huge'] })], code: 'INVALID_INSTANCE_TYPES' },
      // An hourly product needs a Metered dimension for each of its instance types.
      { changes: (c) => [product('AddInstanceTypes', c.productId, { InstanceTypes: ['m5.xlarge'] })], code: 'MISSING_DIMENSIONS' },
    ],
  },
  {
    type: 'RestrictInstanceTypes', entity: PRODUCT,
    setup: () => completeProduct('RestrictInstanceTypes'),
    change: (c) => product('RestrictInstanceTypes', c.productId, { InstanceTypes: ['t3.small'] }),
    ok: {
      // Its hourly dimension goes with it (else DIMENSIONS_NOT_RESTICTED).
      changes: (c) => [
        product('RestrictInstanceTypes', c.productId, { InstanceTypes: ['t3.small'] }),
        product('RestrictDimensions', c.productId, [{ Key: 't3.small', Types: ['Metered'] }]),
      ],
      check: (c, doc) => {
        assert.deepEqual(doc.Compatibility.AvailableInstanceTypes, ['t3.micro']);
        assert.deepEqual(doc.Compatibility.RestrictedInstanceTypes, ['t3.small']);
      },
    },
    sync: [{ changes: (c) => [product('RestrictInstanceTypes', c.productId, { InstanceTypes: [] })], field: 'InstanceTypes' }],
    async: [
      // Its hourly dimension must be restricted with it.
      { changes: (c) => [product('RestrictInstanceTypes', c.productId, { InstanceTypes: ['t3.small'] })],
        code: 'DIMENSIONS_NOT_RESTICTED', first: true },
      { changes: (c) => [product('RestrictInstanceTypes', c.productId, { InstanceTypes: ['t3.micro'] })],
        code: 'RECOMMENDED_INSTANCE_TYPE_RESTRICTED' },
    ],
  },
  {
    type: 'AddDimensions', entity: PRODUCT,
    setup: () => completeProduct('AddDimensions'),
    change: (c) => product('AddDimensions', c.productId, [users]),
    ok: {
      check: (c, doc) => assert.deepEqual(doc.Dimensions.find((x) => x.Key === 'Users'),
        { Key: 'Users', Name: 'Users', Description: 'Active users', Unit: 'Users', Types: ['ExternallyMetered'] }),
    },
    sync: [{ changes: (c) => [product('AddDimensions', c.productId, [{ ...users, Key: 'Seats', Unit: undefined }])], field: 'Unit' }],
    async: [
      { changes: (c) => [product('AddDimensions', c.productId, [{ ...users, Key: 'Seats', Unit: 'Parsecs' }])], code: 'INVALID_UNIT' },
      // A key already used for the same type (after the success above added Users).
      { changes: (c) => [product('AddDimensions', c.productId, [users])], code: 'INVALID_DIMENSION' },
    ],
  },
  {
    type: 'UpdateDimensions', entity: PRODUCT,
    setup: async () => {
      const c = await completeProduct('UpdateDimensions');
      await applyChangeSet(client, [product('AddDimensions', c.productId, [users])]);
      return c;
    },
    change: (c) => product('UpdateDimensions', c.productId,
      [{ Key: 'Users', Types: ['ExternallyMetered'], Name: 'Active users', Description: 'Users active in the month' }]),
    ok: {
      check: (c, doc) => {
        const d = doc.Dimensions.find((x) => x.Key === 'Users');
        assert.equal(d.Name, 'Active users');
        assert.equal(d.Description, 'Users active in the month');
        assert.equal(d.Unit, 'Users');
      },
    },
    sync: [{
      changes: (c) => [product('UpdateDimensions', c.productId, [{ Key: 'Users', Types: ['ExternallyMetered'], Name: 'n'.repeat(501) }])],
      field: 'Name',
    }],
    async: [{
      // Metered (hourly) dimensions cannot be updated.
      changes: (c) => [product('UpdateDimensions', c.productId, [{ Key: 't3.micro', Types: ['Metered'], Name: 'Micro hours' }])],
      code: 'INVALID_DIMENSION',
    }],
  },
  {
    type: 'RestrictDimensions', entity: PRODUCT,
    setup: async () => {
      const c = await completeProduct('RestrictDimensions');
      await applyChangeSet(client, [product('AddDimensions', c.productId, [users])]);
      return c;
    },
    change: (c) => product('RestrictDimensions', c.productId, [{ Key: 'Users', Types: ['ExternallyMetered'] }]),
    ok: { check: (c, doc) => assert.ok(!doc.Dimensions.some((x) => x.Key === 'Users'), 'no longer an active dimension') },
    sync: [{ changes: (c) => [product('RestrictDimensions', c.productId, [{ Key: 'Users' }])], field: 'Types' }],
    async: [{ changes: (c) => [product('RestrictDimensions', c.productId, [{ Key: 'Nope', Types: ['ExternallyMetered'] }])], code: 'INVALID_DIMENSION' }],
  },
  {
    type: 'UpdateTargeting', entity: PRODUCT,
    setup: () => filledProduct('UpdateTargeting'),
    change: (c) => product('UpdateTargeting', c.productId, { PositiveTargeting: { BuyerAccounts: [buyerA.AccountId] } }),
    ok: {
      check: (c, doc) => {
        assert.deepEqual(doc.Targeting.PositiveTargeting.BuyerAccounts, [buyerA.AccountId]);
        // The allowlist opens Limited products; a Draft stays its seller's alone.
        assert.equal(doc.Description.Visibility, 'Draft');
        assert.ok(!buyer.search(fast, buyerA).some((p) => p.ProductId === c.productId));
        assertCliError(buyer.describeRaw(fast, buyerA, c.productId), 'ResourceNotFoundException', 'describe-product of a Draft');
      },
    },
    sync: [{
      changes: (c) => [product('UpdateTargeting', c.productId, { PositiveTargeting: { BuyerAccounts: '123456789012' } })],
      field: 'BuyerAccounts',
    }],
    async: [{
      changes: (c) => [product('UpdateTargeting', c.productId, { PositiveTargeting: { BuyerAccounts: ['12345'] } })],
      code: 'INVALID_AWS_ACCOUNT_IDS',
    }],
  },
  {
    type: 'AddDeliveryOptions', entity: PRODUCT,
    setup: async () => {
      const c = await completeProduct('AddDeliveryOptions');
      c.newAmi = await registerImage(fast, seller, `new version ${c.productId}`);
      c.newerAmi = await registerImage(fast, seller, `newer version ${c.productId}`);
      c.encrypted = await registerImage(fast, seller, `encrypted ${c.productId}`, { encrypted: true });
      c.westAmi = await registerImage(fast, seller, `west ${c.productId}`, { region: 'us-west-2' });
      c.foreignAmi = await registerImage(fast, otherSeller, `foreign ${c.productId}`);
      return c;
    },
    change: (c) => addVersion(c.productId, c.newAmi ?? 'ami-0123456789abcdef0', '2.0.0', { accountId: seller.AccountId }),
    ok: {
      check: async (c, doc) => {
        assert.deepEqual(doc.Versions.map((v) => v.VersionTitle), ['1.0.0', '2.0.0']);
        const v = versionOf(doc, '2.0.0');
        assert.equal(v.ReleaseNotes, 'Release 2.0.0.');
        assert.match(v.Sources[0].Image, AMI_ID);
        assert.notEqual(v.Sources[0].Image, c.newAmi, 'the marketplace\'s copy, not the seller\'s image');
        assert.equal(v.DeliveryOptions[0].Visibility, 'Public');
        assert.equal(v.DeliveryOptions[0].Recommendations.InstanceType, 't3.micro');
        assert.deepEqual(v.DeliveryOptions[0].Recommendations.SecurityGroups,
          [{ Protocol: 'tcp', FromPort: 22, ToPort: 22, CidrIps: ['0.0.0.0/0'] }]);
        const images = await marketplaceImages(fast, seller, c.code);
        assert.ok(images.some((i) => i.ImageId === v.Sources[0].Image && i.ImageOwnerAlias === 'aws-marketplace'));
      },
    },
    sync: [{ changes: (c) => [addVersion(c.productId, 'ami-xyz', '2.0.1')], field: 'AmiId' }],
    async: [
      { changes: (c) => [addVersion(c.productId, 'ami-0123456789abcdef0', '3.0.0')], code: 'ASSET_NOT_FOUND' },
      { changes: (c) => [addVersion(c.productId, c.westAmi, '3.0.0')], code: 'ASSET_NOT_FOUND' },
      { changes: (c) => [addVersion(c.productId, c.encrypted, '3.0.0')], code: 'SCAN_ERROR' },
      { changes: (c) => [addVersion(c.productId, c.foreignAmi, '3.0.0')], code: ['INVALID_AMI_ID', 'ASSET_ACCESS_EXCEPTION', 'ASSET_NOT_FOUND'] },
      { changes: (c) => [addVersion(c.productId, c.newerAmi, '2.0.0')], code: 'DUPLICATE_VERSION_TITLE' },
      // The recommended type must be one of the product's instance types by the end of the set.
      { changes: (c) => [addVersion(c.productId, c.newerAmi, '3.0.0', { recommended: 'm5.large' })],
        code: 'RECOMMENDED_INSTANCE_TYPE_NOT_AVAILABLE' },
    ],
    extra: [
      {
        name: 'Intent VALIDATE: SUCCEEDED, but no version and no marketplace image; a bad image still FAILS',
        fn: async (c) => {
          const images = (await marketplaceImages(fast, seller, c.code)).length;
          const before = await details(client, c.productId);
          const ok = await runValidate([addVersion(c.productId, c.newerAmi, '4.0.0')]);
          assert.equal(ok.Status, 'SUCCEEDED');
          assert.equal(ok.Intent, 'VALIDATE');
          assert.deepEqual(await details(client, c.productId), before);
          assert.equal((await marketplaceImages(fast, seller, c.code)).length, images);
          const bad = await runValidate([addVersion(c.productId, c.encrypted, '4.0.0')]);
          assert.equal(bad.Status, 'FAILED');
          assert.deepEqual(errorCodes(bad), ['SCAN_ERROR']);
        },
      },
      {
        name: 'a Draft product\'s marketplace images are not visible to buyers',
        fn: async (c) => {
          assert.ok((await marketplaceImages(fast, seller, c.code)).length >= 2, 'the seller sees them');
          assert.deepEqual(await marketplaceImages(fast, buyerA, c.code), []);
        },
      },
      {
        name: 'the marketplace\'s copy outlives the seller\'s image (DeregisterImage)',
        fn: async (c) => {
          const copy = versionOf(await details(client, c.productId), '2.0.0').Sources[0].Image;
          await ec2Client(fast, seller).send(new ec2.DeregisterImageCommand({ ImageId: c.newAmi }));
          const [img] = await describeImages(fast, seller, { ImageIds: [copy] });
          assert.equal(img?.State, 'available');
        },
      },
    ],
  },
  {
    type: 'UpdateDeliveryOptions', entity: PRODUCT,
    setup: () => completeProduct('UpdateDeliveryOptions'),
    change: (c) => product('UpdateDeliveryOptions', c.productId, {
      Version: { ReleaseNotes: 'Updated release notes.' },
      DeliveryOptions: [{ Id: c.optionId, Details: { AmiDeliveryOptionDetails: {
        UsageInstructions: 'Updated usage.', RecommendedInstanceType: 't3.small' } } }],
    }),
    ok: {
      check: (c, doc) => {
        const v = versionOf(doc, '1.0.0');
        assert.equal(v.ReleaseNotes, 'Updated release notes.');
        assert.equal(v.DeliveryOptions[0].Instructions.Usage, 'Updated usage.');
        assert.equal(v.DeliveryOptions[0].Recommendations.InstanceType, 't3.small');
        assert.equal(v.Sources[0].Image, doc.Versions[0].Sources[0].Image);
      },
    },
    sync: [{
      changes: (c) => [product('UpdateDeliveryOptions', c.productId,
        { DeliveryOptions: [{ Details: { AmiDeliveryOptionDetails: { UsageInstructions: 'x' } } }] })],
      field: 'Id',
    }],
    async: [{
      changes: (c) => [product('UpdateDeliveryOptions', c.productId,
        { DeliveryOptions: [{ Id: randomUUID(), Details: { AmiDeliveryOptionDetails: { UsageInstructions: 'x' } } }] })],
      code: 'INVALID_DELIVERY_OPTION_IDS',
    }, {
      changes: (c) => [product('UpdateDeliveryOptions', c.productId, { Version: { ReleaseNotes: 'Which version?' } })],
      code: 'MISSING_DELIVERY_OPTION_IDS',
    }],
  },
  {
    type: 'RestrictDeliveryOptions', entity: PRODUCT,
    setup: async () => {
      const c = await completeProduct('RestrictDeliveryOptions');
      const ami = await registerImage(fast, seller, `second version ${c.productId}`);
      await applyChangeSet(client, [addVersion(c.productId, ami, '1.1.0')]);
      c.secondOptionId = versionOf(await details(client, c.productId), '1.1.0').DeliveryOptions[0].Id;
      return c;
    },
    change: (c) => product('RestrictDeliveryOptions', c.productId, { DeliveryOptionIds: [c.optionId] }),
    ok: {
      check: (c, doc) => {
        assert.equal(versionOf(doc, '1.0.0').DeliveryOptions[0].Visibility, 'Restricted');
        assert.equal(versionOf(doc, '1.1.0').DeliveryOptions[0].Visibility, 'Public');
      },
    },
    sync: [{ changes: (c) => [product('RestrictDeliveryOptions', c.productId, { DeliveryOptionIds: [] })], field: 'DeliveryOptionIds' }],
    async: [
      // The last available version cannot be restricted.
      { changes: (c) => [product('RestrictDeliveryOptions', c.productId, { DeliveryOptionIds: [c.secondOptionId] })],
        code: 'ALL_DELIVERY_OPTIONS_RESTRICTED' },
      { changes: (c) => [product('RestrictDeliveryOptions', c.productId, { DeliveryOptionIds: [c.optionId] })],
        code: 'INVALID_DELIVERY_OPTION' },
    ],
  },
  {
    type: 'ReleaseProduct', entity: PRODUCT,
    setup: async () => ({ ...(await completeProduct('ReleaseProduct')), empty: (await filledProduct('Unreleasable')).productId }),
    change: (c) => product('ReleaseProduct', c.productId, {}),
    ok: {
      // AWS: ReleaseProduct goes with ReleaseOffer on the product's public offer.
      changes: (c) => [product('ReleaseProduct', c.productId, {}), offer('ReleaseOffer', c.offerId, {})],
      check: async (c, doc) => {
        assert.equal(doc.Description.Visibility, 'Limited');
        assert.equal((await details(client, c.offerId)).State, 'Released');
      },
    },
    sync: [{ changes: (c) => [product('ReleaseProduct', c.productId, { Visibility: 'Limited' })], field: 'DetailsDocument' }],
    async: [
      // No versions and no dimensions yet.
      { changes: (c) => [product('ReleaseProduct', c.empty, {})], code: 'VALIDATION_FAILED', target: (c) => c.empty, first: true,
        messages: ['Versions', 'Dimensions'] },
      // Complete, but its offer is not released with it.
      { changes: (c) => [product('ReleaseProduct', c.productId, {})], code: 'VALIDATION_FAILED', first: true },
    ],
  },
  {
    type: 'UpdateVisibility', entity: PRODUCT,
    setup: async () => ({ ...(await limitedProduct('UpdateVisibility')), draft: (await filledProduct('Draft Visibility')).productId }),
    change: (c) => product('UpdateVisibility', c.productId, { TargetVisibility: 'Public' }),
    ok: { review: 'approve', check: (c, doc) => assert.equal(doc.Description.Visibility, 'Public') },
    sync: [
      { changes: (c) => [product('UpdateVisibility', c.productId, { TargetVisibility: 'Hidden' })], field: 'TargetVisibility' },
      {
        changes: (c) => [product('UpdateVisibility', c.productId, { TargetVisibility: 'Public' }),
          product('UpdateInformation', c.productId, { Sku: 'X' })],
        field: 'UpdateVisibility',
      },
    ],
    async: [
      { changes: (c) => [product('UpdateVisibility', c.draft, { TargetVisibility: 'Public' })], code: 'INVALID_PRODUCT_STATE',
        review: 'approve', target: (c) => c.draft },
      { changes: (c) => [product('UpdateVisibility', c.productId, { TargetVisibility: 'Restricted' })], code: 'AUDIT_ERROR',
        review: 'reject', reason: 'Restricting needs a replacement product in this test' },
      { changes: (c) => [product('UpdateVisibility', c.productId, { TargetVisibility: 'Public' })], code: 'INVALID_TARGET_VISIBILITY',
        review: 'approve' },
      // A replacement is named only when restricting.
      { changes: (c) => [product('UpdateVisibility', c.productId, { TargetVisibility: 'Limited', ReplacementProductId: c.draft })],
        code: 'INVALID_REPLACEMENT_PRODUCT_ID', review: 'approve' },
    ],
    extra: [{
      name: 'a Restricted request awaiting review can be cancelled: CANCELLED, off the review list, product unchanged',
      fn: async (c) => {
        const d = await submitVisibility(fast, client, c.productId, 'Restricted');
        assert.equal(d.Status, 'APPLYING');
        await call(client, 'CancelChangeSet', { Catalog: CATALOG, ChangeSetId: d.ChangeSetId });
        assert.equal((await waitForChangeSet(client, d.ChangeSetId)).Status, 'CANCELLED');
        assert.ok(!admin.listReviews(fast).some((r) => r.ChangeSetId === d.ChangeSetId));
        assert.equal((await details(client, c.productId)).Description.Visibility, 'Public');
        await applyChangeSet(client, [product('UpdateInformation', c.productId, { Sku: 'FREE-AGAIN' })]);
      },
    }],
  },
  // ---------------------------------------------------------------- Offer@1.0
  {
    type: 'CreateOffer', entity: OFFER, lock: 'create',
    setup: () => completeProduct('CreateOffer'),
    change: (c) => offer('CreateOffer', undefined, { ProductId: c.productId, Name: 'Second offer' }),
    ok: {
      check: async (c, _doc, d) => {
        const id = createdIds(d).offerId;
        assert.match(id, /^offer-[a-z0-9]+$/);
        const doc = await details(client, id);
        assert.equal(doc.State, 'Draft');
        assert.equal(doc.ProductId, c.productId);
        assert.equal(doc.Name, 'Second offer');
      },
    },
    sync: [{ changes: () => [offer('CreateOffer', undefined, { Name: 'no product' })], field: 'ProductId' }],
    async: [{
      // An offer is for a product; another offer is not one.
      changes: (c) => [offer('CreateOffer', undefined, { ProductId: c.productId }, 'First'),
        offer('CreateOffer', undefined, { ProductId: '$First.Entity.Identifier' })],
      code: 'INCOMPATIBLE_PRODUCT',
    }],
  },
  {
    type: 'UpdateInformation', entity: OFFER,
    setup: () => completeProduct('OfferUpdateInformation'),
    change: (c) => offer('UpdateInformation', c.offerId, { Name: 'Renamed offer', Description: 'A better description' }),
    ok: {
      check: (c, doc) => {
        assert.equal(doc.Name, 'Renamed offer');
        assert.equal(doc.Description, 'A better description');
      },
    },
    sync: [{ changes: (c) => [offer('UpdateInformation', c.offerId, { Name: 'n'.repeat(151) })], field: 'Name' }],
    noAsync: 'AWS documents no asynchronous ErrorCode for Offer UpdateInformation',
  },
  {
    type: 'UpdatePricingTerms', entity: OFFER,
    setup: () => completeProduct('UpdatePricingTerms'),
    change: (c) => offer('UpdatePricingTerms', c.offerId, pricingTerms({ 't3.micro': '0.2', 't3.small': '0.12345678' })),
    ok: {
      check: (c, doc) => {
        assert.deepEqual(priceTerm(doc).RateCards, [{ RateCard: [
          { DimensionKey: 't3.micro', Price: '0.2' }, { DimensionKey: 't3.small', Price: '0.12345678' }] }]);
        assert.equal(doc.Terms.filter((t) => t.Type === 'UsageBasedPricingTerm').length, 1, 'replaced, not added');
        assert.ok(doc.Terms.some((t) => t.Type === 'LegalTerm') && doc.Terms.some((t) => t.Type === 'SupportTerm'),
          'the other terms stay');
      },
    },
    sync: [{
      changes: (c) => [offer('UpdatePricingTerms', c.offerId, { PricingModel: 'Usage', Terms: [{ Type: 'UsageBasedPricingTerm',
        CurrencyCode: 'USD', RateCards: [{ RateCard: [{ DimensionKey: 't3.micro', Price: 0.2 }] }] }] })],
      field: 'Price',
    }, {
      changes: (c) => [offer('UpdatePricingTerms', c.offerId, pricingTerms({ 't3.micro': '0.123456789', 't3.small': '0.1' }))],
      field: 'Price',
    }],
    async: [{
      changes: (c) => [offer('UpdatePricingTerms', c.offerId, pricingTerms({ 't3.micro': '0.1', 't3.small': '0.1', 'x9.nope': '0.1' }))],
      code: 'INVALID_RATE_CARD',
    }, {
      changes: (c) => [offer('UpdatePricingTerms', c.offerId, { PricingModel: 'Usage', Terms: [{ Type: 'UsageBasedPricingTerm',
        CurrencyCode: 'USD', RateCards: [{ RateCard: [{ DimensionKey: 't3.micro', Price: '0.1' },
          { DimensionKey: 't3.small', Price: '0.1' }, { DimensionKey: 't3.micro', Price: '0.2' }] }] }] })],
      code: 'DUPLICATE_DIMENSION_KEYS',
    }],
  },
  {
    type: 'UpdateLegalTerms', entity: OFFER,
    setup: () => completeProduct('UpdateLegalTerms'),
    change: (c) => offer('UpdateLegalTerms', c.offerId,
      { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'CustomEula', Url: 'https://example.com/eula.txt' }] }] }),
    ok: {
      check: (c, doc) => assert.deepEqual(doc.Terms.filter((t) => t.Type === 'LegalTerm'),
        [{ Type: 'LegalTerm', Documents: [{ Type: 'CustomEula', Url: 'https://example.com/eula.txt' }] }]),
    },
    sync: [{
      changes: (c) => [offer('UpdateLegalTerms', c.offerId,
        { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'HandshakeEula', Version: '2022-07-14' }] }] })],
      field: /Documents.*Type/,
    }],
    async: [{
      changes: (c) => [offer('UpdateLegalTerms', c.offerId,
        { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'StandardEula', Version: '2001-01-01' }] }] })],
      code: 'INVALID_LEGAL_DOCUMENTS',
    }, {
      // A new offer takes only the latest Standard Contract.
      changes: (c) => [offer('UpdateLegalTerms', c.offerId,
        { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'StandardEula', Version: '2019-04-24' }] }] })],
      code: 'INVALID_LEGAL_DOCUMENTS',
    }],
  },
  {
    type: 'UpdateSupportTerms', entity: OFFER,
    setup: () => completeProduct('UpdateSupportTerms'),
    change: (c) => offer('UpdateSupportTerms', c.offerId, { Terms: [{ Type: 'SupportTerm', RefundPolicy: 'Full refund within 30 days' }] }),
    ok: {
      check: (c, doc) => assert.deepEqual(doc.Terms.filter((t) => t.Type === 'SupportTerm'),
        [{ Type: 'SupportTerm', RefundPolicy: 'Full refund within 30 days' }]),
    },
    sync: [{ changes: (c) => [offer('UpdateSupportTerms', c.offerId, { Terms: [{ Type: 'SupportTerm', RefundPolicy: '' }] })], field: 'RefundPolicy' }],
    noAsync: 'AWS documents no asynchronous ErrorCode for UpdateSupportTerms (its limits are all synchronous)',
  },
  {
    type: 'UpdateTargeting', entity: OFFER,
    setup: async () => {
      const c = await limitedProduct('OfferUpdateTargeting');
      c.offerId = await draftOffer(c.productId, (O) => [offer('UpdateInformation', O, { Name: 'Private', Description: 'Private offer' })]);
      return c;
    },
    change: (c) => offer('UpdateTargeting', c.offerId, { PositiveTargeting: { BuyerAccounts: [buyerA.AccountId] } }),
    ok: {
      check: (c, doc) => assert.deepEqual(rule(doc, 'TargetingRule')?.PositiveTargeting?.BuyerAccounts, [buyerA.AccountId]),
    },
    sync: [{ changes: (c) => [offer('UpdateTargeting', c.offerId, { PositiveTargeting: { CountryCodes: 'US' } })], field: 'CountryCodes' }],
    async: [{ changes: (c) => [offer('UpdateTargeting', c.offerId, { PositiveTargeting: { CountryCodes: ['ZZ'] } })], code: 'INVALID_COUNTRY_CODES' }],
  },
  {
    type: 'UpdateAvailability', entity: OFFER,
    setup: async () => {
      const c = await limitedProduct('UpdateAvailability');
      c.publicOfferId = c.offerId;
      c.offerId = await draftOffer(c.productId, (O) => [
        offer('UpdateTargeting', O, { PositiveTargeting: { BuyerAccounts: [buyerA.AccountId] } })]);
      return c;
    },
    change: (c) => offer('UpdateAvailability', c.offerId, { AvailabilityEndDate: future(60) }),
    ok: {
      check: (c, doc) => {
        const end = rule(doc, 'AvailabilityRule')?.AvailabilityEndDate;
        assert.match(end ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `a full timestamp on output: ${end}`);
        assert.equal(end.slice(0, 10), future(60));
      },
    },
    sync: [{ changes: (c) => [offer('UpdateAvailability', c.offerId, { AvailabilityEndDate: '2030/01/01' })], field: 'AvailabilityEndDate' }],
    async: [{
      // A released public offer takes no end date.
      changes: (c) => [offer('UpdateAvailability', c.publicOfferId, { AvailabilityEndDate: future(30) })],
      code: 'INVALID_AVAILABILITY_END_DATE', target: (c) => c.publicOfferId,
    }],
  },
  {
    type: 'ReleaseOffer', entity: OFFER,
    setup: async () => {
      const c = await limitedProduct('ReleaseOffer');
      const complete = (O) => [
        offer('UpdateInformation', O, { Name: 'Offer', Description: 'An offer' }),
        offer('UpdatePricingTerms', O, pricingTerms({ 't3.micro': '0.10', 't3.small': '0.11' })),
        offer('UpdateLegalTerms', O, legalTerms),
        offer('UpdateSupportTerms', O, supportTerms),
      ];
      // A private offer for buyer A; one without legal terms; a second public offer.
      c.offerId = await draftOffer(c.productId, (O) => [...complete(O),
        offer('UpdateTargeting', O, { PositiveTargeting: { BuyerAccounts: [buyerA.AccountId] } })]);
      c.noLegal = await draftOffer(c.productId, (O) => complete(O).filter((x) => x.ChangeType !== 'UpdateLegalTerms'));
      c.secondPublic = await draftOffer(c.productId, complete);
      return c;
    },
    change: (c) => offer('ReleaseOffer', c.offerId, {}),
    ok: { check: (c, doc) => assert.equal(doc.State, 'Released') },
    sync: [{ changes: (c) => [offer('ReleaseOffer', c.offerId, { State: 'Released' })], field: 'DetailsDocument' }],
    async: [
      { changes: (c) => [offer('ReleaseOffer', c.noLegal, {})], code: 'MISSING_MANDATORY_TERMS', target: (c) => c.noLegal },
      // One public offer per product.
      { changes: (c) => [offer('ReleaseOffer', c.secondPublic, {})], code: 'TOO_MANY_OFFERS', target: (c) => c.secondPublic },
    ],
  },
];

// ---------------------------------------------------------------------------------------------

const ctx = new Map(); // row → its entities on the fast server

before(async () => {
  [fast, slow] = await Promise.all([
    startServer({ args: ['--review', 'manual'] }),
    startServer({ args: ['--review', 'manual', '--processing-delay', '2s'] }),
  ]);
  seller = createAccount(fast, 'SELLER', 'Change Type Seller');
  otherSeller = createAccount(fast, 'SELLER', 'Other Seller');
  buyerA = createAccount(fast, 'BUYER', 'Allowlisted Buyer');
  client = catalogClient(fast, seller);
  const results = await Promise.all(rows.map((row) => row.setup()));
  rows.forEach((row, i) => ctx.set(row, results[i]));
});
after(async () => {
  client?.destroy();
  slowClient?.destroy();
  destroyEc2Clients();
  await Promise.all([fast?.stop(), slow?.stop()]);
});

const targetOf = (row, c, override) => (override ? override(c) : row.entity === PRODUCT ? c.productId : c.offerId);

async function runValidate(changes) {
  const out = await startChangeSet(client, changes, { Intent: 'VALIDATE' });
  return waitForChangeSet(client, out.ChangeSetId);
}

/** Runs a change set to its end, deciding its review if it waits for one. */
async function run(changes, { review, reason } = {}) {
  const out = await startChangeSet(client, changes);
  if (review) {
    const d = await awaitReview(fast, client, out.ChangeSetId);
    if (d.Status === 'APPLYING') {
      if (review === 'approve') admin.approve(fast, d.ChangeSetId);
      else admin.reject(fast, d.ChangeSetId, reason);
    }
  }
  return waitForChangeSet(client, out.ChangeSetId);
}

const label = (row) => `${row.entity === PRODUCT ? 'AmiProduct' : 'Offer'} ${row.type}`;

for (const row of rows) {
  describe(label(row), () => {
    const asyncCase = (a) => async () => {
      const c = ctx.get(row);
      const target = a.changes(c)[0].Entity.Identifier ? targetOf(row, c, a.target) : null;
      const before = target && await details(client, target);
      const d = await run(a.changes(c), a);
      assert.equal(d.Status, 'FAILED', `${row.type} should fail: ${JSON.stringify(d.ChangeSet.map((x) => x.ErrorDetailList))}`);
      assert.equal(d.FailureCode, 'CLIENT_ERROR');
      const mine = d.ChangeSet.filter((x) => x.ChangeType === row.type && x.Entity.Type.startsWith(row.entity.split('@')[0]));
      const codes = errorCodes({ ChangeSet: mine });
      const wanted = [a.code].flat();
      assert.ok(codes.some((code) => wanted.includes(code)),
        `expected ErrorCode ${wanted.join(' or ')} on the ${row.type} change, got ${JSON.stringify(codes)}`);
      for (const m of errorMessages({ ChangeSet: mine })) assert.ok(m.length > 0, 'each error has a message');
      for (const m of a.messages ?? []) {
        assert.ok(errorMessages({ ChangeSet: mine }).some((x) => x.includes(m)), `the error names ${m}: ${errorMessages(d)}`);
      }
      if (a.reason) assert.ok(errorMessages(d).some((m) => m.includes(a.reason)), 'the reason reaches the seller');
      if (target) assert.deepEqual(await details(client, target), before, 'a failed set changes nothing');
    };
    const asyncCases = row.async ?? [];
    for (const a of asyncCases.filter((x) => x.first)) test(`(c) fails asynchronously with ${[a.code].flat()[0]}`, asyncCase(a));

    test('(a) succeeds', async () => {
      const c = ctx.get(row);
      const d = await run(row.ok.changes ? row.ok.changes(c) : [row.change(c)], row.ok);
      assert.equal(d.Status, 'SUCCEEDED', `${row.type}: ${JSON.stringify({ FailureCode: d.FailureCode,
        Errors: d.ChangeSet.map((x) => x.ErrorDetailList) })}`);
      const target = row.lock === 'create' ? null : targetOf(row, c);
      await row.ok.check(c, target && await details(client, target), d);
    });

    for (const [i, s] of (row.sync ?? []).entries()) {
      test(`(b) refused synchronously with 422 naming ${s.field}${i ? ` (${i + 1})` : ''}`, async () => {
        await expectError(startChangeSet(client, s.changes(ctx.get(row))), 'ValidationException', 422, s.field);
      });
    }

    for (const a of asyncCases.filter((x) => !x.first)) test(`(c) fails asynchronously with ${[a.code].flat()[0]}`, asyncCase(a));
    if (row.noAsync) test.skip(`(c) no asynchronous failure: ${row.noAsync}`);
    for (const x of row.extra ?? []) test(x.name, () => x.fn(ctx.get(row)));
  });
}

// ---------------------------------------------------------------------------------------------
// (d) Entity locks, on the server that holds every set in PREPARING for 2 s.

describe('(d) entity locks with --processing-delay 2s', () => {
  let lc; // the slow server's entities: a filled Draft product and a Draft offer for it
  before(async () => {
    const s2 = createAccount(slow, 'SELLER', 'Lock Seller');
    slowClient = catalogClient(slow, s2);
    const d = await applyChangeSet(slowClient, [
      product('CreateProduct', undefined, { ProductTitle: 'Locked Product' }, 'P'),
      product('UpdateInformation', '$P.Entity.Identifier', fullInformation({ ProductTitle: 'Locked Product' })),
      offer('CreateOffer', undefined, { ProductId: '$P.Entity.Identifier' }, 'O'),
    ]);
    lc = { ...createdIds(d), optionId: randomUUID(), secondOptionId: randomUUID() };
  });
  const cancel = (id) => call(slowClient, 'CancelChangeSet', { Catalog: CATALOG, ChangeSetId: id });

  for (const row of rows) {
    if (row.lock === 'create') {
      test(`${label(row)}: creates its entity, so no open set holds it; two at once are both accepted`, async () => {
        // AWS locks "the entities targeted by the changes"; a new entity has none yet. A
        // CreateOffer also goes ahead while another set holds the product it is for.
        const holder = await startChangeSet(slowClient, [product('UpdateInformation', lc.productId, { Sku: 'HOLD' })]);
        const [a, b] = await Promise.all([startChangeSet(slowClient, [row.change(lc)]), startChangeSet(slowClient, [row.change(lc)])]);
        assert.notEqual(a.ChangeSetId, b.ChangeSetId);
        await Promise.all([holder, a, b].map((x) => cancel(x.ChangeSetId)));
      });
      continue;
    }
    test(`${label(row)}: a second ${row.type} on the held entity is 423 naming the open set`, async () => {
      const first = await startChangeSet(slowClient, [row.change(lc)]);
      try {
        assert.equal((await call(slowClient, 'DescribeChangeSet', { Catalog: CATALOG, ChangeSetId: first.ChangeSetId })).Status,
          'PREPARING');
        await expectError(startChangeSet(slowClient, [row.change(lc)]), 'ResourceInUseException', 423,
          first.ChangeSetId);
      } finally {
        // Free the entity for the next row (cancelling a PREPARING set is immediate).
        await cancel(first.ChangeSetId).catch(() => waitForChangeSet(slowClient, first.ChangeSetId));
      }
      assert.equal((await waitForChangeSet(slowClient, first.ChangeSetId)).Status, 'CANCELLED');
    });
  }
});

// ---------------------------------------------------------------------------------------------
// --review auto: UpdateVisibility is approved at once.

describe('UpdateVisibility with --review auto', () => {
  let auto, autoClient;
  before(async () => { auto = await startServer({ args: ['--review', 'auto'] }); });
  after(async () => { autoClient?.destroy(); await auto?.stop(); });

  test('Limited → Public SUCCEEDS without an operator, and nothing waits for review', async () => {
    const s3 = createAccount(auto, 'SELLER', 'Auto Seller');
    autoClient = catalogClient(auto, s3);
    const ami = await registerImage(auto, s3, 'auto image');
    const d = await applyChangeSet(autoClient, fullProductChanges({ title: 'Auto Reviewed', amiId: ami, accountId: s3.AccountId }));
    const { productId } = createdIds(d);
    const out = await startChangeSet(autoClient, [product('UpdateVisibility', productId, { TargetVisibility: 'Public' })]);
    const done = await waitForChangeSet(autoClient, out.ChangeSetId);
    assert.equal(done.Status, 'SUCCEEDED');
    assert.equal((await details(autoClient, productId)).Description.Visibility, 'Public');
    assert.deepEqual(admin.listReviews(auto), []);
  });
});
