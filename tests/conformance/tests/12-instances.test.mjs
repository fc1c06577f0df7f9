// EC2 instances of marketplace AMIs through the official @aws-sdk/client-ec2 and the unmodified
// AWS CLI: the marketplace's rules at launch (subscription, region, instance type, restricted
// versions), the instance states with EC2's waiters, CreateImage keeping the product code, and
// DescribeImageAttribute productCodes. The product is built through the Catalog API and made
// Public on a server with --review auto; buyers subscribe with `amiplace buyer subscribe`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  startServer, createAccount, catalogClient, expectError, cliEnv, runAmiplace,
} from '../lib/server.mjs';
import { applyChangeSet } from '../lib/fixtures.mjs';
import {
  ec2, AMI_ID, ec2Client, destroyEc2Clients, registerImage, describeImages, product, addVersion,
  fullProductChanges, createdIds, details, versionOf,
} from '../lib/ami.mjs';

const TITLE = 'Instance Rules Appliance';
const REGIONS = ['us-east-1', 'us-west-2'];
const TYPES = ['t3.micro', 't3.small'];
const INSTANCE_ID = /^i-[0-9a-f]{17}$/;
const RESERVATION_ID = /^r-[0-9a-f]{17}$/;
const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

let server, seller, buyerA, buyerB, buyerC, catalog;
const s = { productId: null, code: null, v1: {}, v2: {}, option1: null };
const everyIp = new Map(); // instance ID → private address, across the whole file

before(async () => {
  server = await startServer({ args: ['--review', 'auto'] });
  seller = createAccount(server, 'SELLER', 'Instance Seller');
  buyerA = createAccount(server, 'BUYER', 'Early Buyer');
  buyerB = createAccount(server, 'BUYER', 'Late Buyer');
  buyerC = createAccount(server, 'BUYER', 'Regional Buyer');
  catalog = catalogClient(server, seller);
});
after(async () => {
  catalog?.destroy();
  destroyEc2Clients();
  await server?.stop();
});

const send = (creds, command, region = 'us-east-1') => ec2Client(server, creds, region).send(command);
const run = (creds, input, region) =>
  send(creds, new ec2.RunInstancesCommand({ MinCount: 1, MaxCount: 1, ...input }), region);
const instancesOf = async (creds, input = {}, region) =>
  ((await send(creds, new ec2.DescribeInstancesCommand(input), region)).Reservations ?? [])
    .flatMap((r) => r.Instances);

function cli(creds, args, region = 'us-east-1') {
  const r = spawnSync('aws', ['ec2', ...args, '--endpoint-url', server.endpoint, '--region', region,
    '--output', 'json'], { env: cliEnv(creds), encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  let json;
  try { json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined; } catch { json = undefined; }
  return { status: r.status, json, stdout: r.stdout, stderr: r.stderr };
}
function cliOk(creds, args, region) {
  const r = cli(creds, args, region);
  assert.equal(r.status, 0, `aws ec2 ${args.join(' ')} failed (exit ${r.status})\n${r.stdout}\n${r.stderr}`);
  return r.json;
}

function subscribe(creds) {
  const r = runAmiplace(['buyer', 'subscribe', '--product-id', s.productId, '--endpoint-url', server.endpoint], { creds });
  assert.equal(r.status, 0, `buyer subscribe failed: ${r.stdout}${r.stderr}`);
  assert.equal(r.json.Status, 'ACTIVE');
  return r.json;
}
function cancel(creds) {
  const r = runAmiplace(['buyer', 'cancel-subscription', '--product-id', s.productId, '--endpoint-url', server.endpoint], { creds });
  assert.equal(r.status, 0, `buyer cancel-subscription failed: ${r.stdout}${r.stderr}`);
}

function checkLaunched(instance, { image, type, code }) {
  assert.match(instance.InstanceId, INSTANCE_ID);
  assert.equal(instance.ImageId, image);
  assert.equal(instance.InstanceType, type);
  const m = LOOPBACK.exec(instance.PrivateIpAddress ?? '');
  assert.ok(m, `a loopback address: ${instance.PrivateIpAddress}`);
  assert.notEqual(instance.PrivateIpAddress, '127.0.0.1');
  for (const [id, ip] of everyIp) {
    if (id !== instance.InstanceId) assert.notEqual(ip, instance.PrivateIpAddress, `${id} has the address already`);
  }
  everyIp.set(instance.InstanceId, instance.PrivateIpAddress);
  assert.deepEqual(instance.ProductCodes ?? [],
    code ? [{ ProductCodeId: code, ProductCodeType: 'marketplace' }] : []);
  assert.match(instance.Placement?.AvailabilityZone ?? '', /^[a-z]+-[a-z]+-\d[a-z]$/);
  // The SDK parses the timestamp; the CLI prints EC2's text.
  const launched = instance.LaunchTime instanceof Date ? instance.LaunchTime : new Date(instance.LaunchTime);
  assert.ok(Math.abs(Date.now() - launched.getTime()) < 60_000, `launched now: ${instance.LaunchTime}`);
}

// OptInRequired, by name and message; its HTTP status (EC2: 401) has a test of its own below.
async function expectOptIn(promise) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'expected OptInRequired, but the call succeeded');
  assert.equal(err.name, 'OptInRequired', `expected OptInRequired, got ${err.name}: ${err.message}`);
  assert.match(err.message, /^In order to use this AWS Marketplace product you need to accept terms and subscribe\. To do so please visit /);
  assert.ok(err.message.endsWith(marketplaceUrl()), err.message);
  return err;
}

const marketplaceUrl = () => `https://aws.amazon.com/marketplace/pp?sku=${s.code}`;

describe('instances of a marketplace product', () => {
  test('setup: a Public product with version 1.0.0 in two regions, offered on t3.micro and t3.small', async () => {
    const ami = await registerImage(server, seller, 'instance-rules-1.0.0');
    const d = await applyChangeSet(catalog, fullProductChanges({
      title: TITLE, amiId: ami, accountId: seller.AccountId, regions: REGIONS, instanceTypes: TYPES,
    }));
    s.productId = createdIds(d).productId;
    await applyChangeSet(catalog, [product('UpdateVisibility', s.productId, { TargetVisibility: 'Public' })]);
    const doc = await details(catalog, s.productId);
    assert.equal(doc.Description.Visibility, 'Public');
    s.code = doc.Description.ProductCode;
    s.option1 = versionOf(doc, '1.0.0').DeliveryOptions[0].Id;
    const view = runAmiplace(['buyer', 'describe-product', '--product-id', s.productId,
      '--endpoint-url', server.endpoint], { creds: buyerA }).json;
    s.v1 = view.Versions.find((v) => v.VersionTitle === '1.0.0').Images;
    for (const region of REGIONS) assert.match(s.v1[region], AMI_ID);
  });

  test('a buyer without a subscription is refused: OptInRequired naming the product code', async () => {
    await expectOptIn(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro' }));
    const r = cli(buyerA, ['run-instances', '--image-id', s.v1['us-east-1'], '--instance-type', 't3.micro']);
    assert.notEqual(r.status, 0, r.stderr);
    assert.match(r.stderr, /\(OptInRequired\)/);
    assert.deepEqual(await instancesOf(buyerA), [], 'nothing was launched');
  });

  test('EC2 answers OptInRequired with HTTP 401', async () => {
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro' }), 'OptInRequired', 401);
  });

  let first;
  test('subscribed, buyer A launches: pending at once, running for DescribeInstances and the SDK waiter', async () => {
    subscribe(buyerA);
    const out = await run(buyerA, {
      ImageId: s.v1['us-east-1'], InstanceType: 't3.micro', MinCount: 1, MaxCount: 2,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'appliance' }] }],
    });
    assert.match(out.ReservationId, RESERVATION_ID);
    assert.equal(out.OwnerId, buyerA.AccountId);
    assert.equal(out.Instances.length, 2, 'MaxCount instances');
    for (const [n, i] of out.Instances.entries()) {
      checkLaunched(i, { image: s.v1['us-east-1'], type: 't3.micro', code: s.code });
      assert.deepEqual(i.State, { Code: 0, Name: 'pending' });
      assert.equal(i.AmiLaunchIndex, n);
      assert.deepEqual(i.Tags, [{ Key: 'Name', Value: 'appliance' }]);
    }
    first = out.Instances[0].InstanceId;
    const waited = await ec2.waitUntilInstanceRunning({ client: ec2Client(server, buyerA), maxWaitTime: 60 },
      { InstanceIds: out.Instances.map((i) => i.InstanceId) });
    assert.equal(waited.state, 'SUCCESS');
    const [reservation] = (await send(buyerA, new ec2.DescribeInstancesCommand({ InstanceIds: [first] }))).Reservations;
    assert.equal(reservation.ReservationId, out.ReservationId);
    assert.equal(reservation.OwnerId, buyerA.AccountId);
    const [desc] = reservation.Instances;
    assert.deepEqual(desc.State, { Code: 16, Name: 'running' });
    assert.equal(desc.PrivateIpAddress, out.Instances[0].PrivateIpAddress);
    assert.deepEqual(desc.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);
  });

  test('DescribeInstances filters on state, image, product code, instance type and tags', async () => {
    const ids = async (Filters) => (await instancesOf(buyerA, { Filters })).map((i) => i.InstanceId).sort();
    const both = (await instancesOf(buyerA)).map((i) => i.InstanceId).sort();
    assert.equal(both.length, 2);
    assert.deepEqual(await ids([{ Name: 'instance-state-name', Values: ['running'] }]), both);
    assert.deepEqual(await ids([{ Name: 'instance-state-name', Values: ['stopped'] }]), []);
    assert.deepEqual(await ids([{ Name: 'image-id', Values: [s.v1['us-east-1']] }]), both);
    assert.deepEqual(await ids([{ Name: 'product-code', Values: [s.code] }]), both);
    assert.deepEqual(await ids([{ Name: 'product-code', Values: ['nosuchcode'] }]), []);
    assert.deepEqual(await ids([{ Name: 'instance-type', Values: ['t3.*'] }]), both);
    assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['appliance'] }]), both);
    assert.deepEqual(await ids([{ Name: 'instance-id', Values: [first] }, { Name: 'instance-state-code', Values: ['16'] }]), [first]);
    await expectError(instancesOf(buyerA, { Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }),
      'InvalidParameterValue', 400, 'no-such-filter');
    // Another buyer sees none of them, and an ID of theirs is unknown to it.
    assert.deepEqual(await instancesOf(buyerB), []);
    await expectError(instancesOf(buyerB, { InstanceIds: [first] }), 'InvalidInstanceID.NotFound', 400, first);
    await expectError(send(buyerB, new ec2.StopInstancesCommand({ InstanceIds: [first] })),
      'InvalidInstanceID.NotFound', 400, first);
    await expectError(instancesOf(buyerA, { InstanceIds: ['i-123'] }), 'InvalidInstanceID.Malformed', 400);
  });

  test('an instance type the product does not offer is refused with UnsupportedOperation', async () => {
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.large' }),
      'UnsupportedOperation', 400, 'instance configuration for this AWS Marketplace product is not supported', marketplaceUrl());
    // EC2's default type, m1.small, is not one the product offers either.
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'] }), 'UnsupportedOperation', 400);
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 'x9.huge' }),
      'InvalidParameterValue', 400, 'x9.huge');
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro', MinCount: 21, MaxCount: 21 }),
      'InstanceLimitExceeded', 400);
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro', MinCount: 2, MaxCount: 1 }),
      'InvalidParameterValue', 400, 'MinCount');
  });

  test('regions: the product\'s other region works; a region it is not offered in has no such image', async () => {
    const out = await run(buyerA, { ImageId: s.v1['us-west-2'], InstanceType: 't3.small' }, 'us-west-2');
    checkLaunched(out.Instances[0], { image: s.v1['us-west-2'], type: 't3.small', code: s.code });
    assert.equal(out.Instances[0].Placement.AvailabilityZone, 'us-west-2a');
    assert.match(out.Instances[0].PrivateDnsName, /^ip-127-\d+-\d+-\d+\.us-west-2\.compute\.internal$/);
    // Instances are regional: us-east-1 does not list it.
    assert.ok(!(await instancesOf(buyerA)).some((i) => i.InstanceId === out.Instances[0].InstanceId));
    await expectError(run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro' }, 'eu-west-1'),
      'InvalidAMIID.NotFound', 400, s.v1['us-east-1']);
  });

  test('a region the seller restricts stays open to buyers who run the product there, not to others', async () => {
    subscribe(buyerC);
    await applyChangeSet(catalog, [product('RestrictRegions', s.productId, { Regions: ['us-west-2'] })]);
    // Buyer A already runs the product in us-west-2.
    const again = await run(buyerA, { ImageId: s.v1['us-west-2'], InstanceType: 't3.micro' }, 'us-west-2');
    checkLaunched(again.Instances[0], { image: s.v1['us-west-2'], type: 't3.micro', code: s.code });
    await expectError(run(buyerC, { ImageId: s.v1['us-west-2'], InstanceType: 't3.micro' }, 'us-west-2'),
      'UnsupportedOperation', 400, marketplaceUrl());
    // us-east-1 is still offered to buyer C.
    const east = await run(buyerC, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro' });
    checkLaunched(east.Instances[0], { image: s.v1['us-east-1'], type: 't3.micro', code: s.code });
  });

  test('a restricted version: buyer A (subscribed before) still launches it, buyer B (after) only the new one', async () => {
    const ami2 = await registerImage(server, seller, 'instance-rules-2.0.0');
    await applyChangeSet(catalog, [addVersion(s.productId, ami2, '2.0.0', { accountId: seller.AccountId })]);
    await applyChangeSet(catalog, [product('RestrictDeliveryOptions', s.productId, { DeliveryOptionIds: [s.option1] })]);
    const view = runAmiplace(['buyer', 'describe-product', '--product-id', s.productId,
      '--endpoint-url', server.endpoint], { creds: buyerA }).json;
    assert.deepEqual(view.Versions.map((v) => [v.VersionTitle, v.Status]), [['1.0.0', 'Restricted'], ['2.0.0', 'Available']]);
    s.v2 = view.Versions.find((v) => v.VersionTitle === '2.0.0').Images;

    const a = await run(buyerA, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro' });
    checkLaunched(a.Instances[0], { image: s.v1['us-east-1'], type: 't3.micro', code: s.code });

    subscribe(buyerB);
    await expectError(run(buyerB, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro' }),
      'UnsupportedOperation', 400, 'no longer available to new subscribers', marketplaceUrl());
    const b = await run(buyerB, { ImageId: s.v2['us-east-1'], InstanceType: 't3.micro' });
    checkLaunched(b.Instances[0], { image: s.v2['us-east-1'], type: 't3.micro', code: s.code });
  });

  let derived;
  test('CreateImage keeps the product code; an instance of the new AMI carries it', async () => {
    const out = await send(buyerA, new ec2.CreateImageCommand({ InstanceId: first, Name: 'my appliance backup',
      Description: 'configured', NoReboot: true }));
    derived = out.ImageId;
    assert.match(derived, AMI_ID);
    const [img] = await describeImages(server, buyerA, { ImageIds: [derived] });
    assert.equal(img.OwnerId, buyerA.AccountId, 'owned by the buyer');
    assert.equal(img.Public, false);
    assert.equal(img.State, 'available');
    assert.equal(img.Name, 'my appliance backup');
    assert.deepEqual(img.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);
    const attr = await send(buyerA, new ec2.DescribeImageAttributeCommand({ ImageId: derived, Attribute: 'productCodes' }));
    assert.equal(attr.ImageId, derived);
    assert.deepEqual(attr.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);
    const viaCli = cliOk(buyerA, ['describe-image-attribute', '--image-id', derived, '--attribute', 'productCodes']);
    assert.deepEqual(viaCli.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);
    const market = cliOk(buyerB, ['describe-image-attribute', '--image-id', s.v2['us-east-1'], '--attribute', 'productCodes']);
    assert.deepEqual(market.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);

    const launched = await run(buyerA, { ImageId: derived, InstanceType: 't3.small' });
    checkLaunched(launched.Instances[0], { image: derived, type: 't3.small', code: s.code });
    const [desc] = await instancesOf(buyerA, { InstanceIds: [launched.Instances[0].InstanceId] });
    assert.deepEqual(desc.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);
    // The product's rules hold for the derived AMI too.
    await expectError(run(buyerA, { ImageId: derived, InstanceType: 't3.large' }), 'UnsupportedOperation', 400);
    // It is the buyer's own: nobody else sees or launches it.
    await expectError(run(buyerB, { ImageId: derived, InstanceType: 't3.micro' }), 'InvalidAMIID.NotFound', 400, derived);
    await expectError(send(buyerA, new ec2.CreateImageCommand({ InstanceId: first, Name: 'my appliance backup' })),
      'InvalidAMIName.Duplicate', 400);
  });

  test('without its subscription the buyer cannot launch the derived AMI; resubscribing after the restriction is too late for 1.0.0', async () => {
    cancel(buyerA);
    await expectOptIn(run(buyerA, { ImageId: derived, InstanceType: 't3.micro' }));
    subscribe(buyerA);
    // The new subscription began after version 1.0.0 was restricted.
    await expectError(run(buyerA, { ImageId: derived, InstanceType: 't3.micro' }),
      'UnsupportedOperation', 400, 'no longer available to new subscribers');
    const v2 = await run(buyerA, { ImageId: s.v2['us-east-1'], InstanceType: 't3.micro' });
    checkLaunched(v2.Instances[0], { image: s.v2['us-east-1'], type: 't3.micro', code: s.code });
  });

  test('through the AWS CLI: run-instances, wait instance-running, stop, wait, start, terminate, create-image', () => {
    const out = cliOk(buyerB, ['run-instances', '--image-id', s.v2['us-east-1'], '--instance-type', 't3.small',
      '--count', '1', '--tag-specifications', 'ResourceType=instance,Tags=[{Key=team,Value=blue}]']);
    const id = out.Instances[0].InstanceId;
    assert.equal(out.Instances[0].State.Name, 'pending');
    checkLaunched(out.Instances[0], { image: s.v2['us-east-1'], type: 't3.small', code: s.code });
    cliOk(buyerB, ['wait', 'instance-running', '--instance-ids', id]);
    const described = cliOk(buyerB, ['describe-instances', '--filters', 'Name=tag:team,Values=blue',
      `Name=product-code,Values=${s.code}`]);
    assert.deepEqual(described.Reservations.flatMap((r) => r.Instances).map((i) => [i.InstanceId, i.State.Name]),
      [[id, 'running']]);

    const stop = cliOk(buyerB, ['stop-instances', '--instance-ids', id]);
    assert.deepEqual(stop.StoppingInstances, [{ InstanceId: id, CurrentState: { Code: 64, Name: 'stopping' },
      PreviousState: { Code: 16, Name: 'running' } }]);
    cliOk(buyerB, ['wait', 'instance-stopped', '--instance-ids', id]);
    const [stopped] = cliOk(buyerB, ['describe-instances', '--instance-ids', id]).Reservations[0].Instances;
    assert.equal(stopped.State.Name, 'stopped');
    assert.equal(stopped.StateReason.Code, 'Client.UserInitiatedShutdown');
    assert.match(stopped.StateTransitionReason, /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
    assert.equal(stopped.PrivateIpAddress, out.Instances[0].PrivateIpAddress, 'a stopped instance keeps its address');

    const image = cliOk(buyerB, ['create-image', '--instance-id', id, '--name', 'stopped-copy']).ImageId;
    assert.match(image, AMI_ID);
    const codes = cliOk(buyerB, ['describe-image-attribute', '--image-id', image, '--attribute', 'productCodes']);
    assert.deepEqual(codes.ProductCodes, [{ ProductCodeId: s.code, ProductCodeType: 'marketplace' }]);

    const start = cliOk(buyerB, ['start-instances', '--instance-ids', id]);
    assert.deepEqual(start.StartingInstances[0].CurrentState, { Code: 0, Name: 'pending' });
    assert.deepEqual(start.StartingInstances[0].PreviousState, { Code: 80, Name: 'stopped' });
    cliOk(buyerB, ['wait', 'instance-running', '--instance-ids', id]);

    const term = cliOk(buyerB, ['terminate-instances', '--instance-ids', id]);
    assert.deepEqual(term.TerminatingInstances[0].CurrentState, { Code: 32, Name: 'shutting-down' });
    cliOk(buyerB, ['wait', 'instance-terminated', '--instance-ids', id]);
    const [gone] = cliOk(buyerB, ['describe-instances', '--instance-ids', id]).Reservations[0].Instances;
    assert.deepEqual(gone.State, { Code: 48, Name: 'terminated' });
    assert.equal(gone.PrivateIpAddress, undefined, 'a terminated instance has no address');

    const again = cli(buyerB, ['start-instances', '--instance-ids', id]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /IncorrectInstanceState/);
    const twice = cliOk(buyerB, ['terminate-instances', '--instance-ids', id]);
    assert.deepEqual(twice.TerminatingInstances[0].CurrentState, { Code: 48, Name: 'terminated' });
  });

  test('a plain AMI needs no subscription; its instances carry no product code', async () => {
    const plain = await registerImage(server, seller, 'plain-base');
    const out = await run(seller, { ImageId: plain });
    checkLaunched(out.Instances[0], { image: plain, type: 'm1.small', code: null });
    await expectError(run(buyerA, { ImageId: plain }), 'InvalidAMIID.NotFound', 400, plain);
  });

  test('a ClientToken replay returns the first launch; the token with other arguments is refused', async () => {
    const input = { ImageId: s.v2['us-east-1'], InstanceType: 't3.micro', ClientToken: 'launch-once-1' };
    const one = await run(buyerB, input);
    const two = await run(buyerB, input);
    assert.equal(two.ReservationId, one.ReservationId);
    assert.deepEqual(two.Instances.map((i) => i.InstanceId), one.Instances.map((i) => i.InstanceId));
    everyIp.delete(one.Instances[0].InstanceId);
    checkLaunched(one.Instances[0], { image: s.v2['us-east-1'], type: 't3.micro', code: s.code });
    await expectError(run(buyerB, { ...input, InstanceType: 't3.small' }), 'IdempotentParameterMismatch', 400);
  });

  test('DryRun checks the launch and stores nothing', async () => {
    const before = (await instancesOf(buyerB)).length;
    await expectError(run(buyerB, { ImageId: s.v2['us-east-1'], InstanceType: 't3.micro', DryRun: true }),
      'DryRunOperation', 412);
    await expectError(run(buyerB, { ImageId: s.v1['us-east-1'], InstanceType: 't3.micro', DryRun: true }),
      'UnsupportedOperation', 400);
    assert.equal((await instancesOf(buyerB)).length, before);
  });
});
