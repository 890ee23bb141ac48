// The paper's whole data path on the four-hospital local consortium, driven through
// the `medchain` CLI as a person at a terminal would, with the data manager's store
// running: the owner puts a Chinese record (compressed, sealed, registered, uploaded),
// a demander asks, two members vote aye, the owner delivers the key, the demander gets
// byte-identical text. A second demander without a grant gets 403 and no key; after
// revocation the first one gets 403 too; a blob altered on the store's disk is caught
// by `get`. Polkadot.js checks what the chain recorded.
//
// Genesis roles (runtime/src/genesis_config_presets.rs): Alice is a data owner, Bob the
// data manager, Ferdie a data demander; a council motion makes Eve a second demander.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { startConsortium, startStore, stopAll, cli, runCli, councilMotion } from '../lib/nodes.mjs';

const ZH_RECORD = fileURLToPath(new URL('../../codec/tests/fixtures/zh.txt', import.meta.url));

let nodes = [];
let store;
let api;
let work;
let alice, bob, eve, ferdie;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, eve, ferdie] = ['Alice', 'Bob', 'Eve', 'Ferdie'].map((name) => keyring.addFromUri(`//${name}`));
  work = mkdtempSync(join(tmpdir(), 'medchain-store-e2e-'));
  nodes = await startConsortium({ chain: 'local' });
  api = await nodes[0].api();
  // Bob is the data manager; his store believes Alice's node.
  store = await startStore({ manager: bob.address, node: nodes[0] });
});

after(async () => {
  await store?.stop();
  await stopAll(nodes);
  rmSync(work, { recursive: true, force: true });
});

const node = () => ['--node', nodes[0].wsUrl];
const as = (name) => ['--suri', `//${name}`];

test('owner puts, two of four approve, owner delivers, demander gets the same bytes; grants and tampering are enforced', async () => {
  const original = readFileSync(ZH_RECORD);

  // Eve becomes a second demander by a council majority (3 of 4).
  const [charlie] = [new Keyring({ type: 'sr25519' }).addFromUri('//Charlie')];
  const events = await councilMotion(api, api.tx.access.assignRole(eve.address, 'DataDemander'), 3, alice, [alice, bob, charlie]);
  const executed = events.find(({ event }) => api.events.council.Executed.is(event));
  assert.ok(executed?.event.data.result.isOk, 'Eve did not become a demander');

  // Both demanders publish their X25519 keys (derived from their accounts).
  const [ferdieKey, eveKey] = await Promise.all([
    cli(['--json', 'access', 'set-key', ...as('Ferdie'), ...node()]),
    cli(['--json', 'access', 'set-key', ...as('Eve'), ...node()]),
  ]);
  assert.equal((await api.query.access.encryptionKeys(ferdie.address)).unwrap().toHex(), ferdieKey.x25519_public_key);
  assert.notEqual(ferdieKey.x25519_public_key, eveKey.x25519_public_key);

  // The owner puts a Chinese record.
  const put = await cli([
    '--json', 'records', 'put', ZH_RECORD, '--label', 'cardiology', '--label', 'zh',
    '--manager', store.url, ...as('Alice'), ...node(),
  ]);
  const record = put.record;
  assert.equal(put.raw_hash, blake2AsHex(original, 256));
  assert.equal(put.raw_len, original.length);
  assert.ok(put.compressed_len < original.length, 'the record was not compressed');
  assert.equal(put.uploaded, true);
  const stored = (await api.call.medicalRecordsApi.record(record)).unwrap();
  assert.equal(stored.owner.toString(), alice.address);
  assert.equal(stored.input.manager.toString(), bob.address);
  assert.equal(stored.input.contentHash.toHex(), put.content_hash);
  assert.equal(new TextDecoder().decode(stored.input.location), store.url);
  // The store holds the sealed blob under its content hash, and it is not the text.
  const onDisk = join(store.dir, 'blobs', u8aToHex(alice.publicKey), put.content_hash);
  const sealed = readFileSync(onDisk);
  assert.equal(blake2AsHex(sealed, 256), put.content_hash);
  assert.equal(sealed.length, put.blob_len);
  // Sealed: the compressed container itself does not appear in it.
  const container = join(work, 'zh.mlzw');
  await cli(['codec', 'compress', ZH_RECORD, '-o', container]);
  const packed = readFileSync(container);
  assert.equal(packed.length, put.compressed_len);
  assert.ok(!sealed.includes(packed.subarray(32, 64)), 'the blob holds the compressed text in the clear');
  // Putting the same file again resumes instead of registering twice.
  const again = await cli(['--json', 'records', 'put', ZH_RECORD, '--label', 'cardiology', '--manager', store.url, ...as('Alice'), ...node()]);
  assert.equal(again.record, record);
  assert.equal(again.uploaded, false);

  // The records are listed by owner and label.
  const listed = await runCli(['--json', 'records', 'list', '--owner', alice.address, ...node()]);
  assert.ok(listed.lines.some((r) => r.record === record && r.status === 'live'));
  const labelled = await runCli(['--json', 'records', 'list', '--label', 'cardiology', ...node()]);
  assert.ok(labelled.lines.some((r) => r.record === record));

  // Ferdie asks; one aye of four is not enough, two are.
  const request = (await cli(['--json', 'access', 'request', String(record), '--purpose', 'cardiology cohort', ...as('Ferdie'), ...node()])).request;
  const first = await cli(['--json', 'access', 'vote', String(request), '--aye', ...as('Alice'), ...node()]);
  assert.equal(first.status, 'open');
  const early = await runCli(['access', 'deliver-key', String(request), ...as('Alice'), ...node()]);
  assert.notEqual(early.code, 0);
  assert.match(early.stderr, /not approved/);
  const second = await cli(['--json', 'access', 'vote', String(request), '--aye', ...as('Bob'), ...node()]);
  assert.equal(second.status, 'approved');

  // Only the owner holds the data key.
  const stranger = await runCli(['access', 'deliver-key', String(request), ...as('Bob'), ...node()]);
  assert.notEqual(stranger.code, 0);
  assert.match(stranger.stderr, /owner/);
  const delivered = await cli(['--json', 'access', 'deliver-key', String(request), ...as('Alice'), ...node()]);
  assert.equal(delivered.record, record);
  const grant = (await api.query.access.grants(record, ferdie.address)).unwrap();
  assert.equal(grant.wrappedKey.length, delivered.wrapped_key_len);

  // Ferdie gets byte-identical text.
  const ferdieCopy = join(work, 'ferdie.txt');
  const got = await cli(['--json', 'records', 'get', String(record), '-o', ferdieCopy, ...as('Ferdie'), ...node()]);
  assert.equal(got.verified, true);
  assert.ok(readFileSync(ferdieCopy).equals(original), 'the demander got other bytes');

  // Eve, a demander without a grant: 403 from the store, no key on the chain.
  const eveCopy = join(work, 'eve.txt');
  const refused = await runCli(['records', 'get', String(record), '-o', eveCopy, ...as('Eve'), ...node()]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /403/);
  assert.ok((await api.query.access.grants(record, eve.address)).isNone, 'Eve has a key');
  assert.ok(!existsSync(eveCopy));

  // Revocation: Ferdie is refused at once.
  await cli(['--json', 'access', 'revoke', String(record), ferdie.address, ...as('Alice'), ...node()]);
  const revoked = await runCli(['records', 'get', String(record), '-o', join(work, 'late.txt'), ...as('Ferdie'), ...node()]);
  assert.notEqual(revoked.code, 0);
  assert.match(revoked.stderr, /403/);

  // The audit export folds to the on-chain audit head.
  const audit = await runCli(['--json', 'records', 'audit', String(record), ...node()]);
  assert.equal(audit.code, 0, audit.stderr);
  assert.equal(audit.json.matches, true);
  assert.deepEqual(
    audit.lines.slice(0, -1).map((e) => e.event),
    ['MedicalRecords.RecordRegistered', 'Access.AccessRequested', 'Access.Voted', 'Access.Voted', 'Access.RequestApproved', 'Access.KeyDelivered', 'Access.GrantRevoked'],
  );
  assert.equal(audit.json.on_chain_head, (await api.call.accessApi.auditHead(record)).toHex());

  // A blob altered on the store's disk is caught by `get`, and nothing is written.
  const ownerCopy = join(work, 'alice.txt');
  await cli(['--json', 'records', 'get', String(record), '-o', ownerCopy, ...as('Alice'), ...node()]);
  assert.ok(readFileSync(ownerCopy).equals(original));
  const altered = Buffer.from(sealed);
  altered[altered.length >> 1] ^= 0x01;
  writeFileSync(onDisk, altered);
  const tampered = join(work, 'tampered.txt');
  const caught = await runCli(['records', 'get', String(record), '-o', tampered, ...as('Alice'), ...node()]);
  assert.notEqual(caught.code, 0);
  assert.match(caught.stderr, /altered or damaged/);
  assert.ok(!existsSync(tampered));
});
