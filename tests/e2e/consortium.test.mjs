// The four-hospital local consortium (Alice, Bob, Charlie, Dave), started from the
// committed raw chain spec, and the network it owns:
// - every node sees the same finalized head;
// - a fifth node is kept out until a council majority authorises its peer id (Alice, Bob
//   and Charlie run medchain-node's default network backend, libp2p; Dave runs litep2p:
//   both refuse it), and cut off again when a motion removes it (by the libp2p nodes:
//   litep2p keeps a connected peer that loses its authorisation, so it is not our
//   default; Dave is stopped by then);
// - a council motion makes the fifth hospital a validator: it authors blocks and its
//   GRANDPA votes count; another motion removes it; the founders cannot go below the
//   minimum;
// - the council governs the membership by majority — a minority motion does not;
// - `medchain-node consortium new` starts a chain from fresh keys.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { base58Decode, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import {
  startConsortium, startNode, stopAll, waitFor, waitForFinalized, councilMotion, motionOutcome,
  sendAndFinalize, nodeBinary, freePort,
} from '../lib/nodes.mjs';

const RAW_SPEC = fileURLToPath(new URL('../../chain-specs/local-raw.json', import.meta.url));
const LITEP2P = ['--network-backend', 'litep2p'];

let nodes = [];
let eveNode;
let api;
let keyring;
let alice, bob, charlie, dave, eve, ferdie;

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, dave, eve, ferdie] = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie']
    .map((uri) => keyring.addFromUri(uri));
  nodes = await startConsortium({ chain: RAW_SPEC, extraArgs: { dave: LITEP2P } });
  api = await nodes[0].api();
});

after(async () => {
  await stopAll([...nodes, ...(eveNode ? [eveNode] : [])]);
});

/** A council motion on this test's API. */
const motion = (call, threshold, proposer, voters) => councilMotion(api, call, threshold, proposer, voters);
/** A motion of three of the four founders. */
const majority = (call) => motion(call, 3, alice, [alice, bob, charlie]);

const bestNumber = async (node) => parseInt((await node.rpc('chain_getHeader', [])).number, 16);
const finalizedNumber = async (node) =>
  parseInt((await node.rpc('chain_getHeader', [await node.rpc('chain_getFinalizedHead')])).number, 16);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A block's author: its Aura slot modulo the authorities its parent's state names. */
async function blockAuthor(header) {
  const preRuntime = header.digest.logs.find((log) => log.isPreRuntime && log.asPreRuntime[0].toString() === 'aura');
  const slot = api.registry.createType('u64', preRuntime.asPreRuntime[1]).toBigInt();
  const authorities = await api.query.session.validators.at(header.parentHash);
  return authorities[Number(slot % BigInt(authorities.length))].toString();
}

test('the four nodes are connected and agree on the finalized head', async () => {
  // libp2p unless a node asks for litep2p.
  assert.match(nodes[0].output, /Running libp2p network backend/);
  assert.match(nodes[3].output, /Running litep2p network backend/);
  for (const node of nodes) {
    await waitFor(`${node.name} to see 3 peers`, async () => (await node.rpc('system_health')).peers >= 3, 60_000);
  }
  const target = 3;
  await Promise.all(nodes.map((node) => waitForFinalized(node, target, 120_000)));
  const hashes = await Promise.all(nodes.map((node) => node.rpc('chain_getBlockHash', [target])));
  assert.equal(new Set(hashes).size, 1, `different blocks #${target}: ${hashes.join(' ')}`);
  // Every node has finalized that same block, so GRANDPA (3 of 4 votes) works.
  for (const node of nodes) {
    assert.ok((await finalizedNumber(node)) >= target);
  }
});

let evePeerId;

test('an unauthorised fifth node does not get past genesis', async () => {
  const bootnodes = [await nodes[0].multiaddr(), await nodes[3].multiaddr()];
  eveNode = await startNode({
    chain: RAW_SPEC,
    name: 'eve',
    bootnodes,
    extraArgs: ['--validator', '--offchain-worker', 'always'],
  });
  evePeerId = await eveNode.rpc('system_localPeerId');
  const consortiumBefore = await bestNumber(nodes[0]);
  await sleep(60_000);
  assert.equal(await bestNumber(eveNode), 0, 'the unauthorised node received blocks');
  assert.ok((await bestNumber(nodes[0])) >= consortiumBefore + 10, 'the consortium stalled');
});

test('bad authorisations are refused by name and change nothing', async () => {
  const add = (peer) => api.tx.nodeAuthorization.addWellKnownNode(peer, eve.address);
  // 2 of 4 is not a majority.
  assert.equal(motionOutcome(api, await motion(add(u8aToHex(base58Decode(evePeerId))), 2, alice, [alice, bob])), 'BadOrigin');
  // Not an Ed25519 libp2p peer id: the runtime's network rules refuse it.
  assert.equal(motionOutcome(api, await majority(add('0x1220' + 'ab'.repeat(32)))), 'system.CallFiltered');
  assert.equal((await api.query.nodeAuthorization.wellKnownNodes()).size, 4);
  // Owners may not admit nodes around the council.
  await assert.rejects(
    sendAndFinalize(api, api.tx.nodeAuthorization.claimNode(u8aToHex(base58Decode(evePeerId))), eve),
    /system\.CallFiltered/,
  );
});

let syncSeconds;

test('a majority motion authorises it, and it syncs to the finalized head', async () => {
  // Eve's progress, sampled while the motion runs.
  const reached = new Map();
  const sampler = setInterval(async () => {
    const best = await bestNumber(eveNode).catch(() => 0);
    if (!reached.has(best)) reached.set(best, Date.now());
  }, 250);
  try {
    const events = await majority(api.tx.nodeAuthorization.addWellKnownNode(u8aToHex(base58Decode(evePeerId)), eve.address));
    assert.equal(motionOutcome(api, events), 'ok');
    const executedAt = (await api.query.timestamp.now.at(events.blockHash)).toNumber();
    const target = await finalizedNumber(nodes[0]);
    await waitFor(`eve to reach the finalized head #${target}`, async () => (await bestNumber(eveNode)) >= target, 90_000, 250);
    const syncedAt = Math.min(...[...reached].filter(([best]) => best >= target).map(([, at]) => at), Date.now());
    console.log(`# eve reached the finalized head #${target} ${((syncedAt - executedAt) / 1000).toFixed(1)} s after the block that executed the motion (its slot's start)`);
  } finally {
    clearInterval(sampler);
  }
});

test('a majority motion adds a fifth hospital; a minority motion cannot', async () => {
  // 3 ayes of 4 members: more than half.
  const events = await majority(api.tx.consortiumMembership.addMember(eve.address));
  assert.equal(motionOutcome(api, events), 'ok');
  const members = (await api.query.consortiumMembership.members()).map((m) => m.toString());
  assert.ok(members.includes(eve.address), 'Eve is not a member');
  const council = (await api.query.council.members()).map((m) => m.toString());
  assert.ok(council.includes(eve.address), 'Eve is not on the council');

  // 2 of 5: the motion passes its own threshold, but its origin is not a majority.
  const minority = await motion(api.tx.consortiumMembership.addMember(ferdie.address), 2, alice, [alice, bob]);
  assert.equal(motionOutcome(api, minority), 'BadOrigin', 'a minority motion changed the membership');
  const after = (await api.query.consortiumMembership.members()).map((m) => m.toString());
  assert.ok(!after.includes(ferdie.address));
});

let eveKeys;

test('keys of the wrong type and a signed addValidator are refused by name', async () => {
  // As Polkadot.js Apps does: new keys in Eve's node's keystore, with their ownership proof.
  const { keys, proof } = await eveNode.rpc('author_rotateKeysWithOwner', [u8aToHex(eve.publicKey)]);
  eveKeys = { keys, proof };
  // Only members (and validators) store keys.
  const ferdieKeys = await eveNode.rpc('author_rotateKeysWithOwner', [u8aToHex(ferdie.publicKey)]);
  await assert.rejects(
    sendAndFinalize(api, api.tx.session.setKeys(ferdieKeys.keys, ferdieKeys.proof), ferdie),
    /session\.NoAssociatedValidatorId/,
  );
  // Aura's and GRANDPA's keys swapped: the ownership proof does not verify.
  const swapped = '0x' + keys.slice(66) + keys.slice(2, 66);
  await assert.rejects(sendAndFinalize(api, api.tx.session.setKeys(swapped, proof), eve), /session\.InvalidProof/);
  assert.ok((await api.query.session.nextKeys(eve.address)).isNone, 'wrong keys were stored');
  await assert.rejects(sendAndFinalize(api, api.tx.validatorSet.addValidator(eve.address), eve), /BadOrigin/);
  assert.ok(!(await api.query.validatorSet.validators()).map(String).includes(eve.address));
});

test('a majority motion adds the fifth hospital as a validator: it authors and its GRANDPA votes count', async () => {
  await sendAndFinalize(api, api.tx.session.setKeys(eveKeys.keys, eveKeys.proof), eve);
  const events = await majority(api.tx.validatorSet.addValidator(eve.address));
  assert.equal(motionOutcome(api, events), 'ok');
  const passedAt = Date.now();
  const session = (await api.query.session.currentIndex()).toNumber();
  // Queued at the next boundary, active at the one after.
  await waitFor('eve in the session validators', async () =>
    (await api.query.session.validators()).map(String).includes(eve.address), 200_000, 1000);
  assert.ok((await api.query.session.currentIndex()).toNumber() >= session + 1);
  // GRANDPA's set at the finalized head has Eve's key.
  const eveGrandpa = '0x' + eveKeys.keys.slice(66);
  await waitFor('eve in the finalized GRANDPA set', async () => {
    const set = await api.query.grandpa.authorities.at(await api.rpc.chain.getFinalizedHead());
    return set.some(([id]) => id.toHex() === eveGrandpa);
  }, 60_000, 1000);
  const authored = await waitFor('a block authored by eve', async () => {
    const header = await api.rpc.chain.getHeader();
    return (await blockAuthor(header)) === eve.address ? header.number.toNumber() : null;
  }, 60_000, 1000);
  console.log(`# eve authored block #${authored} ${((Date.now() - passedAt) / 1000).toFixed(0)} s after the motion passed`);

  // Five validators: finality needs four votes. With Dave stopped, Eve's vote is needed.
  const daveNode = nodes[3];
  await daveNode.stop();
  nodes = nodes.slice(0, 3);
  const from = await finalizedNumber(nodes[0]);
  await waitForFinalized(nodes[0], from + 3, 60_000);
});

// (A second change while one waits is `ChangePending`: runtime and pallet tests. Here a
// session boundary may fall between two motions, so it cannot be shown reliably.)
test('a majority motion removes the validator; never below the minimum', async () => {
  assert.equal(motionOutcome(api, await majority(api.tx.validatorSet.removeValidator(eve.address))), 'ok');
  await waitFor('eve out of the session validators', async () =>
    !(await api.query.session.validators()).map(String).includes(eve.address), 200_000, 1000);
  // Three of the four founders online finalize without Eve.
  const from = await finalizedNumber(nodes[0]);
  await waitForFinalized(nodes[0], from + 2, 60_000);
  // The council keeps all four founders; then none may go.
  assert.equal(motionOutcome(api, await majority(api.tx.validatorSet.setMinValidators(4))), 'ok');
  assert.equal(motionOutcome(api, await majority(api.tx.validatorSet.removeValidator(bob.address))), 'validatorSet.TooFewValidators');
  assert.equal((await api.query.validatorSet.validators()).length, 4);
});

test('a majority motion removes the fifth node: it stops receiving blocks', async () => {
  // Without her own worker, Eve's node does not cut itself off: the consortium must.
  await eveNode.stop({ keepData: true });
  eveNode = await eveNode.restart({ extraArgs: ['--offchain-worker', 'never'] });
  await waitFor('eve to sync again', async () => (await bestNumber(eveNode)) >= (await finalizedNumber(nodes[0])), 60_000, 500);
  const events = await majority(api.tx.nodeAuthorization.removeWellKnownNode(u8aToHex(base58Decode(evePeerId))));
  assert.equal(motionOutcome(api, events), 'ok');
  const connectedToEve = async () => {
    const peers = await Promise.all(nodes.map((node) => node.rpc('system_peers')));
    return peers.flat().some((peer) => peer.peerId === evePeerId);
  };
  await waitFor('the consortium to drop eve', async () => !(await connectedToEve()), 60_000, 500);
  const stoppedAt = await bestNumber(eveNode);
  const consortiumAt = await bestNumber(nodes[0]);
  await sleep(30_000);
  assert.ok((await bestNumber(nodes[0])) >= consortiumAt + 5, 'the consortium stalled');
  assert.ok((await bestNumber(eveNode)) <= stoppedAt + 1, 'the removed node still receives blocks');
  assert.ok(!(await connectedToEve()), 'a consortium node took eve back');
});

test('consortium new: three hospitals from fresh keys produce and finalize blocks', async () => {
  await stopAll([...nodes, eveNode]);
  nodes = [];
  eveNode = null;
  const out = join(mkdtempSync(join(tmpdir(), 'medchain-consortium-')), 'net');
  const p2pPort = await freePort();
  const rpcPort = await freePort();
  execFileSync(nodeBinary(), ['consortium', 'new', '--hospitals', '3', '--out', out, '--id', 'medchain_e2e',
    '--session-minutes', '1', '--p2p-port', String(p2pPort), '--rpc-port', String(rpcPort)]);
  const spec = readFileSync(join(out, 'chain-spec.json'), 'utf8').toLowerCase();
  for (const uri of ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie']) {
    for (const type of ['sr25519', 'ed25519']) {
      const key = new Keyring({ type }).addFromUri(uri);
      assert.ok(!spec.includes(u8aToHex(key.publicKey).slice(2)), `${uri}'s ${type} key is in the spec`);
    }
  }
  // start.sh runs $MEDCHAIN_NODE.
  process.env.MEDCHAIN_NODE ??= nodeBinary();
  try {
    for (let i = 0; i < 3; i += 1) {
      nodes.push(await startNode({
        name: `hospital-${i + 1}`,
        rpcPort: rpcPort + i,
        p2pPort: p2pPort + i,
        basePath: join(out, `hospital-${i + 1}`, 'data'),
        command: {
          binary: 'sh',
          args: () => [join(out, `hospital-${i + 1}`, 'start.sh'), '--no-prometheus', '--no-telemetry', '--no-mdns'],
        },
      }));
    }
    await Promise.all(nodes.map((node) => waitForFinalized(node, 3, 120_000)));
  } finally {
    await stopAll(nodes);
    nodes = [];
    rmSync(out, { recursive: true, force: true });
  }
});
