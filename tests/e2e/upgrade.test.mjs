// A runtime upgrade by council vote on the four-hospital local consortium.
//
// The chain starts on the previous release's runtime (spec 100, storage version 1 of
// MedicalRecords: tests/fixtures/runtimes/). Records, requests, votes, a delivered key, a
// retraction and their audit heads are made there. A minority motion (2 of 4) to
// authorise the runtime under test is executed but refused (BadOrigin, nothing
// authorised); a majority motion (3 of 4) authorises it; Eve, who holds no role and no
// seat, applies it. Then: spec_version is 111 in Polkadot.js, all four nodes keep
// producing and finalizing blocks, the migrations ran (storage version 4; old records
// carry `registeredBlock: null` and `rawHashKind: Plain`, new ones their block and
// `Keyed`), and every record, request, grant,
// role, key and audit head from before reads exactly as it did (by today's field names:
// spec 108 renamed the time fields without changing their encoding), through
// Polkadot.js and through the CLI's audit.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, xxhashAsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import {
  nodeBinary,
  startConsortium,
  stopAll,
  sendAndInclude,
  sendAndFinalize,
  councilMotion,
  waitFor,
  waitForFinalized,
  cli,
  builtRuntime,
} from '../lib/nodes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const OLD_RUNTIME = join(here, '..', 'fixtures', 'runtimes', 'medchain-spec100.compact.compressed.wasm');
const OLD_GENESIS = join(here, '..', 'fixtures', 'runtimes', 'medchain-spec100-local-genesis.json');
/** The runtime under test, as `cargo build --release` leaves it (or $MEDCHAIN_RUNTIME_WASM). */
const newRuntimePath = () => builtRuntime('medchain-runtime', 'MEDCHAIN_RUNTIME_WASM');

let nodes = [];
let api;
/** Connections opened here (the nodes' own are closed by `stop`). */
const connections = [];
let workDir;
let alice, bob, charlie, dave, eve, ferdie;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, dave, eve, ferdie] = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) =>
    keyring.addFromUri(`//${name}`),
  );
  assert.ok(existsSync(newRuntimePath()), `${newRuntimePath()} not found: build with scripts/test.sh`);
  // The node's own `local` spec with the previous release's code and that era's genesis
  // patch: the nodes build genesis by running that code's genesis builder, as a chain
  // launched then did.
  workDir = mkdtempSync(join(tmpdir(), 'medchain-upgrade-'));
  const spec = JSON.parse(
    execFileSync(nodeBinary(), ['build-spec', '--chain', 'local', '--disable-default-bootnode'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    }),
  );
  spec.genesis.runtimeGenesis.code = u8aToHex(readFileSync(OLD_RUNTIME));
  spec.genesis.runtimeGenesis.patch = JSON.parse(readFileSync(OLD_GENESIS, 'utf8'));
  const specPath = join(workDir, 'local-spec100.json');
  writeFileSync(specPath, JSON.stringify(spec));
  nodes = await startConsortium({ chain: specPath });
  api = await nodes[0].api();
});

after(async () => {
  for (const connection of connections) await connection.disconnect().catch(() => {});
  await stopAll(nodes);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const field = (event, name) => event.data[event.data.names.indexOf(name)];

function findEvent(events, section, method) {
  const found = events.find(({ event }) => event.section === section && event.method === method);
  assert.ok(found, `no ${section}.${method} among ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
  return found.event;
}

async function register(owner, text) {
  const bytes = new TextEncoder().encode(text);
  const input = {
    rawHash: blake2AsHex(bytes, 256),
    contentHash: blake2AsHex(new TextEncoder().encode(`sealed ${text}`), 256),
    rawLen: bytes.length,
    compressedLen: Math.ceil(bytes.length / 2),
    codec: { method: 'Bytes', dictionary: null },
    labels: ['upgrade-test', 'en'],
    location: `store://bob/${blake2AsHex(bytes, 64).slice(2)}`,
    manager: bob.address,
  };
  const { events, blockHash } = await sendAndInclude(api, api.tx.medicalRecords.registerRecord(input), owner);
  const id = field(findEvent(events, 'medicalRecords', 'RecordRegistered'), 'id').toNumber();
  const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  return { id, block };
}

async function openRequest(demander, record) {
  const { events } = await sendAndInclude(api, api.tx.access.requestAccess(record, 'upgrade rehearsal'), demander);
  return field(findEvent(events, 'access', 'AccessRequested'), 'request').toNumber();
}

/**
 * The events of the block that applied the upgrade. That block ran the old runtime, but
 * its state already holds the new code, so Polkadot.js decodes its events with the new
 * metadata and fails (it logs "Unable to decode storage system.events"); they are read
 * raw and decoded with the metadata of the block before.
 */
async function eventsOfUpgradeBlock(hash) {
  const header = await api.rpc.chain.getHeader(hash);
  const before = await api.at(header.parentHash);
  const raw = await nodes[0].rpc('state_getStorage', [before.query.system.events.key(), hash]);
  return before.registry.createType('Vec<FrameSystemEventRecord>', raw);
}

/** `MedicalRecords`' on-chain storage version (FRAME's `:__STORAGE_VERSION__:` key). */
async function recordsStorageVersion(pallet = 'MedicalRecords') {
  const key = xxhashAsHex(pallet, 128) + xxhashAsHex(':__STORAGE_VERSION__:', 128).slice(2);
  const raw = await api.rpc.state.getStorage(key);
  return api.createType('u16', raw.unwrap()).toNumber();
}

/**
 * `state` with the field names of today's runtime: spec 108 named every time field by its
 * unit (same SCALE layout, so nothing was migrated), and Polkadot.js reads by name.
 */
function inTodaysNames(state) {
  const renamed = { registeredAt: 'registeredAtMs', openedAt: 'openedAtMs', grantedAt: 'grantedAtMs', expiresAt: 'expiresBlock' };
  if (Array.isArray(state)) return state.map(inTodaysNames);
  if (state === null || typeof state !== 'object') return state;
  return Object.fromEntries(Object.entries(state).map(([key, value]) => [renamed[key] ?? key, inTodaysNames(value)]));
}

/** Everything the issue says must survive, as plain JSON. */
async function snapshot(records, requests, demanders) {
  const state = { records: {}, requests: {}, grants: {}, heads: {}, roles: {}, keys: {} };
  for (const id of records) {
    state.records[id] = (await api.call.medicalRecordsApi.record(id)).toJSON();
    state.heads[id] = (await api.call.accessApi.auditHead(id)).toHex();
    for (const demander of demanders) {
      state.grants[`${id}/${demander.address}`] = (await api.query.access.grants(id, demander.address)).toJSON();
    }
  }
  for (const id of requests) state.requests[id] = (await api.call.accessApi.request(id)).toJSON();
  for (const who of [alice, bob, charlie, dave, eve, ferdie]) {
    state.roles[who.address] = (await api.call.accessApi.roles(who.address)).toJSON();
    state.keys[who.address] = (await api.query.access.encryptionKeys(who.address)).toJSON();
  }
  state.nextRecordId = (await api.query.medicalRecords.nextRecordId()).toNumber();
  state.nextRequestId = (await api.query.access.nextRequestId()).toNumber();
  return state;
}

test('a council majority upgrades the runtime; a minority cannot; nothing is lost', async () => {
  const before = await api.rpc.state.getRuntimeVersion();
  assert.equal(before.specVersion.toNumber(), 100, 'the chain starts on the previous release');
  assert.equal(await recordsStorageVersion(), 1);

  // State made under the old runtime.
  const first = await register(alice, 'Chest pain for 3 hours, ST elevation in V2-V4.');
  const second = await register(charlie, '患者女，62岁，反复咳嗽两周。');
  const third = await register(alice, 'Retracted before the upgrade.');
  await sendAndInclude(api, api.tx.medicalRecords.retractRecord(third.id), alice);
  await sendAndInclude(api, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32).fill(5))), ferdie);
  const approved = await openRequest(ferdie, first.id);
  await sendAndInclude(api, api.tx.access.vote(approved, true), alice);
  await sendAndInclude(api, api.tx.access.vote(approved, true), bob);
  await sendAndInclude(api, api.tx.access.deliverKey(approved, u8aToHex(new Uint8Array(105).fill(0xcd))), alice);
  const open = await openRequest(ferdie, second.id);
  await sendAndFinalize(api, api.tx.access.vote(open, false), dave);
  const records = [first.id, second.id, third.id];
  const requests = [approved, open];
  const old = await snapshot(records, requests, [ferdie]);
  assert.equal(old.requests[approved].status, 'Delivered');
  assert.equal(old.requests[open].status, 'Open');
  assert.ok(old.grants[`${first.id}/${ferdie.address}`], 'the grant exists before the upgrade');
  assert.equal(old.records[third.id].status.retracted, null);

  const code = readFileSync(newRuntimePath());
  const codeHash = blake2AsHex(code, 256);
  const authorize = api.tx.system.authorizeUpgrade(codeHash);

  // Two of four is not a majority: the motion closes, its call is refused.
  const minority = await councilMotion(api, authorize, 2, alice, [alice, bob]);
  const refused = findEvent(minority, 'council', 'Executed');
  assert.ok(field(refused, 'result').isErr, 'a 2-of-4 motion must not authorise');
  assert.ok(field(refused, 'result').asErr.isBadOrigin);
  assert.ok((await api.query.system.authorizedUpgrade()).isNone, 'nothing authorised by a minority');

  // Three of four is: the code hash is authorised.
  const majority = await councilMotion(api, authorize, 3, alice, [alice, bob, charlie]);
  assert.ok(field(findEvent(majority, 'council', 'Executed'), 'result').isOk);
  assert.equal(field(findEvent(majority, 'system', 'UpgradeAuthorized'), 'codeHash').toHex(), codeHash);

  // Anyone may apply the authorised code: Eve has no role and no seat.
  const applied = await sendAndFinalize(api, api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), eve);
  findEvent(await eventsOfUpgradeBlock(applied.blockHash), 'system', 'CodeUpdated');
  const upgradeBlock = (await api.rpc.chain.getHeader(applied.blockHash)).number.toNumber();

  // Polkadot.js sees the new version (and reloads the metadata) once a block runs it.
  await waitFor('spec_version 111 in Polkadot.js', () => api.runtimeVersion.specVersion.toNumber() === 111, 60_000);
  assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), 111);
  assert.ok((await api.query.system.authorizedUpgrade()).isNone, 'the authorisation is used up');

  // Every node keeps producing and finalizing blocks after the upgrade. (The new code
  // runs, and migrates, from the block after the one that applied it.)
  for (const node of nodes) await waitForFinalized(node, upgradeBlock + 4, 90_000);
  assert.equal(await recordsStorageVersion(), 4, 'the migrations ran');
  assert.equal(await recordsStorageVersion('Access'), 2, 'the purposes were coded');

  // A connection that lived through the upgrade reloads the metadata without the runtime
  // APIs (`api.call.medicalRecordsApi` is gone), so reconnect, as Apps does on a reload.
  await api.disconnect();
  api = await ApiPromise.create({ provider: new WsProvider(nodes[1].wsUrl, 1000), noInitWarn: true });
  connections.push(api);
  assert.equal(api.runtimeVersion.specVersion.toNumber(), 111);

  // Everything from before reads as it did; old records gained `registeredBlock: null`
  // and are marked as plain-hashed (registered before keyed commitments).
  const now = await snapshot(records, requests, [ferdie]);
  const oldNamed = inTodaysNames(old);
  // Spec 111: purposes are coded; a request from before keeps its text, `Uncoded`.
  for (const id of requests) {
    const { purpose } = (await api.call.accessApi.request(id)).unwrap();
    assert.equal(purpose.code.type, 'Uncoded', `request ${id}'s purpose code`);
    assert.equal(purpose.text.toHex(), oldNamed.requests[id].purpose);
    now.requests[id].purpose = oldNamed.requests[id].purpose;
  }
  assert.ok(now.records[first.id].registeredAtMs > 1_600_000_000_000, 'the timestamp, by its new name');
  for (const id of records) {
    const { registeredBlock, rawHashKind, ...rest } = now.records[id];
    assert.equal(registeredBlock, null, `record ${id} was registered before the chain kept the block`);
    assert.equal(rawHashKind, 'Plain', `record ${id} keeps its plain raw_hash`);
    // Spec 107: a record retired before holds nothing, and its deposit field says so.
    const expected = id === third.id ? { ...oldNamed.records[id], deposit: 0 } : oldNamed.records[id];
    assert.deepEqual(rest, expected, `record ${id} is unchanged`);
  }
  assert.deepEqual(
    { ...now, records: null },
    { ...oldNamed, records: null },
    'requests, grants, audit heads, roles, keys and counters are unchanged',
  );
  assert.equal((await api.call.accessApi.canAccess(first.id, ferdie.address)).isTrue, true, 'the grant still works');
  // Spec 107: the manager accepts the owners of the live records that name it (Alice and
  // Charlie), so they register on; nobody else was accepted.
  for (const owner of [alice, charlie]) {
    assert.ok((await api.query.medicalRecords.acceptedOwners(bob.address, owner.address)).isSome, 'the manager accepts its owners');
  }
  assert.ok((await api.query.medicalRecords.acceptedOwners(bob.address, eve.address)).isNone);

  // The chain works on: a new record carries its block; the open request is voted on.
  const fourth = await register(charlie, 'Registered after the upgrade.');
  const fresh = (await api.call.medicalRecordsApi.record(fourth.id)).unwrap();
  assert.equal(fresh.registeredBlock.unwrap().toNumber(), fourth.block);
  assert.equal(fresh.rawHashKind.toString(), 'Keyed');
  await sendAndInclude(api, api.tx.access.vote(open, true), alice);
  await sendAndFinalize(api, api.tx.access.vote(open, true), bob);
  assert.equal((await api.call.accessApi.request(open)).unwrap().status.type, 'Approved');

  // The CLI's audit folds events from both runtimes to the on-chain head: the old record
  // by its timestamp, the new one from its recorded block.
  for (const id of [first.id, second.id, fourth.id]) {
    const audit = await cli(['records', 'audit', String(id), '--node', nodes[1].wsUrl, '--json']);
    assert.equal(audit.matches, true, `record ${id}'s audit log folds to its on-chain head`);
    if (id === fourth.id) assert.equal(audit.blocks[0], fourth.block, 'the audit starts at the recorded block');
  }

  // Spec 106 added the council's network: the four founders became the validator set
  // and their development nodes the authorised nodes, so the nodes keep their peers and
  // a session boundary keeps the same authors and finality.
  const founders = [alice, bob, charlie, dave].map((k) => k.address);
  assert.deepEqual((await api.query.session.validators()).map(String), founders);
  assert.equal((await api.query.validatorSet.validators()).length, 4);
  assert.equal((await api.query.nodeAuthorization.wellKnownNodes()).size, 4);
  await waitFor('a session boundary', async () => (await api.query.session.currentIndex()).toNumber() >= 1, 90_000, 1000);
  const boundary = (await api.rpc.chain.getHeader()).number.toNumber();
  for (const node of nodes) await waitForFinalized(node, boundary + 2, 60_000);
  for (const node of nodes) assert.ok((await node.rpc('system_health')).peers >= 3, `${node.name} lost its peers`);
});
