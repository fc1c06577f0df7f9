// Durability: SIGTERM → exit 0 and everything survives a restart; `kill -9` with change sets in
// flight loses nothing acknowledged and applies every change set exactly once.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  startServer, createAccount, catalogClient, call, expectError, waitForChangeSet, runAmiplace, sleep,
} from '../lib/server.mjs';
import {
  CATALOG, idOf, revOf, fullInformation, createProductChange, updateInformationChange, startChangeSet,
  applyChangeSet, createFilledProduct, describeEntity, listAllEntities, listAllChangeSets,
} from '../lib/fixtures.mjs';

const servers = [];
after(async () => {
  for (const s of servers) {
    try { await s.stop(); } catch (e) { console.error(`stopping ${s.endpoint}: ${e.message}`); }
  }
});

async function started(args) {
  const s = await startServer({ args });
  servers.push(s);
  return s;
}

const operatorFile = (s) => path.join(s.dataDir, 'operator.json');

describe('SIGTERM and restart', () => {
  test('SIGTERM exits 0; data, accounts, tags and policies survive; operator.json is kept', async () => {
    const server = await started([]);
    const opBefore = readFileSync(operatorFile(server), 'utf8');
    assert.equal(statSync(operatorFile(server)).mode & 0o777, 0o600, 'operator.json has mode 0600');
    const seller = createAccount(server, 'SELLER', 'Durable Seller');
    let client = catalogClient(server, seller);
    const productId = await createFilledProduct(client, 'Durable Product');
    const arn = `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/AmiProduct/${productId}`;
    await call(client, 'TagResource', { ResourceArn: arn, Tags: [{ Key: 'keep', Value: 'me' }] });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    await call(client, 'PutResourcePolicy', { ResourceArn: arn, Policy: policy });
    const entityBefore = await describeEntity(client, productId);
    const setsBefore = await listAllChangeSets(client);

    await server.stop(); // asserts exit code 0
    await server.restart();

    assert.equal(readFileSync(operatorFile(server), 'utf8'), opBefore, 'operator.json not overwritten');
    client = catalogClient(server, seller); // new port
    const entityAfter = await describeEntity(client, productId);
    assert.deepEqual({ ...entityAfter, $metadata: undefined }, { ...entityBefore, $metadata: undefined });
    assert.deepEqual(await listAllChangeSets(client), setsBefore);
    assert.deepEqual((await call(client, 'ListTagsForResource', { ResourceArn: arn })).Tags, [{ Key: 'keep', Value: 'me' }]);
    assert.deepEqual(JSON.parse((await call(client, 'GetResourcePolicy', { ResourceArn: arn })).Policy), JSON.parse(policy));
    // The operator and the seller still authenticate; new work still works, revisions go on.
    const buyer = createAccount(server, 'BUYER', 'After Restart');
    assert.notEqual(buyer.AccountId, seller.AccountId);
    await applyChangeSet(client, [updateInformationChange(`${productId}@2`, { ShortDescription: 'after restart' })]);
    assert.equal((await describeEntity(client, productId)).EntityIdentifier, `${productId}@3`);
  });

  test('SIGTERM exits promptly even with idle and half-sent connections open', async () => {
    const server = await started([]);
    const url = new URL(server.endpoint);
    const sockets = [];
    for (let i = 0; i < 5; i++) {
      const sock = net.connect(Number(url.port), '127.0.0.1', () => sock.write(
        `POST /ListEntities HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 100\r\n\r\n{"Cat`));
      sock.on('error', () => {});
      sockets.push(sock);
    }
    const idle = net.connect(Number(url.port), '127.0.0.1');
    idle.on('error', () => {});
    sockets.push(idle);
    await sleep(300);
    const t0 = Date.now();
    await server.stop(); // asserts exit 0
    assert.ok(Date.now() - t0 < 10_000, `SIGTERM took ${Date.now() - t0} ms`);
    for (const sock of sockets) sock.destroy();
  });

  test('a change set still PREPARING at SIGTERM is finished after restart, exactly once', async () => {
    const server = await started(['--processing-delay', '2s']);
    const seller = createAccount(server, 'SELLER', 'Parked Seller');
    let client = catalogClient(server, seller);
    const out = await startChangeSet(client, [createProductChange('Parked Product')]);
    const t0 = Date.now();
    await server.stop();
    assert.ok(Date.now() - t0 < 10_000, 'SIGTERM is handled promptly');
    await server.restart();
    client = catalogClient(server, seller);
    const d = await waitForChangeSet(client, out.ChangeSetId);
    assert.equal(d.Status, 'SUCCEEDED');
    const products = await listAllEntities(client);
    assert.equal(products.filter((p) => p.Name === 'Parked Product').length, 1);
    assert.equal(products.length, 1);
  });
});

describe('kill -9 with change sets in flight', () => {
  test('every acknowledged change set survives and SUCCEEDS exactly once; unacknowledged ones at most once', async () => {
    const server = await started(['--processing-delay', '100ms']);
    const seller = createAccount(server, 'SELLER', 'Crash Seller');
    // Acknowledged non-change-set writes just before the crash must survive too.
    const warm = catalogClient(server, seller);
    const tagged = await createFilledProduct(warm, 'Tagged Before Crash');
    const taggedArn = `arn:aws:aws-marketplace:us-east-1:${seller.AccountId}:AWSMarketplace/AmiProduct/${tagged}`;

    const CLIENTS = 8;
    const RUN_MS = 2000;
    const KILL_AT_MS = 1200;
    const acked = []; // {token, title, ChangeSetId}
    const unknown = []; // requests that got no answer: {token, title}
    const bodyFor = (title) => [
      createProductChange(title, 'CreateProductChange'),
      updateInformationChange('$CreateProductChange.Entity.Identifier', fullInformation({ ProductTitle: title })),
    ];
    let killed = false;
    const t0 = Date.now();

    const loop = async (c) => {
      const client = catalogClient(server, seller);
      for (let n = 0; Date.now() - t0 < RUN_MS; n++) {
        const title = `K9 c${c} n${n}`;
        const token = randomUUID();
        try {
          const out = await startChangeSet(client, bodyFor(title), { ClientRequestToken: token });
          acked.push({ token, title, ChangeSetId: out.ChangeSetId });
        } catch (err) {
          if (!killed) throw err;
          unknown.push({ token, title, error: err.name });
          return;
        }
      }
    };
    const killer = (async () => {
      await sleep(KILL_AT_MS - 200);
      await call(warm, 'TagResource', { ResourceArn: taggedArn, Tags: [{ Key: 'crash', Value: 'survives' }] });
      await sleep(200);
      killed = true;
      await server.kill9();
    })();
    await Promise.all([killer, ...Array.from({ length: CLIENTS }, (_, c) => loop(c))]);
    assert.ok(acked.length >= CLIENTS, `only ${acked.length} change sets were acknowledged before the kill`);

    await server.restart();
    const client = catalogClient(server, seller);
    const open = await listAllChangeSets(client, { FilterList: [{ Name: 'Status', ValueList: ['PREPARING', 'APPLYING'] }] });

    // Acknowledged writes survived.
    const tags = await call(client, 'ListTagsForResource', { ResourceArn: taggedArn });
    assert.deepEqual(tags.Tags, [{ Key: 'crash', Value: 'survives' }]);

    // Every acknowledged change set exists and ends SUCCEEDED.
    const described = [];
    for (let i = 0; i < acked.length; i += 16) {
      described.push(...await Promise.all(acked.slice(i, i + 16).map((a) =>
        waitForChangeSet(client, a.ChangeSetId, ['SUCCEEDED', 'FAILED', 'CANCELLED'], 30_000))));
    }
    const notOk = described.filter((d) => d.Status !== 'SUCCEEDED');
    assert.deepEqual(notOk.map((d) => `${d.ChangeSetId}: ${d.Status} ${d.FailureCode ?? ''}`), []);

    // A replayed ClientRequestToken still returns the first answer after the crash.
    for (const a of acked.slice(0, 5)) {
      const again = await startChangeSet(client, bodyFor(a.title), { ClientRequestToken: a.token });
      assert.equal(again.ChangeSetId, a.ChangeSetId, 'replay after crash returns the acknowledged change set');
    }
    // Requests that got no answer: replaying them applies them at most once.
    const replayed = [];
    for (const u of unknown) {
      const again = await startChangeSet(client, bodyFor(u.title), { ClientRequestToken: u.token });
      replayed.push(again.ChangeSetId);
    }
    for (const id of replayed) assert.equal((await waitForChangeSet(client, id, undefined, 30_000)).Status, 'SUCCEEDED');

    // Exactly one product per change set, complete (both changes applied, once each).
    const sets = await listAllChangeSets(client);
    const k9Sets = sets.filter((s) => s.ChangeSetId !== undefined && !s.EntityIdList?.includes(tagged));
    const setById = new Map(k9Sets.map((s) => [s.ChangeSetId, s]));
    for (const a of acked) {
      const s = setById.get(a.ChangeSetId);
      assert.ok(s, `acknowledged change set ${a.ChangeSetId} missing from ListChangeSets`);
      assert.equal(s.Status, 'SUCCEEDED');
      assert.equal(s.EntityIdList?.length, 1, `${a.ChangeSetId} EntityIdList ${JSON.stringify(s.EntityIdList)}`);
    }
    for (const s of k9Sets) assert.equal(s.Status, 'SUCCEEDED', `change set ${s.ChangeSetId} is ${s.Status}`);
    const productOfSet = k9Sets.map((s) => s.EntityIdList[0]);
    assert.equal(new Set(productOfSet).size, productOfSet.length, 'no two change sets name the same product');

    const products = (await listAllEntities(client)).filter((p) => p.EntityId !== tagged);
    const titleOf = new Map(products.map((p) => [p.EntityId, p.Name]));
    assert.equal(products.length, k9Sets.length,
      `${products.length} products for ${k9Sets.length} change sets (${acked.length} acknowledged, ${unknown.length} unanswered)`);
    assert.deepEqual(products.map((p) => p.EntityId).sort(), [...productOfSet].sort());
    const byTitle = new Map();
    for (const p of products) byTitle.set(p.Name, (byTitle.get(p.Name) ?? 0) + 1);
    for (const a of [...acked, ...unknown]) {
      assert.equal(byTitle.get(a.title), 1, `exactly one product titled ${a.title}`);
    }
    // Each product got both changes of its set, once: complete information, and the revision of
    // one applied change set (amiplace bumps a revision once per set; a created entity starts at 1).
    const batch = [];
    for (let i = 0; i < productOfSet.length; i += 20) {
      const out = await call(client, 'BatchDescribeEntities', {
        EntityRequestList: productOfSet.slice(i, i + 20).map((EntityId) => ({ Catalog: CATALOG, EntityId })) });
      assert.deepEqual(out.Errors ?? {}, {});
      batch.push(...Object.values(out.EntityDetails));
    }
    for (const e of batch) {
      assert.equal(revOf(e.EntityIdentifier), 1, `${e.EntityIdentifier}: one change set applied exactly once`);
      assert.equal(e.DetailsDocument.Description.ShortDescription, fullInformation().ShortDescription,
        `${e.EntityIdentifier}: both changes of its set applied`);
      assert.equal(e.DetailsDocument.Description.ProductTitle, titleOf.get(idOf(e.EntityArn.split('/').pop())));
    }
    // And the server keeps working normally.
    await applyChangeSet(client, [updateInformationChange(idOf(productOfSet[0]), { ShortDescription: 'alive' })]);
    console.log(`# kill -9: ${acked.length} acknowledged (${open.length} still open at restart), ` +
      `${unknown.length} unanswered, ${products.length} products`);
  });

  test('kill -9 amid UpdateInformation chains: each acknowledged update applies exactly once', async () => {
    const server = await started([]);
    const seller = createAccount(server, 'SELLER', 'Update Crash Seller');
    const setup = catalogClient(server, seller);
    const CLIENTS = 4;
    const products = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => createFilledProduct(setup, `Chain ${i}`)));
    const acked = products.map(() => []); // per product: [{token, sku, ChangeSetId}]
    const unknown = products.map(() => null);
    let killed = false;
    const t0 = Date.now();
    const loop = async (i) => {
      const client = catalogClient(server, seller);
      for (let n = 0; Date.now() - t0 < 2000; n++) {
        const sku = `SKU-${i}-${n}`;
        const token = randomUUID();
        let out;
        try {
          out = await startChangeSet(client, [updateInformationChange(products[i], { Sku: sku })], { ClientRequestToken: token });
        } catch (err) {
          if (!killed) throw err;
          unknown[i] = { token, sku };
          return;
        }
        acked[i].push({ token, sku, ChangeSetId: out.ChangeSetId });
        try {
          const d = await waitForChangeSet(client, out.ChangeSetId);
          assert.equal(d.Status, 'SUCCEEDED');
        } catch (err) {
          if (!killed) throw err;
          return;
        }
      }
    };
    const killer = (async () => { await sleep(800); killed = true; await server.kill9(); })();
    await Promise.all([killer, ...products.map((_, i) => loop(i))]);
    await server.restart();
    const client = catalogClient(server, seller);
    for (let i = 0; i < CLIENTS; i++) {
      assert.ok(acked[i].length >= 2, `client ${i}: only ${acked[i].length} updates before the kill`);
      for (const a of acked[i]) assert.equal((await waitForChangeSet(client, a.ChangeSetId)).Status, 'SUCCEEDED');
      let expectedSku = acked[i].at(-1).sku;
      let applied = acked[i].length;
      if (unknown[i]) { // its outcome was unknown: replaying the token applies it at most once more
        const again = await startChangeSet(client, [updateInformationChange(products[i], { Sku: unknown[i].sku })],
          { ClientRequestToken: unknown[i].token });
        assert.equal((await waitForChangeSet(client, again.ChangeSetId)).Status, 'SUCCEEDED');
        expectedSku = unknown[i].sku;
        applied += 1;
      }
      const e = await describeEntity(client, products[i]);
      assert.equal(e.DetailsDocument.Description.Sku, expectedSku);
      assert.equal(e.EntityIdentifier, `${products[i]}@${2 + applied}`, `product ${i}: ${applied} updates after rev 2`);
      const sets = await listAllChangeSets(client, { FilterList: [{ Name: 'EntityId', ValueList: [products[i]] }] });
      assert.equal(sets.length, 2 + applied, `product ${i}: change sets that touched it`);
      assert.ok(sets.every((s) => s.Status === 'SUCCEEDED'));
    }
  });

  test('SIGTERM amid StartChangeSet traffic: exit 0, every acknowledged set SUCCEEDS once after restart', async () => {
    const server = await started(['--processing-delay', '100ms']);
    const seller = createAccount(server, 'SELLER', 'Term Seller');
    const acked = [];
    let stopping = false;
    const t0 = Date.now();
    const loop = async (c) => {
      const client = catalogClient(server, seller);
      for (let n = 0; Date.now() - t0 < 2000; n++) {
        try {
          const out = await startChangeSet(client, [createProductChange(`TERM c${c} n${n}`)]);
          acked.push(out.ChangeSetId);
        } catch (err) {
          if (!stopping) throw err;
          return;
        }
      }
    };
    const stopper = (async () => { await sleep(700); stopping = true; await server.stop(); })();
    await Promise.all([stopper, ...Array.from({ length: 6 }, (_, c) => loop(c))]);
    await server.restart();
    const client = catalogClient(server, seller);
    for (const id of acked) assert.equal((await waitForChangeSet(client, id)).Status, 'SUCCEEDED');
    const sets = await listAllChangeSets(client);
    const products = await listAllEntities(client);
    assert.equal(products.length, sets.length, 'one product per change set');
    assert.ok(sets.length >= acked.length);
    assert.equal(new Set(products.map((p) => p.Name)).size, products.length, 'no title applied twice');
  });

  test('kill -9 right after SUCCEEDED loses nothing, twice in a row', async () => {
    const server = await started([]);
    const seller = createAccount(server, 'SELLER', 'Twice Seller');
    let client = catalogClient(server, seller);
    const id = await createFilledProduct(client, 'Twice Killed');
    await server.kill9();
    await server.restart();
    client = catalogClient(server, seller);
    assert.equal((await describeEntity(client, id)).EntityIdentifier, `${id}@2`);
    await applyChangeSet(client, [updateInformationChange(id, { Sku: 'SKU-AFTER' })]);
    await server.kill9();
    await server.restart();
    client = catalogClient(server, seller);
    const e = await describeEntity(client, id);
    assert.equal(e.EntityIdentifier, `${id}@3`);
    assert.equal(e.DetailsDocument.Description.Sku, 'SKU-AFTER');
    await expectError(startChangeSet(client, [updateInformationChange(`${id}@2`, { Sku: 'stale' })]),
      'ValidationException', 422);
    const r = runAmiplace(['admin', 'create-account', '--type', 'BUYER', '--name', 'post-crash', '--endpoint-url', server.endpoint],
      { creds: server.operator });
    assert.equal(r.status, 0, r.stderr);
  });
});
