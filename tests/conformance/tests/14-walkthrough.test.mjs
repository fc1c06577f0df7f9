// The README's walk-through (examples/walkthrough.sh) runs end to end: a seller lists a complete
// product with the AWS CLI, the operators approve it, a buyer subscribes and launches, and the
// seller's example program verifies the instance through its metadata service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('examples/walkthrough.sh runs from listing to a verified instance', () => {
  const r = spawnSync('bash', [path.join(root, 'examples/walkthrough.sh')], {
    encoding: 'utf8', timeout: 180_000, env: { ...process.env },
  });
  assert.equal(r.status, 0, `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /OK: instance i-[0-9a-f]{17} runs marketplace product [a-z0-9]{25}/);
  assert.match(r.stdout, /walk-through complete/);
});
