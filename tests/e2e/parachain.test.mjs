// MedChain as a parachain (runtime-para), on chopsticks: the runtime's WASM runs from a
// raw `local_testnet` spec made by `medchain-node para-spec`, with the relay chain's
// inherents mocked. One chain for the whole suite:
//
// 1. It starts on the previous release of the parachain runtime (a committed fixture)
//    and produces blocks carrying the relay chain's validation data; the pallets have
//    the solo chain's names; the four hospitals are the collators.
// 2. A council majority upgrades it to the runtime under test (a minority cannot); the
//    relay chain's go-ahead applies the code a block later; the records and requests
//    made before are all there.
// 3. The paper's whole sharing flow and its refusals run on the upgraded chain: the
//    very tests of the solo chain's `access` suite (lib/sharing.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { builtRuntime, cli, councilMotion, sendAndInclude, startStore, stopAll } from '../lib/nodes.mjs';
import { newBlocks, paraSpec, startParachain } from '../lib/parachain.mjs';
import { defineSharingTests, field, findEvent } from '../lib/sharing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The first release of the parachain runtime (spec_version 101). */
const OLD_RUNTIME = join(here, '..', 'fixtures', 'runtimes', 'medchain-para-spec101.compact.compressed.wasm');
const ZH_RECORD = join(here, '..', '..', 'codec', 'tests', 'fixtures', 'zh.txt');
/** The parachain runtime under test, as `cargo build --release` leaves it. */
const newRuntimePath = () => builtRuntime('medchain-para-runtime', 'MEDCHAIN_PARA_RUNTIME_WASM');

let chain;
let api;
let alice, bob, charlie, dave, eve, ferdie;
const madeBefore = {};

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, dave, eve, ferdie] = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => keyring.addFromUri(`//${n}`));
  chain = await startParachain({ spec: paraSpec({ preset: 'local_testnet', runtime: OLD_RUNTIME }) });
  api = await chain.api();
});

after(async () => {
  await stopAll([chain]);
});

async function eventsAt(hash) {
  return (await api.at(hash)).query.system.events();
}

test('the parachain produces blocks with the relay chain\'s validation data; the pallets have the solo chain\'s names', async () => {
  assert.equal(api.runtimeVersion.specName.toString(), 'medchain-para');
  assert.equal(api.runtimeVersion.specVersion.toNumber(), 101, 'the chain starts on the previous release');
  assert.equal((await api.query.parachainInfo.parachainId()).toNumber(), 2000);

  const start = (await api.rpc.chain.getHeader()).number.toNumber();
  await newBlocks(chain, 3);
  const head = await api.rpc.chain.getHeader();
  assert.equal(head.number.toNumber(), start + 3);
  const block = await api.rpc.chain.getBlock(head.hash);
  const inherents = block.block.extrinsics.map((x) => `${x.method.section}.${x.method.method}`);
  assert.ok(inherents.includes('parachainSystem.setValidationData'), inherents.join(', '));
  assert.ok((await api.query.parachainSystem.validationData()).isSome);
  // The relay chain finalizes: no GRANDPA here.
  assert.equal(api.query.grandpa, undefined);

  // The four hospitals collate; the council chooses them; nobody stands by bond.
  const invulnerables = (await api.query.collatorSelection.invulnerables()).map((a) => a.toString());
  assert.deepEqual(invulnerables.sort(), [alice, bob, charlie, dave].map((k) => k.address).sort());
  assert.equal((await api.query.aura.authorities()).length, 4);
  assert.equal((await api.query.collatorSelection.desiredCandidates()).toNumber(), 0);
  assert.ok((await api.query.sudo.key()).isNone, 'no sudo key outside development');

  // The solo chain's pallets, by the same names and indexes.
  for (const [pallet, index] of Object.entries({ medicalRecords: 20, access: 21, council: 10, consortiumMembership: 11, preimage: 12, balances: 4 })) {
    assert.equal(api.tx[pallet] && Object.values(api.tx[pallet])[0].callIndex[0], index, `${pallet} at index ${index}`);
  }
});

async function register(owner, text) {
  const bytes = new TextEncoder().encode(text);
  const input = {
    rawHash: blake2AsHex(bytes, 256),
    contentHash: blake2AsHex(new Uint8Array([...bytes, 2]), 256),
    rawLen: bytes.length,
    compressedLen: Math.ceil(bytes.length / 3),
    codec: { method: 'Hanzi', dictionary: null },
    labels: ['upgrade'],
    location: `store://bob/${blake2AsHex(bytes, 64).slice(2)}`,
    manager: bob.address,
  };
  const started = performance.now();
  const { events: list } = await sendAndInclude(api, api.tx.medicalRecords.registerRecord(input), owner);
  const elapsedMs = performance.now() - started;
  return { id: field(findEvent(list, 'medicalRecords', 'RecordRegistered'), 'id').toNumber(), elapsedMs };
}

test('a council majority upgrades the parachain runtime through the relay chain\'s go-ahead; nothing is lost', async () => {
  const first = await register(alice, 'Chest pain for 3 hours, ST elevation in V2-V4.');
  const second = await register(charlie, '患者女，62岁，反复咳嗽两周。');
  console.log(`registerRecord submit → in block on chopsticks: ${first.elapsedMs.toFixed(0)} ms, ${second.elapsedMs.toFixed(0)} ms`);
  await sendAndInclude(api, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32).fill(5))), ferdie);
  const { events: asked } = await sendAndInclude(api, api.tx.access.requestAccess(first.id, 'follow-up'), ferdie);
  const request = field(findEvent(asked, 'access', 'AccessRequested'), 'request').toNumber();
  const recordsBefore = {
    [first.id]: (await api.query.medicalRecords.records(first.id)).toHex(),
    [second.id]: (await api.query.medicalRecords.records(second.id)).toHex(),
  };
  Object.assign(madeBefore, { first, second, request });

  const code = readFileSync(newRuntimePath());
  const codeHash = blake2AsHex(code, 256);
  const authorize = api.tx.system.authorizeUpgrade(codeHash);

  // Two of four is not a majority.
  const minority = await councilMotion(api, authorize, 2, alice, [alice, bob]);
  const refused = field(findEvent(minority, 'council', 'Executed'), 'result');
  assert.ok(refused.isErr && refused.asErr.isBadOrigin, 'a 2-of-4 motion must not authorise');
  assert.ok((await api.query.system.authorizedUpgrade()).isNone);

  // Three of four is.
  const majority = await councilMotion(api, authorize, 3, alice, [alice, bob, charlie]);
  assert.ok(field(findEvent(majority, 'council', 'Executed'), 'result').isOk);
  assert.equal(field(findEvent(majority, 'system', 'UpgradeAuthorized'), 'codeHash').toHex(), codeHash);

  // Anyone may apply it (Eve has no role); the parachain stores the code and waits for
  // the relay chain's go-ahead, which the next block carries.
  const applied = await sendAndInclude(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), eve);
  findEvent(await eventsAt(applied.blockHash), 'parachainSystem', 'ValidationFunctionStored');
  assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), 101, 'not applied before the go-ahead');
  const goAhead = await newBlocks(chain, 1);
  findEvent(await eventsAt(goAhead), 'parachainSystem', 'ValidationFunctionApplied');
  await newBlocks(chain, 1);
  const version = await api.rpc.state.getRuntimeVersion();
  assert.ok(version.specVersion.toNumber() > 101, `spec_version ${version.specVersion} after the upgrade`);

  // Reconnect for the new metadata, as Apps does on a reload.
  await api.disconnect();
  api = await ApiPromise.create({ provider: new WsProvider(chain.wsUrl, 1000), noInitWarn: true });
  chain._api = api;
  assert.equal(api.runtimeVersion.specVersion.toNumber(), version.specVersion.toNumber());
  for (const [id, encoded] of Object.entries(recordsBefore)) {
    assert.equal((await api.query.medicalRecords.records(id)).toHex(), encoded, `record ${id} unchanged`);
  }
  const stillOpen = (await api.call.accessApi.request(request)).unwrap();
  assert.equal(stillOpen.status.type, 'Open');
  // Parachain spec 107 coded the purposes: the request keeps its text, `Uncoded`.
  assert.equal(stillOpen.purpose.code.type, 'Uncoded');
  assert.equal(new TextDecoder().decode(stillOpen.purpose.text), 'follow-up');
  assert.equal((await api.query.parachainInfo.parachainId()).toNumber(), 2000);
});

test('nobody stands as a collator by bond while the council wants no candidates', async () => {
  await assert.rejects(
    sendAndInclude(api, api.tx.collatorSelection.registerAsCandidate(), eve),
    /system\.CallFiltered/,
  );
});

// The solo chain's sharing tests, on the upgraded parachain.
defineSharingTests(() => api);

// A parachain hospital ingests with the CLI: `records put` runs the record pipeline the
// worker runs on the solo chain (polkadot-omni-node serves none of our `medchain_*`
// RPC methods), uploads to the manager's store, registers; `records get` opens it.
test('the CLI puts a record on the parachain through the manager\'s store and gets the same bytes back', async () => {
  const store = await startStore({ manager: bob.address, node: chain });
  try {
    const original = readFileSync(ZH_RECORD);
    const node = ['--node', chain.wsUrl];
    const put = await cli([
      '--json', 'records', 'put', ZH_RECORD, '--label', 'cardiology', '--label', 'zh',
      '--store', store.url, '--suri', '//Charlie', ...node,
    ]);
    assert.equal(put.uploaded, true);
    assert.ok(put.compressed_len < original.length, 'the record was not compressed');
    const stored = (await api.call.medicalRecordsApi.record(put.record)).unwrap();
    assert.equal(stored.owner.toString(), charlie.address);
    assert.equal(stored.input.contentHash.toHex(), put.content_hash);
    const out = join(mkdtempSync(join(tmpdir(), 'medchain-para-get-')), 'zh.txt');
    await cli(['--json', 'records', 'get', String(put.record), '-o', out, '--suri', '//Charlie', ...node]);
    assert.deepEqual(readFileSync(out), original);
  } finally {
    await store.stop();
  }
});
