import net from 'node:net';
// Starting and stopping a real `amiplace serve` process, plus the clients the tests talk to it
// with: the official AWS SDK v3 Catalog client, the AWS CLI, and amiplace's own CLI.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as catalog from '@aws-sdk/client-marketplace-catalog';

const here = path.dirname(fileURLToPath(import.meta.url));

// The pinned SDK warns on every run that later releases will need Node 22; Node 20 is what we run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const AMIPLACE_BIN = process.env.AMIPLACE_BIN
  ? path.resolve(process.env.AMIPLACE_BIN)
  : path.resolve(here, '../../../build/amiplace');

export const REGION = 'us-east-1';
export const READY_RE = /^amiplace listening on (http:\/\/[^\s]+)$/;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;

const live = new Set(); // child processes still running
const tmpDirs = new Set();

process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  if (!process.env.AMIPLACE_KEEP_DATA) {
    for (const dir of tmpDirs) {
      try { rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
    }
  }
});

export function freshDataDir(label = 'data') {
  const dir = mkdtempSync(path.join(tmpdir(), `amiplace-conf-${label}-`));
  tmpDirs.add(dir);
  return dir;
}

function tail(text, n = 4000) {
  return text.length > n ? '…' + text.slice(-n) : text;
}

// Spawns one `amiplace serve` and resolves once it printed its ready line.
function spawnServer(dataDir, extraArgs) {
  const args = ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...extraArgs];
  const child = spawn(AMIPLACE_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const state = { child, stdout: '', stderr: '', exited: null };
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      state.exited = { code, signal };
      resolve(state.exited);
    });
  });
  state.exitedPromise = exited;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    state.stderr += d;
    if (state.stderr.length > 1_000_000) state.stderr = state.stderr.slice(-500_000);
  });
  child.stdout.setEncoding('utf8');
  const ready = new Promise((resolve, reject) => {
    let buffered = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`amiplace did not print its ready line within ${READY_TIMEOUT_MS} ms\n` +
        `command: ${AMIPLACE_BIN} ${args.join(' ')}\nstdout: ${tail(state.stdout)}\nstderr: ${tail(state.stderr)}`));
    }, READY_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      state.stdout += d;
      if (done) return;
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        const m = READY_RE.exec(line);
        if (m) {
          done = true;
          clearTimeout(timer);
          resolve(m[1]);
          return;
        }
      }
    });
    child.on('error', (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`cannot start ${AMIPLACE_BIN}: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`amiplace exited (code ${code}, signal ${signal}) before it was ready\n` +
        `command: ${AMIPLACE_BIN} ${args.join(' ')}\nstdout: ${tail(state.stdout)}\nstderr: ${tail(state.stderr)}`));
    });
  });
  return { state, ready };
}

function readOperator(dataDir) {
  const file = path.join(dataDir, 'operator.json');
  const operator = JSON.parse(readFileSync(file, 'utf8'));
  for (const k of ['AccountId', 'AccessKeyId', 'SecretAccessKey']) {
    assert.equal(typeof operator[k], 'string', `operator.json lacks ${k}`);
  }
  return operator;
}

/** A TCP port that is free now (for --imds-port). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '0.0.0.0', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `$AMIPLACE_BIN serve --data <fresh tmp dir> --listen 127.0.0.1:0 --request-quotas off [args]`.
 * Returns {endpoint, dataDir, operator, stop(), kill9(), restart(), stderr(), pid}.
 * After restart() the endpoint changes (a new free port), so make new clients.
 */
export async function startServer({ args = [], dataDir, requestQuotas = 'off' } = {}) {
  const dir = dataDir ?? freshDataDir();
  // AWS's per-second request quotas (ThrottlingException) would make most tests about timing;
  // they are off unless a test asks for them (requestQuotas: 'aws', or null for the default).
  const quotaArgs = requestQuotas ? ['--request-quotas', requestQuotas] : [];
  // Each server gets its own metadata-service port, so that several can run at once.
  const imdsPort = args.includes('--imds-port') ? Number(args[args.indexOf('--imds-port') + 1]) : await freePort();
  const imdsArgs = args.includes('--imds-port') ? [] : ['--imds-port', String(imdsPort)];
  const server = {
    dataDir: dir,
    imdsPort,
    args: [...quotaArgs, ...imdsArgs, ...args],
    endpoint: null,
    operator: null,
    _state: null,
    get pid() { return this._state?.child.pid; },
    stderr() { return this._state ? this._state.stderr : ''; },
    describe() {
      return `server ${this.endpoint} (data ${this.dataDir})\nstderr:\n${tail(this.stderr())}`;
    },
    async _start(extra) {
      const { state, ready } = spawnServer(this.dataDir, extra ?? this.args);
      this._state = state;
      this.endpoint = await ready;
      this.operator = readOperator(this.dataDir);
      return this;
    },
    // SIGTERM, wait for exit, assert it exited 0.
    async stop() {
      const st = this._state;
      if (!st || st.exited) {
        if (st?.exited) {
          assert.equal(st.exited.code, 0,
            `amiplace had already exited with ${JSON.stringify(st.exited)}\n${this.describe()}`);
        }
        return st?.exited;
      }
      st.child.kill('SIGTERM');
      let timer;
      const res = await Promise.race([st.exitedPromise,
        new Promise((resolve) => { timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); })]);
      clearTimeout(timer);
      if (!res) {
        st.child.kill('SIGKILL');
        await st.exitedPromise;
        assert.fail(`amiplace did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n${this.describe()}`);
      }
      assert.deepEqual(res, { code: 0, signal: null },
        `amiplace should exit 0 on SIGTERM, got ${JSON.stringify(res)}\n${this.describe()}`);
      return res;
    },
    async kill9() {
      const st = this._state;
      if (!st || st.exited) return st?.exited;
      st.child.kill('SIGKILL');
      return st.exitedPromise;
    },
    // Starts a new process on the same data directory (stop() or kill9() it first).
    async restart(extra) {
      if (this._state && !this._state.exited) await this.stop();
      return this._start(extra);
    },
  };
  return server._start();
}

// ---------------------------------------------------------------------------------------------
// amiplace's own CLI

export function runAmiplace(args, { creds, env = {} } = {}) {
  const e = { ...process.env, ...env };
  delete e.AWS_PROFILE;
  delete e.AWS_SESSION_TOKEN;
  if (creds) {
    e.AWS_ACCESS_KEY_ID = creds.AccessKeyId ?? creds.accessKeyId;
    e.AWS_SECRET_ACCESS_KEY = creds.SecretAccessKey ?? creds.secretAccessKey;
  }
  const r = spawnSync(AMIPLACE_BIN, args, { env: e, encoding: 'utf8', timeout: 30_000 });
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json };
}

/** `amiplace admin create-account` with the operator's credentials. */
export function createAccount(server, type, name, { creds } = {}) {
  const r = runAmiplace(
    ['admin', 'create-account', '--type', type, '--name', name, '--endpoint-url', server.endpoint],
    { creds: creds ?? server.operator });
  assert.equal(r.status, 0,
    `amiplace admin create-account --type ${type} failed (exit ${r.status})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.ok(r.json, `create-account printed no JSON: ${r.stdout}`);
  return r.json;
}

// ---------------------------------------------------------------------------------------------
// The official SDK

function sdkCreds(creds) {
  return {
    accessKeyId: creds.AccessKeyId ?? creds.accessKeyId,
    secretAccessKey: creds.SecretAccessKey ?? creds.secretAccessKey,
  };
}

export function catalogClient(server, creds, extra = {}) {
  return new catalog.MarketplaceCatalogClient({
    endpoint: server.endpoint,
    region: REGION,
    credentials: sdkCreds(creds),
    maxAttempts: 1,
    ...extra,
  });
}

/** call(client, 'DescribeEntity', {...}) → client.send(new DescribeEntityCommand({...})) */
export function call(client, op, input) {
  const Cmd = catalog[`${op}Command`];
  if (!Cmd) throw new Error(`no such command ${op}`);
  return client.send(new Cmd(input));
}

export { catalog };

/**
 * Asserts that `promise` rejects with the given error name and HTTP status, and that the
 * message matches every regexp/string in `mentions` (strings are matched literally).
 */
export async function expectError(promise, name, status, ...mentions) {
  let err;
  try {
    const out = await promise;
    assert.fail(`expected ${name} (${status}) but the call succeeded: ${JSON.stringify(stripMeta(out))}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  const got = `${err.name} (${err.$metadata?.httpStatusCode}): ${err.message}`;
  assert.equal(err.name, name, `expected error ${name}, got ${got}`);
  assert.equal(err.$metadata?.httpStatusCode, status, `expected HTTP ${status}, got ${got}`);
  for (const m of mentions) {
    if (m instanceof RegExp) assert.match(err.message ?? '', m, `message should match ${m}: ${got}`);
    else assert.ok((err.message ?? '').includes(m), `message should name ${JSON.stringify(m)}: ${got}`);
  }
  return err;
}

export function stripMeta(out) {
  if (!out || typeof out !== 'object') return out;
  const { $metadata, ...rest } = out;
  return rest;
}

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Polls DescribeChangeSet until its Status is one of `statuses` (default: terminal). */
export async function waitForChangeSet(client, id, statuses = TERMINAL, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await call(client, 'DescribeChangeSet', { Catalog: 'AWSMarketplace', ChangeSetId: id });
    if (statuses.includes(last.Status)) return last;
    if (Date.now() > deadline) {
      assert.fail(`change set ${id} still ${last.Status} after ${timeoutMs} ms (waiting for ${statuses.join('/')})`);
    }
    await sleep(40);
  }
}

// ---------------------------------------------------------------------------------------------
// The AWS CLI

export function cliEnv(creds) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('AWS_')) delete env[k];
  }
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: creds.AccessKeyId ?? creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey ?? creds.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return env;
}

/** aws marketplace-catalog ARGS --endpoint-url URL --region us-east-1 --output json */
export function awsCli(server, creds, args) {
  const r = spawnSync('aws',
    ['marketplace-catalog', ...args, '--endpoint-url', server.endpoint, '--region', REGION, '--output', 'json'],
    { env: cliEnv(creds), encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  let json;
  try { json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined; } catch { json = undefined; }
  return { status: r.status, json, stdout: r.stdout, stderr: r.stderr };
}

export { sleep };
export function binExists() { return existsSync(AMIPLACE_BIN); }
