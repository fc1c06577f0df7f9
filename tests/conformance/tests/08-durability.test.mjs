// Durability: SIGTERM → exit 0 and everything survives a restart; `kill -9` with change sets in
// flight loses nothing acknowledged and applies every change set exactly once.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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
    assert.equal(products.length, k9Sets.length,
      `${products.length} products for ${k9Sets.length} change sets (${acked.length} acknowledged, ${unknown.length} unanswered)`);
    assert.deepEqual(products.map((p) => p.EntityId).sort(), [...productOfSet].sort());
    const byTitle = new Map();
    for (const p of products) byTitle.set(p.Name, (byTitle.get(p.Name) ?? 0) + 1);
    for (const a of [...acked, ...unknown]) {
      assert.equal(byTitle.get(a.title), 1, `exactly one product titled ${a.title}`);
    }
    // Each product got both changes of its set, once: revision 2 and complete information.
    const batch = [];
    for (let i = 0; i < productOfSet.length; i += 20) {
      const out = await call(client, 'BatchDescribeEntities', {
        EntityRequestList: productOfSet.slice(i, i + 20).map((EntityId) => ({ Catalog: CATALOG, EntityId })) });
      assert.deepEqual(out.Errors ?? {}, {});
      batch.push(...Object.values(out.EntityDetails));
    }
    for (const e of batch) {
      assert.equal(revOf(e.EntityIdentifier), 2, `${e.EntityIdentifier}: created and updated exactly once`);
      assert.equal(e.DetailsDocument.Description.ShortDescription, fullInformation().ShortDescription);
    }
    // And the server keeps working normally.
    await applyChangeSet(client, [updateInformationChange(idOf(productOfSet[0]), { ShortDescription: 'alive' })]);
    console.log(`# kill -9: ${acked.length} acknowledged, ${unknown.length} unanswered, ${products.length} products`);
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
