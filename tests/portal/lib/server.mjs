// Starting a real `amiplace serve` for the browser tests (as tests/conformance does, without
// depending on that suite's node_modules), and the set-up calls the tests make outside the
// portal: accounts, the simulated clock and reports through amiplace's CLI, seller images and
// buyer instances through the official EC2 client.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import * as ec2 from '@aws-sdk/client-ec2';
import { startWebFromDisk } from './web-from-disk.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = path.dirname(fileURLToPath(import.meta.url));
export const AMIPLACE_BIN = process.env.AMIPLACE_BIN
  ? path.resolve(process.env.AMIPLACE_BIN)
  : path.resolve(here, '../../../build/amiplace');
const READY_RE = /^amiplace listening on (http:\/\/\S+)$/;

const live = new Set();
const dirs = new Set();
process.on('exit', () => {
  for (const c of live) { try { c.kill('SIGKILL'); } catch { /* gone */ } }
  if (!process.env.AMIPLACE_KEEP_DATA) for (const d of dirs) { try { rmSync(d, { recursive: true, force: true }); } catch { /* ignore */ } }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/**
 * Starts `amiplace serve` on a fresh store; AWS's request quotas are off unless asked for
 * (`requestQuotas: 'aws'`, as `make run` has them). Returns {endpoint (the server), portal (the URL of
 * /portal/), operator, dataDir, stop(), stderr()}.
 */
export async function startServer({ args = [], requestQuotas = 'off' } = {}) {
  assert.ok(existsSync(AMIPLACE_BIN), `no amiplace binary at ${AMIPLACE_BIN} (run make build, or set AMIPLACE_BIN)`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'amiplace-portal-'));
  dirs.add(dataDir);
  const imds = await freePort();
  const argv = ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', '--imds-port', String(imds), '--request-quotas', requestQuotas, ...args];
  const child = spawn(AMIPLACE_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-200_000); });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => { live.delete(child); resolve({ code, signal }); }));
  const endpoint = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`amiplace not ready in 20 s\n${stderr}`)); }, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      for (const line of buf.split('\n')) {
        const m = READY_RE.exec(line.trim());
        if (m) { clearTimeout(timer); resolve(m[1]); }
      }
    });
    exited.then((x) => { clearTimeout(timer); reject(new Error(`amiplace exited ${JSON.stringify(x)} before it was ready\n${stderr}`)); });
  });
  const operator = JSON.parse(readFileSync(path.join(dataDir, 'operator.json'), 'utf8'));
  const front = process.env.PORTAL_WEB_FROM_DISK === '1' ? await startWebFromDisk(endpoint) : null;
  const base = front ? front.endpoint : endpoint;
  return {
    endpoint,
    portal: `${base}/portal/`,
    base,
    operator,
    dataDir,
    stderr: () => stderr,
    async stop() {
      await front?.close();
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// amiplace's CLI

export function cli(server, creds, args) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  const r = spawnSync(AMIPLACE_BIN, [...args, '--endpoint-url', server.endpoint], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `amiplace ${args.join(' ')} failed (exit ${r.status})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export const createAccount = (server, type, name) =>
  cli(server, server.operator, ['admin', 'create-account', '--type', type, '--name', name]);

export const advanceClock = (server, hours) =>
  cli(server, server.operator, ['admin', 'advance-clock', '--hours', String(hours)]).Now;

export const dailyBusiness = (server, seller, date) =>
  cli(server, seller, ['seller', 'report', '--type', 'daily-business', '--date', date]);

// ---------------------------------------------------------------------------------------------
// EC2 through the official client

const clients = new Map();
export function ec2Client(server, creds, region = 'us-east-1') {
  const key = `${server.endpoint}|${creds.AccessKeyId}|${region}`;
  if (!clients.has(key)) {
    clients.set(key, new ec2.EC2Client({ endpoint: server.endpoint, region, maxAttempts: 1,
      credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey } }));
  }
  return clients.get(key);
}
export function destroyClients() { for (const c of clients.values()) c.destroy(); clients.clear(); }

/** RegisterImage of a seller's own AMI in us-east-1 (x86_64, hvm, unencrypted EBS root). */
export async function registerImage(server, seller, name) {
  const out = await ec2Client(server, seller).send(new ec2.RegisterImageCommand({
    Name: name, Architecture: 'x86_64', VirtualizationType: 'hvm', RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123456789abcdef0', Encrypted: false } }],
  }));
  return out.ImageId;
}

/** RunInstances as a buyer; waits until the instance is running. */
export async function runInstance(server, buyer, imageId, instanceType = 't3.micro', region = 'us-east-1') {
  const client = ec2Client(server, buyer, region);
  const out = await client.send(new ec2.RunInstancesCommand({ ImageId: imageId, InstanceType: instanceType, MinCount: 1, MaxCount: 1 }));
  const id = out.Instances[0].InstanceId;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const d = await client.send(new ec2.DescribeInstancesCommand({ InstanceIds: [id] }));
    const state = d.Reservations?.[0]?.Instances?.[0]?.State?.Name;
    if (state === 'running') return d.Reservations[0].Instances[0];
    assert.ok(Date.now() < deadline, `instance ${id} still ${state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
