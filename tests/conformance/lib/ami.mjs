// AMI products end to end: seller images through @aws-sdk/client-ec2, the change bodies of AWS's
// own sample (aws-samples CreateLimitedAmiProductAndPublicOfferWithHourlyAnnualPricing.json), the
// operators' review commands and the buyer commands of amiplace's CLI.
import assert from 'node:assert/strict';
import * as ec2 from '@aws-sdk/client-ec2';
import { runAmiplace, call, TERMINAL, sleep } from './server.mjs';
import { CATALOG, fullInformation } from './fixtures.mjs';

export { ec2 };
export const AMI_ID = /^ami-[0-9a-f]{17}$/;
export const SNAPSHOT = 'snap-0123456789abcdef0';
export const PRODUCT = 'AmiProduct@1.0';
export const OFFER = 'Offer@1.0';

// ---------------------------------------------------------------------------------------------
// EC2

const ec2Clients = new Map();
export function ec2Client(server, creds, region = 'us-east-1') {
  const key = `${server.endpoint}/${creds.AccessKeyId}/${region}`;
  if (!ec2Clients.has(key)) {
    ec2Clients.set(key, new ec2.EC2Client({
      endpoint: server.endpoint,
      region,
      credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey },
      maxAttempts: 1,
    }));
  }
  return ec2Clients.get(key);
}
export function destroyEc2Clients() {
  for (const c of ec2Clients.values()) c.destroy();
  ec2Clients.clear();
}

/** RegisterImage of a seller's own AMI (x86_64, hvm, one unencrypted EBS root); returns its ID. */
export async function registerImage(server, creds, name, { encrypted = false, region = 'us-east-1', ...overrides } = {}) {
  const out = await ec2Client(server, creds, region).send(new ec2.RegisterImageCommand({
    Name: name,
    Architecture: 'x86_64',
    VirtualizationType: 'hvm',
    RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: SNAPSHOT, Encrypted: encrypted } }],
    ...overrides,
  }));
  assert.match(out.ImageId, AMI_ID);
  return out.ImageId;
}

export async function describeImages(server, creds, input, region = 'us-east-1') {
  return (await ec2Client(server, creds, region).send(new ec2.DescribeImagesCommand(input))).Images ?? [];
}

/** The marketplace's images carrying `code` in `region`. */
export function marketplaceImages(server, creds, code, region = 'us-east-1') {
  return describeImages(server, creds,
    { Owners: ['aws-marketplace'], Filters: [{ Name: 'product-code', Values: [code] }] }, region);
}

// ---------------------------------------------------------------------------------------------
// Change bodies

export const product = (ChangeType, Identifier, DetailsDocument, ChangeName) => ({
  ChangeType, Entity: { Type: PRODUCT, ...(Identifier ? { Identifier } : {}) }, DetailsDocument,
  ...(ChangeName ? { ChangeName } : {}),
});
export const offer = (ChangeType, Identifier, DetailsDocument, ChangeName) => ({
  ChangeType, Entity: { Type: OFFER, ...(Identifier ? { Identifier } : {}) }, DetailsDocument,
  ...(ChangeName ? { ChangeName } : {}),
});

export const securityGroups = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: ['0.0.0.0/0'] }];

export function deliveryOption(amiId, { accountId = '123456789012', recommended = 't3.micro', usage } = {}) {
  return {
    Details: {
      AmiDeliveryOptionDetails: {
        AmiSource: {
          AmiId: amiId,
          AccessRoleArn: `arn:aws:iam::${accountId}:role/Ingest`,
          UserName: 'ec2-user',
          OperatingSystemName: 'AMAZONLINUX',
          OperatingSystemVersion: '2023',
        },
        UsageInstructions: usage ?? 'Connect with ssh as ec2-user.',
        RecommendedInstanceType: recommended,
        SecurityGroups: securityGroups,
      },
    },
  };
}

export function addVersion(productRef, amiId, title, opts = {}) {
  return product('AddDeliveryOptions', productRef, {
    Version: { VersionTitle: title, ReleaseNotes: opts.notes ?? `Release ${title}.` },
    DeliveryOptions: [deliveryOption(amiId, opts)],
  });
}

export const hourlyDimension = (type) => ({
  Key: type, Name: `${type} hours`, Description: `Hours of ${type}`, Unit: 'Hrs', Types: ['Metered'],
});

export const pricingTerms = (rates) => ({
  PricingModel: 'Usage',
  Terms: [{
    Type: 'UsageBasedPricingTerm',
    CurrencyCode: 'USD',
    RateCards: [{ RateCard: Object.entries(rates).map(([DimensionKey, Price]) => ({ DimensionKey, Price })) }],
  }],
});
export const legalTerms = { Terms: [{ Type: 'LegalTerm', Documents: [{ Type: 'StandardEula', Version: '2022-07-14' }] }] };
export const supportTerms = { Terms: [{ Type: 'SupportTerm', RefundPolicy: 'No refunds' }] };

/**
 * The changes of AWS's sample for a complete product and its public offer, in the sample's
 * order, referring to each other by ChangeName. `release: false` leaves both as drafts.
 */
export function fullProductChanges({
  title, amiId, accountId, regions = ['us-east-1'], instanceTypes = ['t3.micro', 't3.small'],
  allowlist, release = true, info = {}, rates,
}) {
  const P = '$CreateProductChange.Entity.Identifier';
  const O = '$CreateOfferChange.Entity.Identifier';
  const changes = [
    product('CreateProduct', undefined, { ProductTitle: title }, 'CreateProductChange'),
    product('UpdateInformation', P, fullInformation({ ProductTitle: title, Categories: ['Security'], ...info })),
    product('AddRegions', P, { Regions: regions }),
    product('AddInstanceTypes', P, { InstanceTypes: instanceTypes }),
    addVersion(P, amiId, '1.0.0', { accountId, recommended: instanceTypes[0] }),
    product('AddDimensions', P, instanceTypes.map(hourlyDimension)),
  ];
  if (allowlist) changes.push(product('UpdateTargeting', P, { PositiveTargeting: { BuyerAccounts: allowlist } }));
  if (release) changes.push(product('ReleaseProduct', P, {}));
  changes.push(
    offer('CreateOffer', undefined, { ProductId: P }, 'CreateOfferChange'),
    offer('UpdateInformation', O, { Name: `${title} offer`, Description: `Hourly pricing for ${title}` }),
    offer('UpdatePricingTerms', O, pricingTerms(rates ?? Object.fromEntries(instanceTypes.map((t, i) => [t, `0.${12 + i}`])))),
    offer('UpdateLegalTerms', O, legalTerms),
    offer('UpdateSupportTerms', O, supportTerms),
  );
  if (release) changes.push(offer('ReleaseOffer', O, {}));
  return changes;
}

/** The IDs a SUCCEEDED full-product change set created: {productId, offerId}. */
export function createdIds(described) {
  const id = (type, ct) => described.ChangeSet.find((c) => c.Entity.Type.startsWith(type) && c.ChangeType === ct)
    ?.Entity.Identifier.split('@')[0];
  return { productId: id('AmiProduct', 'CreateProduct'), offerId: id('Offer', 'CreateOffer') };
}

export const errorCodes = (described) =>
  described.ChangeSet.flatMap((c) => (c.ErrorDetailList ?? []).map((e) => e.ErrorCode));
export const errorMessages = (described) =>
  described.ChangeSet.flatMap((c) => (c.ErrorDetailList ?? []).map((e) => e.ErrorMessage));

/** DescribeEntity's DetailsDocument (the SDK parses it into DetailsDocument). */
export async function details(client, entityId) {
  const out = await call(client, 'DescribeEntity', { Catalog: CATALOG, EntityId: entityId });
  return out.DetailsDocument ?? JSON.parse(out.Details);
}

/** The version titled `title` of a product's DetailsDocument. */
export const versionOf = (doc, title) => doc.Versions.find((v) => v.VersionTitle === title);

// ---------------------------------------------------------------------------------------------
// amiplace's CLI: the operators' reviews and the buyers' view

function cli(server, creds, args) {
  return runAmiplace([...args, '--endpoint-url', server.endpoint], { creds });
}
function ok(r, what) {
  assert.equal(r.status, 0, `amiplace ${what} failed (exit ${r.status})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.ok(r.json, `amiplace ${what} printed no JSON: ${r.stdout}`);
  return r.json;
}

export const admin = {
  listReviews: (server) => ok(cli(server, server.operator, ['admin', 'list-reviews']), 'admin list-reviews').Reviews,
  approve: (server, id) => ok(cli(server, server.operator, ['admin', 'approve-review', '--change-set-id', id]),
    'admin approve-review'),
  reject: (server, id, reason) => ok(cli(server, server.operator,
    ['admin', 'reject-review', '--change-set-id', id, '--reason', reason]), 'admin reject-review'),
};

export const buyer = {
  /** The products `buyer search` lists. */
  search: (server, creds, query) => ok(cli(server, creds, ['buyer', 'search', ...(query ? ['--query', query] : [])]),
    'buyer search').Products,
  describe: (server, creds, productId) => ok(cli(server, creds, ['buyer', 'describe-product', '--product-id', productId]),
    'buyer describe-product'),
  /** The raw result, for calls expected to fail. */
  describeRaw: (server, creds, productId) => cli(server, creds, ['buyer', 'describe-product', '--product-id', productId]),
  subscribe: (server, creds, productId) => ok(cli(server, creds, ['buyer', 'subscribe', '--product-id', productId]),
    'buyer subscribe'),
  subscribeRaw: (server, creds, productId) => cli(server, creds, ['buyer', 'subscribe', '--product-id', productId]),
  subscriptions: (server, creds) => ok(cli(server, creds, ['buyer', 'list-subscriptions']),
    'buyer list-subscriptions').Subscriptions,
};

/** Asserts an amiplace CLI call failed (exit 1) with `code` on stderr. */
export function assertCliError(r, code, what) {
  assert.equal(r.status, 1, `${what} should fail with exit 1, got ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(code), `${what}: stderr should name ${code}: ${r.stderr}`);
}

/**
 * Waits until change set `id` awaits the operators' review (APPLYING and in admin list-reviews)
 * or has ended; returns its DescribeChangeSet. (A set is briefly APPLYING while the worker
 * checks it, before it joins the review queue.)
 */
export async function awaitReview(server, client, id, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await call(client, 'DescribeChangeSet', { Catalog: CATALOG, ChangeSetId: id });
    if (TERMINAL.includes(d.Status)) return d;
    if (d.Status === 'APPLYING' && admin.listReviews(server).some((r) => r.ChangeSetId === id)) return d;
    if (Date.now() > deadline) assert.fail(`change set ${id} neither awaits review nor ended (${d.Status})`);
    await sleep(40);
  }
}

/** Starts an UpdateVisibility change set and waits until it awaits review (or ended). */
export async function submitVisibility(server, client, productId, target) {
  const out = await call(client, 'StartChangeSet', {
    Catalog: CATALOG, ChangeSet: [product('UpdateVisibility', productId, { TargetVisibility: target })],
  });
  return awaitReview(server, client, out.ChangeSetId);
}
