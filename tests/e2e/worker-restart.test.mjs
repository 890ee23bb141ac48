// A --dev node killed (-9) while its off-chain worker is draining its ingestion queue:
// restarted on its own data, the worker picks the queue up where it was and registers
// every queued record exactly once.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex, stringToU8a } from '@polkadot/util';
import { startDevNode, waitFor, runCli } from '../lib/nodes.mjs';

let alice, bob;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
});

test("a node killed while its worker drains the queue resumes it after restart, registering each record once", async () => {
  let node = await startDevNode();
  try {
    await node.rpc('author_insertKey', ['medr', '//Alice', u8aToHex(alice.publicKey)]);
    const provisioned = await runCli(['records', 'provision-worker', '--suri', '//Alice', '--node', node.wsUrl]);
    assert.equal(provisioned.code, 0, provisioned.stderr);
    const texts = Array.from({ length: 48 }, (_, i) => `restart test record ${i}: 患者血压 150/95 mmHg，复查 blood pressure。`.repeat(20));
    const commitments = [];
    for (const text of texts) {
      const { rawHash } = await node.rpc('medchain_submitRaw', [u8aToHex(stringToU8a(text)), ['restart'], null, bob.address]);
      commitments.push(rawHash);
    }
    // Kill it (-9) once the worker has started registering, before it is done.
    const api = await node.api();
    await waitFor('the first registrations', async () => (await api.query.medicalRecords.nextRecordId()).toNumber() > 0, 60_000, 100);
    await node.kill();

    node = await node.restart();
    const restarted = await node.api();
    await waitFor('the queue to drain after the restart', async () => (await node.rpc('medchain_queue')).items.length === 0, 180_000, 500);
    assert.equal((await restarted.query.medicalRecords.nextRecordId()).toNumber(), texts.length, 'records missing or registered twice');
    for (const rawHash of commitments) {
      const id = await restarted.query.medicalRecords.recordByRawHash(alice.address, rawHash);
      assert.ok(id.isSome, 'a queued record was lost');
    }
    // The provisioning survived the restart (persistent local storage).
    assert.equal((await node.rpc('medchain_queue')).owner, alice.address);
  } finally {
    await node.stop();
  }
});
