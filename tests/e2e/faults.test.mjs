// Faults on the four-hospital local consortium: a node killed (-9) while records are
// being registered does not stop the other three from finalizing; restarted on its own
// data, it catches up to the same finalized head and the same records. With two of four
// down, GRANDPA cannot finalize (it needs 3 votes) but Aura keeps producing blocks and
// transactions are kept; when one comes back, finality resumes past them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startConsortium, stopAll, waitFor, waitForFinalized, sendAndInclude } from '../lib/nodes.mjs';

let nodes = [];
let alice, bob;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
  nodes = await startConsortium({ chain: 'local' });
  for (const node of nodes) {
    await waitFor(`${node.name} to see 3 peers`, async () => (await node.rpc('system_health')).peers >= 3, 60_000);
  }
});

after(async () => {
  await stopAll(nodes);
});

const head = async (node, method = 'chain_getFinalizedHead') => {
  const hash = method === 'chain_getFinalizedHead' ? await node.rpc(method) : await node.rpc('chain_getBlockHash');
  const header = await node.rpc('chain_getHeader', [hash]);
  return { hash, number: parseInt(header.number, 16) };
};

let counter = 0;
/** Registers a record of Alice's (a unique text), included in a block of `node`'s chain. */
async function register(node) {
  const api = await node.api();
  const text = new TextEncoder().encode(`fault test record ${counter++} ${Date.now()}`);
  const input = {
    rawHash: blake2AsHex(text, 256),
    contentHash: blake2AsHex(new Uint8Array([...text, 1]), 256),
    rawLen: text.length,
    compressedLen: text.length,
    codec: { method: 'Stored', dictionary: null },
    labels: ['faults'],
    location: 'medchain-test:faults',
    manager: bob.address,
  };
  const { blockHash } = await sendAndInclude(api, api.tx.medicalRecords.registerRecord(input), alice);
  return { blockHash, rawHash: input.rawHash };
}

const nextRecordId = async (node, at) => (await (await (await node.api()).at(at)).query.medicalRecords.nextRecordId()).toNumber();

test('a killed node does not stop finality, and catches up on restart with the same records', async () => {
  const [aliceNode, , , daveNode] = nodes;
  await waitForFinalized(aliceNode, 2);
  await register(aliceNode);
  // Dave dies (-9) while registrations go on.
  const pending = register(aliceNode);
  await daveNode.kill();
  await pending;
  const killedAt = await head(aliceNode);
  for (let i = 0; i < 3; i++) await register(aliceNode);
  // The three others keep finalizing, past the records registered without Dave.
  const target = (await head(aliceNode, 'best')).number;
  await Promise.all(nodes.slice(0, 3).map((node) => waitForFinalized(node, target, 90_000)));
  assert.ok(target > killedAt.number);

  // Dave comes back on his own data and catches up.
  nodes[3] = await daveNode.restart({ bootnodes: [await aliceNode.multiaddr()] });
  const restarted = await waitForFinalized(nodes[3], target, 120_000);
  assert.ok(restarted.number >= target);
  const atTarget = await Promise.all(nodes.map((node) => node.rpc('chain_getBlockHash', [target])));
  assert.equal(new Set(atTarget).size, 1, `different blocks #${target}: ${atTarget}`);
  const counts = await Promise.all(nodes.map((node) => nextRecordId(node, atTarget[0])));
  assert.equal(new Set(counts).size, 1, `different record counts: ${counts}`);
  assert.ok(counts[0] >= 5);
});

test('with two of four down finality halts but blocks and transactions go on; it resumes when one returns', async () => {
  const [aliceNode, , charlieNode, daveNode] = nodes;
  await charlieNode.stop({ keepData: true });
  await daveNode.stop({ keepData: true });
  const stalled = await head(aliceNode);
  // Aura: Alice and Bob still author in their slots; the transaction lands in a block.
  const { blockHash } = await register(aliceNode);
  const landed = parseInt((await aliceNode.rpc('chain_getHeader', [blockHash])).number, 16);
  assert.ok(landed > stalled.number);
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const still = await head(aliceNode);
  assert.ok(still.number <= stalled.number + 1, `finalized moved from ${stalled.number} to ${still.number} with 2 of 4`);
  assert.ok((await head(aliceNode, 'best')).number > still.number + 1, 'blocks are still produced');

  // Charlie returns: three voters again, and finality passes the transaction's block.
  nodes[2] = await charlieNode.restart({ bootnodes: [await aliceNode.multiaddr()] });
  await waitForFinalized(aliceNode, landed, 120_000);
  const final = await aliceNode.rpc('chain_getBlockHash', [landed]);
  assert.equal(final, blockHash, 'the transaction was lost from the finalized chain');
  nodes[3] = await daveNode.restart({ bootnodes: [await aliceNode.multiaddr()] });
  await waitForFinalized(nodes[3], landed, 120_000);
});
