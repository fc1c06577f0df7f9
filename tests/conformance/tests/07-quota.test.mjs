// AWS's quota of 250 open StartChangeSet requests per account: the 251st is
// ServiceQuotaExceededException (402). The server holds sets in PREPARING for 60 s so they stay open.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, createAccount, catalogClient, call, expectError, waitForChangeSet } from '../lib/server.mjs';
import { CATALOG, createProductChange, startChangeSet } from '../lib/fixtures.mjs';

const QUOTA = 250;
let server, seller, client, other;

before(async () => {
  server = await startServer({ args: ['--processing-delay', '60s'] });
  seller = createAccount(server, 'SELLER', 'Busy Seller');
  other = createAccount(server, 'SELLER', 'Quiet Seller');
  client = catalogClient(server, seller);
});
after(async () => {
  // Shutting down with 250 sets parked in PREPARING must still be prompt and clean.
  const t0 = Date.now();
  await server?.stop();
  assert.ok(Date.now() - t0 < 15_000, `SIGTERM took ${Date.now() - t0} ms with parked change sets`);
});

describe('ServiceQuotaExceededException', () => {
  const opened = [];

  test(`${QUOTA} open change sets are accepted`, async () => {
    let next = 0;
    const worker = async () => {
      while (next < QUOTA) {
        const i = next++;
        const out = await startChangeSet(client, [createProductChange(`Quota ${i}`)]);
        opened.push(out.ChangeSetId);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.equal(opened.length, QUOTA);
    const d = await call(client, 'DescribeChangeSet', { Catalog: CATALOG, ChangeSetId: opened[0] });
    assert.equal(d.Status, 'PREPARING');
  });

  test(`the ${QUOTA + 1}st open change set is 402 ServiceQuotaExceededException`, async () => {
    await expectError(startChangeSet(client, [createProductChange('One Too Many')]), 'ServiceQuotaExceededException', 402);
  });

  test('another seller is not affected by this seller\'s quota', async () => {
    const out = await startChangeSet(catalogClient(server, other), [createProductChange('Other Seller Product')]);
    assert.ok(out.ChangeSetId);
  });

  test('cancelling one open set makes room for one more', async () => {
    await call(client, 'CancelChangeSet', { Catalog: CATALOG, ChangeSetId: opened[0] });
    assert.equal((await waitForChangeSet(client, opened[0])).Status, 'CANCELLED');
    const out = await startChangeSet(client, [createProductChange('Room Again')]);
    assert.ok(out.ChangeSetId);
    await expectError(startChangeSet(client, [createProductChange('Full Again')]), 'ServiceQuotaExceededException', 402);
  });
});
