// The four-hospital local consortium (Alice, Bob, Charlie, Dave), started from the
// committed raw chain spec: every node sees the same finalized head, and the council
// governs the membership by majority — a minority motion does not.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startConsortium, stopAll, waitFor, waitForFinalized, councilMotion } from '../lib/nodes.mjs';

const RAW_SPEC = fileURLToPath(new URL('../../chain-specs/local-raw.json', import.meta.url));

let nodes = [];
let api;
let keyring;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
  nodes = await startConsortium({ chain: RAW_SPEC });
  api = await nodes[0].api();
});

after(async () => {
  await stopAll(nodes);
});

test('the four nodes are connected and agree on the finalized head', async () => {
  for (const node of nodes) {
    await waitFor(`${node.name} to see 3 peers`, async () => (await node.rpc('system_health')).peers >= 3, 60_000);
  }
  const target = 3;
  await Promise.all(nodes.map((node) => waitForFinalized(node, target, 120_000)));
  const hashes = await Promise.all(nodes.map((node) => node.rpc('chain_getBlockHash', [target])));
  assert.equal(new Set(hashes).size, 1, `different blocks #${target}: ${hashes.join(' ')}`);
  // Every node has finalized that same block, so GRANDPA (3 of 4 votes) works.
  for (const node of nodes) {
    const head = await node.rpc('chain_getFinalizedHead');
    const header = await node.rpc('chain_getHeader', [head]);
    assert.ok(parseInt(header.number, 16) >= target);
  }
});

/** A council motion on this test's API. */
const motion = (call, threshold, proposer, voters) => councilMotion(api, call, threshold, proposer, voters);

test('a majority motion adds a fifth hospital; a minority motion cannot', async () => {
  const [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map((uri) => keyring.addFromUri(uri));
  const eve = keyring.addFromUri('//Eve');
  const ferdie = keyring.addFromUri('//Ferdie');

  // 3 ayes of 4 members: more than half.
  const events = await motion(api.tx.consortiumMembership.addMember(eve.address), 3, alice, [alice, bob, charlie]);
  const executed = events.find(({ event }) => api.events.council.Executed.is(event));
  assert.ok(executed, 'the motion was not executed');
  assert.ok(executed.event.data.result.isOk, `execution failed: ${executed.event.data.result.toString()}`);
  const members = (await api.query.consortiumMembership.members()).map((m) => m.toString());
  assert.ok(members.includes(eve.address), 'Eve is not a member');
  const council = (await api.query.council.members()).map((m) => m.toString());
  assert.ok(council.includes(eve.address), 'Eve is not on the council');

  // 2 of 5: the motion passes its own threshold, but its origin is not a majority.
  const minority = await motion(api.tx.consortiumMembership.addMember(ferdie.address), 2, alice, [alice, bob]);
  const outcome = minority.find(({ event }) => api.events.council.Executed.is(event));
  assert.ok(outcome, 'the minority motion was not even closed');
  assert.ok(outcome.event.data.result.isErr, 'a minority motion changed the membership');
  const after = (await api.query.consortiumMembership.members()).map((m) => m.toString());
  assert.ok(!after.includes(ferdie.address));
});
