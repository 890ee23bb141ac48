// A single --dev node: blocks are produced and finalized, the metadata has the public
// pallet names, and a transfer signed with Polkadot.js is included and finalized.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, waitForFinalized, sendAndFinalize } from '../lib/nodes.mjs';

let node;
let api;
let keyring;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
  node = await startDevNode();
  api = await node.api();
});

after(async () => {
  await node?.stop();
});

test('the dev node produces and finalizes blocks', async () => {
  const first = await waitForFinalized(node, 2, 90_000);
  const later = await waitForFinalized(node, first.number + 2, 90_000);
  assert.ok(later.number > first.number);
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.ok(best >= later.number, `best ${best} behind finalized ${later.number}`);
});

test('the metadata lists the pallets by their public names', async () => {
  const names = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  for (const expected of [
    'System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo', 'Council', 'ConsortiumMembership',
    'MedicalRecords', 'Access',
  ]) {
    assert.ok(names.includes(expected), `${expected} missing from ${names.join(', ')}`);
  }
  assert.equal(api.runtimeVersion.specName.toString(), 'medchain');
  const properties = await api.rpc.system.properties();
  assert.equal(properties.tokenSymbol.unwrap()[0].toString(), 'MED');
  const members = (await api.query.consortiumMembership.members()).map((m) => m.toString());
  const council = (await api.query.council.members()).map((m) => m.toString());
  assert.equal(members.length, 4);
  assert.deepEqual([...council].sort(), [...members].sort(), 'the council follows the membership');
});

test('a balance transfer signed in Polkadot.js is included and finalized', async () => {
  const alice = keyring.addFromUri('//Alice');
  const ferdie = keyring.addFromUri('//Ferdie');
  const amount = 1_234_000_000_000n;
  const before = (await api.query.system.account(ferdie.address)).data.free.toBigInt();
  const { blockHash, events } = await sendAndFinalize(
    api,
    api.tx.balances.transferKeepAlive(ferdie.address, amount),
    alice,
  );
  const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
  assert.ok(transfer, 'no Balances.Transfer event');
  assert.equal(transfer.event.data.to.toString(), ferdie.address);
  assert.equal(transfer.event.data.amount.toBigInt(), amount);
  const finalized = await api.rpc.chain.getFinalizedHead();
  const finalizedNumber = (await api.rpc.chain.getHeader(finalized)).number.toNumber();
  const includedNumber = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  assert.ok(finalizedNumber >= includedNumber);
  const after = (await api.query.system.account(ferdie.address)).data.free.toBigInt();
  assert.equal(after - before, amount);
});
