// Background data for the screenshots and the dashboard: other products of the seller, made
// through the official Catalog client the way AWS's own sample builds a product (the portal's
// own lifecycle is what the tests drive through the pages).
import assert from 'node:assert/strict';
import * as catalog from '@aws-sdk/client-marketplace-catalog';
import { cli } from './server.mjs';

const CATALOG = 'AWSMarketplace';
const P = '$CreateProductChange.Entity.Identifier';
const O = '$CreateOfferChange.Entity.Identifier';
const product = (ChangeType, Identifier, DetailsDocument, ChangeName) => ({
  ChangeType, Entity: { Type: 'AmiProduct@1.0', ...(Identifier ? { Identifier } : {}) }, DetailsDocument, ...(ChangeName ? { ChangeName } : {}),
});
const offer = (ChangeType, Identifier, DetailsDocument, ChangeName) => ({
  ChangeType, Entity: { Type: 'Offer@1.0', ...(Identifier ? { Identifier } : {}) }, DetailsDocument, ...(ChangeName ? { ChangeName } : {}),
});

export function catalogClient(server, creds) {
  return new catalog.MarketplaceCatalogClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey } });
}

export async function runChangeSet(client, changes) {
  const { ChangeSetId } = await client.send(new catalog.StartChangeSetCommand({ Catalog: CATALOG, ChangeSet: changes }));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await client.send(new catalog.DescribeChangeSetCommand({ Catalog: CATALOG, ChangeSetId }));
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(d.Status) || (d.Status === 'APPLYING' && d.ChangeSet.some((c) => c.ChangeType === 'UpdateVisibility'))) {
      return d;
    }
    assert.ok(Date.now() < deadline, `change set ${ChangeSetId} still ${d.Status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * A complete product with one version and its released public offer (Limited), like AWS's sample.
 * release: false leaves a Draft with only a title. Returns {productId, offerId}.
 */
export async function backgroundProduct(client, { title, short, amiId, accountId, types = { 't3.small': '0.09', 'm5.large': '0.24' },
  keywords = [], category = 'DevOps', release = true }) {
  if (!release) {
    const d = await runChangeSet(client, [product('CreateProduct', null, { ProductTitle: title })]);
    assert.equal(d.Status, 'SUCCEEDED', JSON.stringify(d));
    return { productId: d.ChangeSet[0].Entity.Identifier.split('@')[0] };
  }
  const instanceTypes = Object.keys(types);
  const d = await runChangeSet(client, [
    product('CreateProduct', null, { ProductTitle: title }, 'CreateProductChange'),
    product('UpdateInformation', P, {
      ProductTitle: title, ShortDescription: short, LongDescription: `${short} Runs on Amazon Linux 2023; configured at first boot.`,
      LogoUrl: 'https://example.com/logo.png', Highlights: ['Ready in minutes', 'Patched monthly'],
      AdditionalResources: [{ Text: 'Documentation', Url: 'https://example.com/docs' }],
      SupportDescription: 'Email support, answered within one business day.', Categories: [category], SearchKeywords: keywords,
    }),
    product('AddRegions', P, { Regions: ['us-east-1', 'eu-west-1'] }),
    product('AddInstanceTypes', P, { InstanceTypes: instanceTypes }),
    product('AddDeliveryOptions', P, {
      Version: { VersionTitle: '2.0.0', ReleaseNotes: 'First release on the marketplace.' },
      DeliveryOptions: [{ Details: { AmiDeliveryOptionDetails: {
        AmiSource: { AmiId: amiId, AccessRoleArn: `arn:aws:iam::${accountId}:role/AWSMarketplaceAmiIngestion`, UserName: 'ec2-user',
          OperatingSystemName: 'AMAZONLINUX', OperatingSystemVersion: '2023' },
        UsageInstructions: 'Open https://<instance>/ and sign in as admin.', RecommendedInstanceType: instanceTypes[0],
        SecurityGroups: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: ['0.0.0.0/0'] }],
      } } }],
    }),
    product('AddDimensions', P, instanceTypes.map((t) => ({ Key: t, Name: `${t} hours`, Description: `Hours of ${t}`, Unit: 'Hrs', Types: ['Metered'] }))),
    product('ReleaseProduct', P, {}),
    offer('CreateOffer', null, { ProductId: P }, 'CreateOfferChange'),
    offer('UpdateInformation', O, { Name: `${title} offer`, Description: `Hourly pricing for ${title}` }),
    offer('UpdatePricingTerms', O, { PricingModel: 'Usage', Terms: [{ Type: 'UsageBasedPricingTerm', CurrencyCode: 'USD',
      RateCards: [{ RateCard: Object.entries(types).map(([DimensionKey, Price]) => ({ DimensionKey, Price })) }] }] }),
    offer('UpdateLegalTerms', O, { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'StandardEula', Version: '2022-07-14' }] }] }),
    offer('UpdateSupportTerms', O, { Terms: [{ Type: 'SupportTerm', RefundPolicy: 'Refunds within 30 days.' }] }),
    offer('ReleaseOffer', O, {}),
  ]);
  assert.equal(d.Status, 'SUCCEEDED', JSON.stringify(d.ChangeSet.map((c) => c.ErrorDetailList)));
  const id = (type) => d.ChangeSet.find((c) => c.ChangeType === type).Entity.Identifier.split('@')[0];
  return { productId: id('CreateProduct'), offerId: id('CreateOffer') };
}

/** UpdateVisibility Public, approved by the operator with amiplace's CLI. */
export async function makePublic(server, client, productId) {
  const d = await runChangeSet(client, [product('UpdateVisibility', productId, { TargetVisibility: 'Public' })]);
  assert.equal(d.Status, 'APPLYING');
  for (let i = 0; i < 100; i++) {
    const reviews = cli(server, server.operator, ['admin', 'list-reviews']).Reviews;
    if (reviews.some((r) => r.ChangeSetId === d.ChangeSetId)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  cli(server, server.operator, ['admin', 'approve-review', '--change-set-id', d.ChangeSetId]);
}
