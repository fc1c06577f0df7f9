// Seller images through the EC2 API (query protocol, XML answers): RegisterImage, DescribeImages
// and DeregisterImage through the official @aws-sdk/client-ec2 and the unmodified AWS CLI.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as ec2 from '@aws-sdk/client-ec2';
import { startServer, createAccount, expectError, cliEnv } from '../lib/server.mjs';
import { rawRequest, sign } from '../lib/raw.mjs';

const AMI_ID = /^ami-[0-9a-f]{17}$/;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SNAPSHOT = 'snap-0123456789abcdef0';
const MARKETPLACE_ACCOUNT = '679593333241';

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
let server, sellerA, sellerB;
const clients = new Map();

before(async () => {
  server = await startServer();
  sellerA = createAccount(server, 'SELLER', 'EC2 Seller A');
  sellerB = createAccount(server, 'SELLER', 'EC2 Seller B');
});
after(async () => {
  for (const c of clients.values()) c.destroy();
  await server?.stop();
});

function client(creds, region = 'us-east-1') {
  const key = `${creds.AccessKeyId}/${creds.SecretAccessKey}/${region}`;
  if (!clients.has(key)) {
    clients.set(key, new ec2.EC2Client({
      endpoint: server.endpoint,
      region,
      credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey },
      maxAttempts: 1,
    }));
  }
  return clients.get(key);
}
const send = (creds, command, region) => client(creds, region).send(command);

function registerInput(name, overrides = {}) {
  return {
    Name: name,
    Architecture: 'x86_64',
    VirtualizationType: 'hvm',
    RootDeviceName: '/dev/xvda',
    EnaSupport: true,
    BlockDeviceMappings: [{
      DeviceName: '/dev/xvda',
      Ebs: { SnapshotId: SNAPSHOT, VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: false },
    }],
    ...overrides,
  };
}
async function register(creds, name, overrides = {}, region = 'us-east-1') {
  const out = await send(creds, new ec2.RegisterImageCommand(registerInput(name, overrides)), region);
  assert.match(out.ImageId, AMI_ID);
  return out.ImageId;
}
async function describe_(creds, input = {}, region = 'us-east-1') {
  return (await send(creds, new ec2.DescribeImagesCommand(input), region)).Images;
}
const ids = (images) => images.map((i) => i.ImageId).sort();

// A hand-signed EC2 request, for what the SDK will not send.
function rawEc2(body, { creds = sellerA, region = 'us-east-1', signed = true } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const host = new URL(server.endpoint).host;
  const h = signed
    ? sign({ method: 'POST', host, path: '/', headers, body, creds, region, service: 'ec2' })
    : headers;
  return rawRequest(server.endpoint, { method: 'POST', path: '/', headers: h, body, sign: false });
}
const xmlTag = (xml, tag) => (new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml) ?? [])[1];

describe('EC2 images through @aws-sdk/client-ec2', () => {
  let imageId;

  test('RegisterImage answers an ami- ID and DescribeImages shows every member', async () => {
    imageId = await register(sellerA, 'my-app 1.0 (x86_64)', {
      Description: `A & B <tags> "quoted" 'single' — ünïcode`,
      BootMode: 'uefi',
      ImdsSupport: 'v2.0',
    });
    const [image, ...rest] = await describe_(sellerA, { ImageIds: [imageId] });
    assert.equal(rest.length, 0);
    assert.equal(image.ImageId, imageId);
    assert.equal(image.Name, 'my-app 1.0 (x86_64)');
    assert.equal(image.Description, `A & B <tags> "quoted" 'single' — ünïcode`);
    assert.equal(image.State, 'available');
    assert.equal(image.OwnerId, sellerA.AccountId);
    assert.equal(image.ImageOwnerAlias, undefined);
    assert.equal(image.Public, false);
    assert.equal(image.Architecture, 'x86_64');
    assert.equal(image.VirtualizationType, 'hvm');
    assert.equal(image.ImageType, 'machine');
    assert.equal(image.Hypervisor, 'xen');
    assert.equal(image.RootDeviceType, 'ebs');
    assert.equal(image.RootDeviceName, '/dev/xvda');
    assert.equal(image.EnaSupport, true);
    assert.equal(image.BootMode, 'uefi');
    assert.equal(image.ImdsSupport, 'v2.0');
    assert.match(image.CreationDate, ISO_MILLIS);
    assert.ok(Math.abs(Date.parse(image.CreationDate) - Date.now()) < 60_000);
    assert.deepEqual(image.BlockDeviceMappings, [{
      DeviceName: '/dev/xvda',
      Ebs: { SnapshotId: SNAPSHOT, VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: false },
    }]);
    assert.equal(image.ProductCodes, undefined);
  });

  test('the Encrypted flag of a mapping is kept as given', async () => {
    const id = await register(sellerA, 'encrypted-image', {
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123abcd', Encrypted: true } }],
    });
    const [image] = await describe_(sellerA, { ImageIds: [id] });
    assert.equal(image.BlockDeviceMappings[0].Ebs.Encrypted, true);
    assert.equal(image.BlockDeviceMappings[0].Ebs.SnapshotId, 'snap-0123abcd');
  });

  test('Owners self and Filters name/owner-id/state/architecture/product-code', async () => {
    const second = await register(sellerA, 'my-app 2.0 (x86_64)');
    const mine = await describe_(sellerA, { Owners: ['self'] });
    assert.ok(ids(mine).includes(imageId) && ids(mine).includes(second));
    assert.deepEqual(ids(await describe_(sellerA, {
      Owners: ['self'], Filters: [{ Name: 'name', Values: ['my-app ?.0 (x86_64)'] }],
    })), [imageId, second].sort());
    assert.deepEqual(ids(await describe_(sellerA, {
      Filters: [{ Name: 'name', Values: ['my-app 2*'] }],
    })), [second]);
    assert.deepEqual(ids(await describe_(sellerA, {
      Filters: [{ Name: 'owner-id', Values: [sellerA.AccountId] }, { Name: 'name', Values: ['*1.0*'] }],
    })), [imageId]);
    assert.equal((await describe_(sellerA, { Filters: [{ Name: 'state', Values: ['available'] }] })).length,
      mine.length);
    assert.deepEqual(await describe_(sellerA, { Filters: [{ Name: 'architecture', Values: ['arm64'] }] }), []);
    assert.deepEqual(await describe_(sellerA, { Filters: [{ Name: 'product-code', Values: ['nosuchcode'] }] }), []);
    assert.deepEqual(await describe_(sellerA, { Owners: ['aws-marketplace'] }), []);
    assert.deepEqual(await describe_(sellerA, { Owners: [MARKETPLACE_ACCOUNT] }), []);
  });

  test('paginateDescribeImages pages with MaxResults and NextToken', async () => {
    const seller = createAccount(server, 'SELLER', 'Paging seller');
    for (let i = 0; i < 7; i++) await register(seller, `paged-${i}`);
    const pages = [];
    for await (const page of ec2.paginateDescribeImages({ client: client(seller), pageSize: 5 },
      { Owners: ['self'] })) {
      pages.push(page.Images.length);
    }
    assert.deepEqual(pages, [5, 2]);
  });

  test('names are unique per owner and region: InvalidAMIName.Duplicate', async () => {
    await expectError(send(sellerA, new ec2.RegisterImageCommand(registerInput('my-app 1.0 (x86_64)'))),
      'InvalidAMIName.Duplicate', 400, 'my-app 1.0 (x86_64)', imageId);
    // Another seller, or another region, may use the same name.
    assert.match(await register(sellerB, 'my-app 1.0 (x86_64)'), AMI_ID);
    assert.match(await register(sellerA, 'my-app 1.0 (x86_64)', {}, 'eu-west-1'), AMI_ID);
  });

  test('each RegisterImage error path answers with EC2\'s code', async () => {
    const reg = (input) => send(sellerA, new ec2.RegisterImageCommand(input));
    await expectError(reg(registerInput('ab')), 'InvalidAMIName.Malformed', 400, '3 and 128');
    await expectError(reg(registerInput('bad*name')), 'InvalidAMIName.Malformed', 400);
    await expectError(reg(registerInput('x'.repeat(129))), 'InvalidAMIName.Malformed', 400);
    await expectError(reg(registerInput('bad-snapshot', {
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-xyz' } }],
    })), 'InvalidSnapshotID.Malformed', 400, 'snap-xyz');
    await expectError(reg(registerInput('no-root', { RootDeviceName: undefined })),
      'MissingParameter', 400, 'RootDeviceName');
    await expectError(reg({ ...registerInput('x'), Name: undefined }), 'MissingParameter', 400, 'Name');
    await expectError(reg(registerInput('no-mappings', { BlockDeviceMappings: undefined })),
      'MissingParameter', 400, 'BlockDeviceMapping');
    await expectError(reg(registerInput('root-unmapped', { RootDeviceName: '/dev/sda1' })),
      'InvalidBlockDeviceMapping', 400, '/dev/sda1');
    await expectError(reg(registerInput('bad-arch', { Architecture: 'sparc' })),
      'InvalidParameterValue', 400, 'sparc');
    await expectError(reg(registerInput('dry-run', { DryRun: true })), 'DryRunOperation', 412);
    assert.deepEqual(await describe_(sellerA, { Filters: [{ Name: 'name', Values: ['dry-run'] }] }), []);
  });

  test('DescribeImages errors: NotFound with AWS\'s message, Malformed, bad filter, DryRun', async () => {
    const missing = 'ami-0123456789abcdef0';
    const err = await expectError(describe_(sellerA, { ImageIds: [missing] }), 'InvalidAMIID.NotFound', 400);
    assert.equal(err.message, `The image id '[${missing}]' does not exist`);
    await expectError(describe_(sellerA, { ImageIds: ['ami-nothex'] }), 'InvalidAMIID.Malformed', 400, 'ami-nothex');
    await expectError(describe_(sellerA, { Filters: [{ Name: 'colour', Values: ['red'] }] }),
      'InvalidParameterValue', 400, 'colour');
    await expectError(describe_(sellerA, { Owners: ['nobody'] }), 'InvalidUserID.Malformed', 400);
    await expectError(describe_(sellerA, { DryRun: true }), 'DryRunOperation', 412);
  });

  test('images are regional: us-west-2 images are invisible to calls signed for us-east-1', async () => {
    const west = await register(sellerA, 'west-only', {}, 'us-west-2');
    assert.ok(!ids(await describe_(sellerA, { Owners: ['self'] })).includes(west));
    await expectError(describe_(sellerA, { ImageIds: [west] }), 'InvalidAMIID.NotFound', 400, west);
    assert.deepEqual(ids(await describe_(sellerA, { ImageIds: [west] }, 'us-west-2')), [west]);
    await expectError(send(sellerA, new ec2.DeregisterImageCommand({ ImageId: west })),
      'InvalidAMIID.NotFound', 400);
  });

  test('one seller does not see or deregister another seller\'s images', async () => {
    const bImages = await describe_(sellerB, {});
    assert.ok(!ids(bImages).includes(imageId));
    assert.ok(bImages.every((i) => i.OwnerId === sellerB.AccountId));
    assert.deepEqual(await describe_(sellerB, { Owners: [sellerA.AccountId] }), []);
    await expectError(describe_(sellerB, { ImageIds: [imageId] }), 'InvalidAMIID.NotFound', 400, imageId);
    await expectError(send(sellerB, new ec2.DeregisterImageCommand({ ImageId: imageId })),
      'InvalidAMIID.NotFound', 400, imageId);
    assert.equal((await describe_(sellerA, { ImageIds: [imageId] }))[0].State, 'available');
  });

  test('DeregisterImage: Return true, then gone; again is InvalidAMIID.Unavailable; the name is free', async () => {
    const id = await register(sellerA, 'short-lived');
    await expectError(send(sellerA, new ec2.DeregisterImageCommand({ ImageId: id, DryRun: true })),
      'DryRunOperation', 412);
    const out = await send(sellerA, new ec2.DeregisterImageCommand({ ImageId: id }));
    assert.equal(out.Return, true);
    await expectError(describe_(sellerA, { ImageIds: [id] }), 'InvalidAMIID.NotFound', 400);
    await expectError(send(sellerA, new ec2.DeregisterImageCommand({ ImageId: id })),
      'InvalidAMIID.Unavailable', 400, id);
    await expectError(send(sellerA, new ec2.DeregisterImageCommand({ ImageId: 'ami-12' })),
      'InvalidAMIID.Malformed', 400);
    assert.match(await register(sellerA, 'short-lived'), AMI_ID);
  });

  test('authentication failures use EC2\'s codes', async () => {
    const forged = { AccessKeyId: sellerA.AccessKeyId, SecretAccessKey: 'not-the-secret' };
    await expectError(describe_(forged, {}), 'AuthFailure', 401,
      'AWS was not able to validate the provided access credentials');
    const unknown = { AccessKeyId: 'AKIAUNKNOWNUNKNOWN00', SecretAccessKey: 'x' };
    await expectError(describe_(unknown, {}), 'AuthFailure', 401);
    const unsigned = await rawEc2('Action=DescribeImages&Version=2016-11-15', { signed: false });
    assert.equal(unsigned.status, 401);
    assert.equal(xmlTag(unsigned.text, 'Code'), 'MissingAuthenticationToken');
  });

  test('the wire: XML namespace, error shape, unknown actions and parameters', async () => {
    let r = await rawEc2('Action=DescribeImages&Version=2016-11-15&Owner.1=self');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/xml/);
    assert.match(r.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<DescribeImagesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[^<]+<\/requestId><imagesSet>/);
    // The description's markup is escaped, never raw.
    assert.ok(r.text.includes('A &amp; B &lt;tags&gt; &quot;quoted&quot; &apos;single&apos;'));
    r = await rawEc2('Action=RunInstancez&Version=2016-11-15');
    assert.equal(r.status, 400);
    assert.match(r.text, /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>[^<]*RunInstancez[^<]*<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>/);
    r = await rawEc2('Action=DescribeImages&Version=2016-11-15&Colour=red');
    assert.equal(xmlTag(r.text, 'Code'), 'UnknownParameter');
    assert.match(xmlTag(r.text, 'Message'), /Colour/);
    r = await rawEc2('Version=2016-11-15');
    assert.equal(xmlTag(r.text, 'Code'), 'MissingAction');
  });
});

describe('EC2 images through the AWS CLI', () => {
  const aws = (creds, args, region = 'us-east-1') => {
    const r = spawnSync('aws', ['ec2', ...args, '--endpoint-url', server.endpoint, '--region', region,
      '--output', 'json'], { env: cliEnv(creds), encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    let json;
    try { json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined; } catch { json = undefined; }
    return { status: r.status, json, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (r) => {
    assert.equal(r.status, 0, `aws exited ${r.status}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
    return r.json;
  };
  const fails = (r, code) => {
    assert.ok([254, 255].includes(r.status), `aws should fail, exited ${r.status}: ${r.stdout}`);
    assert.match(r.stderr, new RegExp(`\\(${code.replace('.', '\\.')}\\)`), r.stderr);
  };
  const registerArgs = (name) => ['register-image', '--name', name, '--architecture', 'x86_64',
    '--root-device-name', '/dev/xvda', '--virtualization-type', 'hvm', '--ena-support',
    '--block-device-mappings',
    `DeviceName=/dev/xvda,Ebs={SnapshotId=${SNAPSHOT},VolumeSize=10,Encrypted=false,DeleteOnTermination=true}`];
  let seller, cliImage;

  before(() => {
    assert.ok(hasCli, 'the AWS CLI (`aws`) must be on PATH');
    seller = createAccount(server, 'SELLER', 'EC2 CLI Seller');
  });

  test('register-image, then describe-images --owners self', () => {
    cliImage = ok(aws(seller, registerArgs('cli image one'))).ImageId;
    assert.match(cliImage, AMI_ID);
    const out = ok(aws(seller, ['describe-images', '--owners', 'self']));
    assert.equal(out.Images.length, 1);
    const image = out.Images[0];
    assert.equal(image.ImageId, cliImage);
    assert.equal(image.Name, 'cli image one');
    assert.equal(image.OwnerId, seller.AccountId);
    assert.equal(image.BlockDeviceMappings[0].Ebs.VolumeSize, 10);
    assert.equal(image.BlockDeviceMappings[0].Ebs.Encrypted, false);
    assert.equal(image.EnaSupport, true);
  });

  test('describe-images --filters Name=name,Values=… and --image-ids', () => {
    const second = ok(aws(seller, registerArgs('cli image two'))).ImageId;
    let out = ok(aws(seller, ['describe-images', '--filters', 'Name=name,Values=cli image t*']));
    assert.deepEqual(ids(out.Images), [second]);
    out = ok(aws(seller, ['describe-images', '--filters', 'Name=name,Values=cli image one,cli image two']));
    assert.deepEqual(ids(out.Images), [cliImage, second].sort());
    out = ok(aws(seller, ['describe-images', '--image-ids', cliImage]));
    assert.deepEqual(ids(out.Images), [cliImage]);
    out = ok(aws(seller, ['describe-images', '--owners', 'aws-marketplace']));
    assert.deepEqual(out.Images, []);
  });

  test('errors exit non-zero with EC2\'s code', () => {
    fails(aws(seller, registerArgs('cli image one')), 'InvalidAMIName.Duplicate');
    fails(aws(seller, ['describe-images', '--image-ids', 'ami-0123456789abcdef0']), 'InvalidAMIID.NotFound');
    assert.match(aws(seller, ['describe-images', '--image-ids', 'ami-0123456789abcdef0']).stderr,
      /The image id '\[ami-0123456789abcdef0\]' does not exist/);
    fails(aws(seller, ['describe-images', '--filters', 'Name=colour,Values=red']), 'InvalidParameterValue');
    const bad = registerArgs('bad snapshot');
    bad[bad.length - 1] = 'DeviceName=/dev/xvda,Ebs={SnapshotId=snap-nothex}';
    fails(aws(seller, bad), 'InvalidSnapshotID.Malformed');
    fails(aws({ ...seller, SecretAccessKey: 'wrong' }, ['describe-images']), 'AuthFailure');
    fails(aws(seller, ['describe-images', '--dry-run']), 'DryRunOperation');
  });

  test('--region: an image registered in us-west-2 is not visible in us-east-1', () => {
    const west = ok(aws(seller, registerArgs('cli west image'), 'us-west-2')).ImageId;
    assert.deepEqual(ids(ok(aws(seller, ['describe-images', '--owners', 'self'], 'us-west-2')).Images), [west]);
    assert.ok(!ids(ok(aws(seller, ['describe-images', '--owners', 'self'])).Images).includes(west));
    fails(aws(seller, ['describe-images', '--image-ids', west]), 'InvalidAMIID.NotFound');
  });

  test('another seller sees none of them', () => {
    const out = ok(aws(sellerB, ['describe-images', '--owners', seller.AccountId]));
    assert.deepEqual(out.Images, []);
    fails(aws(sellerB, ['deregister-image', '--image-id', cliImage]), 'InvalidAMIID.NotFound');
  });

  test('deregister-image', () => {
    const out = aws(seller, ['deregister-image', '--image-id', cliImage]);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.json?.Return, true);
    assert.ok(!ids(ok(aws(seller, ['describe-images', '--owners', 'self'])).Images).includes(cliImage));
    fails(aws(seller, ['deregister-image', '--image-id', cliImage]), 'InvalidAMIID.Unavailable');
  });
});
