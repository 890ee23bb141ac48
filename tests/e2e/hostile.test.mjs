// Hostile and malformed input against a real --dev node (issue #7): malformed JSON-RPC
// to `medchain_submitRaw`, accounts without funds, calls whose labels, location, purpose
// or wrapped key are over their bounds, callers without roles, unknown record and request
// ids, double votes, votes after close and key delivery by strangers, and (issue #21)
// unaccepted owners, self-votes, keys of small order, pre-empted keys and reaping. Each gets its named
// error (a JSON-RPC error code, the pool's refusal, or the pallet's error), the node keeps
// running, and the pallets' storage is unchanged: every key and value under
// `MedicalRecords` and `Access` is compared before and after.
//
// Dev genesis (runtime-common/src/genesis.rs): Alice and Charlie are data owners,
// Bob the data manager, Ferdie a data demander, Eve holds no role; Alice, Bob, Charlie
// and Dave are the consortium's members; Alice is sudo. `pauper` is a fresh account
// without funds.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, mnemonicGenerate, xxhashAsHex } from '@polkadot/util-crypto';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { startDevNode, sendAllAnswers, sendAndInclude, waitFor } from '../lib/nodes.mjs';

let node;
let api;
let alice, bob, charlie, dave, eve, ferdie, pauper;
/** The record registered at the bounds (16 labels of 64 bytes, 256 bytes of location). */
let record;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, dave, eve, ferdie] = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) =>
    keyring.addFromUri(`//${name}`),
  );
  pauper = keyring.addFromMnemonic(mnemonicGenerate());
  node = await startDevNode();
  api = await node.api();
});

after(async () => {
  await node?.stop();
});

/** A JSON-RPC request over HTTP: `{ status, body }` (`body`: the parsed answer, if any). */
async function post(request) {
  const response = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof request === 'string' ? request : JSON.stringify(request),
  });
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: left null.
  }
  return { status: response.status, body };
}

const submitRaw = (params) => post({ jsonrpc: '2.0', id: 1, method: 'medchain_submitRaw', params });

/** Every key and value under `MedicalRecords` and `Access` at the best block. */
async function palletState() {
  const state = {};
  for (const pallet of ['MedicalRecords', 'Access']) {
    state[pallet] = await node.rpc('state_getPairs', [xxhashAsHex(pallet, 128)]);
  }
  return state;
}

async function bestNumber() {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

async function nonceOf(who) {
  return (await api.query.system.account(who.address)).nonce.toNumber();
}

let texts = 0;
/** A record input for a fresh text; `overrides` replace fields. */
function recordInput(overrides = {}) {
  const raw = stringToU8a(`hostile input test record ${++texts} at ${Date.now()}`);
  return {
    rawHash: blake2AsHex(raw, 256),
    contentHash: blake2AsHex(new Uint8Array([...raw, 1]), 256),
    rawLen: raw.length,
    compressedLen: raw.length,
    codec: { method: 'Bytes', dictionary: null },
    labels: ['hostile'],
    location: 'store://bob/hostile',
    manager: bob.address,
    ...overrides,
  };
}

/** One answer per `[signer, tx]`, all sent at once (lib/nodes.mjs `sendAllAnswers`). */
const sendAll = (calls) => sendAllAnswers(api, calls);

test('medchain_submitRaw: malformed params get JSON-RPC errors, nothing is queued, the node keeps running', async () => {
  const manager = bob.address;
  const invalidParams = [
    ['no params', [], /No more params/],
    ['only the text', ['0x6869'], /No more params/],
    ['a number for the text', [123, ['en'], null, manager], /invalid type: integer/],
    ['text that is not hex', ['hello', ['en'], null, manager], /invalid hex character/],
    ['hex with bad digits', ['0xzz', ['en'], null, manager], /invalid hex character/],
    ['a string for the labels', ['0x6869', 'en', null, manager], /expected a sequence/],
    ['numbers for labels', ['0x6869', [1], null, manager], /expected a string/],
    ['a number for the location', ['0x6869', ['en'], 5, manager], /expected a string/],
    ['a manager that is not an address', ['0x6869', ['en'], null, 'not-an-account'], /Base 58/],
    ['a manager in hex', ['0x6869', ['en'], null, '0x' + '11'.repeat(32)], /Base 58/],
    ['a number for the manager', ['0x6869', ['en'], null, 7], /expected a string/],
    ['a manager with a bad checksum', ['0x6869', ['en'], null, manager.slice(0, -1) + 'u'], /Invalid checksum/],
  ];
  for (const [what, params, data] of invalidParams) {
    const { status, body } = await submitRaw(params);
    assert.equal(status, 200, what);
    assert.equal(body.result, undefined, `${what}: accepted`);
    assert.equal(body.error.code, -32602, `${what}: ${JSON.stringify(body.error)}`);
    assert.equal(body.error.message, 'Invalid params', what);
    assert.match(body.error.data, data, what);
  }
  const named = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'medchain_submitRaw',
    params: { raw: '0x6869', labels: ['en'], manager: 'xx' },
  });
  assert.equal(named.body.error.code, -32602, 'named params with a bad manager');

  // Well-formed JSON that the queue refuses: code 9001 with the reason.
  const tooLarge = '0x' + '61'.repeat(4 * 1024 * 1024 + 1);
  const invalidRecords = [
    ['an empty text', ['0x', ['en'], null, manager], /^the record is empty$/],
    ['a text over 4 MiB', [tooLarge, ['en'], null, manager], /^the record has 4194305 bytes; at most 4194304/],
    ['no labels', ['0x6869', [], null, manager], /^0 labels given; 1 to 16 are needed$/],
    ['17 labels', ['0x6869', Array.from({ length: 17 }, (_, i) => `l${i}`), null, manager], /^17 labels given/],
    ['a 65-byte label', ['0x6869', ['x'.repeat(65)], null, manager], /^label 0 is empty or longer than 64 bytes$/],
    ['an empty label', ['0x6869', ['en', ''], null, manager], /^label 1 is empty or longer than 64 bytes$/],
    ['a repeated label', ['0x6869', ['en', 'zh', 'en'], null, manager], /^label 2 repeats an earlier one$/],
    ['a 257-byte location', ['0x6869', ['en'], 'l'.repeat(257), manager], /^the location has 257 bytes; at most 256/],
  ];
  for (const [what, params, message] of invalidRecords) {
    const { body } = await submitRaw(params);
    assert.equal(body.result, undefined, `${what}: accepted`);
    assert.equal(body.error.code, 9001, `${what}: ${JSON.stringify(body.error)}`);
    assert.match(body.error.message, message, what);
  }

  // Not JSON, an unknown method, a batch of bad calls.
  const garbled = await post('{"jsonrpc":"2.0","id":1,"method":"medchain_submitRaw","params":[');
  assert.equal(garbled.body.error.code, -32700);
  const unknown = await post({ jsonrpc: '2.0', id: 1, method: 'medchain_submitraw', params: [] });
  assert.equal(unknown.body.error.code, -32601);
  const batch = await post([
    { jsonrpc: '2.0', id: 1, method: 'medchain_submitRaw', params: ['zz', ['en'], null, manager] },
    { jsonrpc: '2.0', id: 2, method: 'medchain_submitRaw', params: ['0x6869', [], null, manager] },
    { jsonrpc: '2.0', id: 3, method: 'medchain_submitRaw' },
  ]);
  assert.deepEqual(
    batch.body.map((answer) => [answer.id, answer.error?.code]).sort(),
    [[1, -32602], [2, 9001], [3, -32602]],
  );

  // A request over the node's 15 MiB limit: 413 with -32007, or the connection is cut.
  const huge = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'medchain_submitRaw',
    params: ['0x' + '61'.repeat(8 * 1024 * 1024 + 16), ['en'], null, manager],
  });
  try {
    const { status, body } = await post(huge);
    assert.equal(status, 413);
    assert.equal(body.error.code, -32007);
  } catch (error) {
    assert.match(String(error.cause?.code ?? error.message), /EPIPE|ECONNRESET|fetch failed|other side closed/);
  }

  // Nothing was ever queued, and the node still answers and authors blocks.
  const queue = await node.rpc('medchain_queue');
  assert.deepEqual([queue.head, queue.tail, queue.bytes, queue.items.length], [0, 0, 0, 0]);
  assert.equal((await node.rpc('system_health')).isSyncing, false);
  const now = await bestNumber();
  await waitFor('a block after the malformed calls', async () => (await bestNumber()) > now, 30_000, 250);
  assert.equal(node.exited, null);
});

test('an account without funds is refused by the pool (1010), with or without a role, and changes nothing', async () => {
  // A role does not pay fees: give the pauper the data-owner role first.
  await sendAndInclude(api, api.tx.sudo.sudo(api.tx.access.assignRole(pauper.address, 'DataOwner')), alice);
  assert.deepEqual((await api.call.accessApi.roles(pauper.address)).map((r) => r.type), ['DataOwner']);
  const before = await palletState();

  for (const [what, tx] of [
    ['registerRecord', api.tx.medicalRecords.registerRecord(recordInput())],
    ['setEncryptionKey', api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32).fill(3)))],
    ['requestAccess', api.tx.access.requestAccess(0, { code: 'Treat', text: 'no funds' })],
    ['transferKeepAlive', api.tx.balances.transferKeepAlive(bob.address, 1n)],
  ]) {
    await assert.rejects(
      sendAndInclude(api, tx, pauper),
      /1010: Invalid Transaction: Inability to pay some fees/,
      what,
    );
  }
  const account = await api.query.system.account(pauper.address);
  assert.equal(account.nonce.toNumber(), 0);
  assert.equal(account.data.free.toBigInt(), 0n);
  const pending = await api.rpc.author.pendingExtrinsics();
  assert.ok(pending.every((xt) => xt.signer.toString() !== pauper.address), 'nothing of the pauper waits in the pool');
  // A block later the pallets are as they were.
  const now = await bestNumber();
  await waitFor('the next block', async () => (await bestNumber()) > now, 30_000, 250);
  assert.deepEqual(await palletState(), before);
});

test('labels, locations, purposes and wrapped keys over their bounds do not decode: refused before a block (1002)', async () => {
  const before = await palletState();
  const [aliceNonce, ferdieNonce] = [await nonceOf(alice), await nonceOf(ferdie)];
  const labels = (n, length) => Array.from({ length: n }, (_, i) => `${i}`.padStart(length, 'x'));
  for (const [what, tx, who] of [
    ['17 labels', api.tx.medicalRecords.registerRecord(recordInput({ labels: labels(17, 3) })), alice],
    ['a 65-byte label', api.tx.medicalRecords.registerRecord(recordInput({ labels: labels(1, 65) })), alice],
    ['a 257-byte location', api.tx.medicalRecords.registerRecord(recordInput({ location: 'l'.repeat(257) })), alice],
    ['an amendment with 17 labels', api.tx.medicalRecords.amendRecord(0, recordInput({ labels: labels(17, 3) })), alice],
    ['a 257-byte purpose', api.tx.access.requestAccess(0, { code: 'Treat', text: 'p'.repeat(257) }), ferdie],
    ['a 257-byte wrapped key', api.tx.access.deliverKey(0, u8aToHex(new Uint8Array(257).fill(0xab))), alice],
  ]) {
    // The runtime cannot decode the transaction to validate it (sp-api traps on
    // undecodable input; see the README): the pool refuses it.
    await assert.rejects(sendAndInclude(api, tx, who), /1002: Verification Error: Runtime error/, what);
  }
  assert.equal(await nonceOf(alice), aliceNonce);
  assert.equal(await nonceOf(ferdie), ferdieNonce);
  assert.equal((await api.rpc.author.pendingExtrinsics()).length, 0);
  assert.deepEqual(await palletState(), before);
  assert.equal((await node.rpc('system_health')).isSyncing, false);

  // At the bounds the same call goes through: 16 distinct labels of 64 bytes, 256 bytes
  // of location.
  const input = recordInput({ labels: labels(16, 64), location: 'l'.repeat(256) });
  const { events } = await sendAndInclude(api, api.tx.medicalRecords.registerRecord(input), alice);
  const registered = events.find(({ event }) => api.events.medicalRecords.RecordRegistered.is(event));
  assert.ok(registered, 'no RecordRegistered');
  assert.equal(registered.event.data.labels.length, 16);
  record = registered.event.data.id.toNumber();
});

test('callers without the role get the named error and change nothing', async () => {
  assert.notEqual(record, undefined, 'the record of the previous test');
  const before = await palletState();
  const answers = await sendAll([
    [eve, api.tx.medicalRecords.registerRecord(recordInput())],
    [eve, api.tx.medicalRecords.amendRecord(record, recordInput())],
    [eve, api.tx.medicalRecords.retractRecord(record)],
    [eve, api.tx.medicalRecords.reportIntegrityFailure(record, 'BlobMissing')],
    [eve, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32).fill(5)))],
    [eve, api.tx.access.requestAccess(record, { code: 'Treat', text: 'no role' })],
    [eve, api.tx.access.revokeGrant(record, ferdie.address)],
    [eve, api.tx.access.assignRole(eve.address, 'DataDemander')],
    [eve, api.tx.access.breakGlass(record, 'no role')],
    [eve, api.tx.access.reviewEmergency(0, false)],
    [ferdie, api.tx.access.breakGlass(record, 'a demander without the emergency role')],
    [ferdie, api.tx.medicalRecords.registerRecord(recordInput())],
    [bob, api.tx.access.requestAccess(record, { code: 'Treat', text: 'a manager is no demander' })],
    [charlie, api.tx.medicalRecords.registerRecord(recordInput({ manager: eve.address }))],
    [charlie, api.tx.medicalRecords.retractRecord(record)],
  ]);
  assert.deepEqual(answers, [
    'medicalRecords.NotDataOwner',
    'medicalRecords.NotOwner',
    'medicalRecords.NotOwner',
    'medicalRecords.NotOwnerOrManager',
    'access.NoRole',
    'access.NotDataDemander',
    'access.NotOwner',
    'BadOrigin',
    'access.NotDataDemander',
    'access.NotMember',
    'access.NotEmergencyAccess',
    'medicalRecords.NotDataOwner',
    'access.NotDataDemander',
    'medicalRecords.ManagerNotDataManager',
    'medicalRecords.NotOwner',
  ]);
  assert.deepEqual(await palletState(), before);
});

test('unknown ids, double votes, votes after close and key delivery by strangers get named errors and change nothing', async () => {
  const key = u8aToHex(new Uint8Array(32).fill(9));
  const wrapped = u8aToHex(new Uint8Array(80).fill(0xab));
  assert.deepEqual(
    await sendAll([
      [ferdie, api.tx.access.setEncryptionKey(key)],
      [ferdie, api.tx.access.requestAccess(record, { code: 'Hresch', text: 'cohort study' })],
    ]),
    ['ok', 'ok'],
  );
  const request = (await api.query.access.nextRequestId()).toNumber() - 1;
  const requestNow = async () => (await api.call.accessApi.request(request)).unwrap();
  assert.equal((await requestNow()).record.toNumber(), record);
  assert.equal((await requestNow()).demander.toString(), ferdie.address);

  // Unknown ids, votes of non-members, a key before approval.
  const unknown = 9_999_999;
  let before = await palletState();
  assert.deepEqual(
    await sendAll([
      [alice, api.tx.access.vote(unknown, true)],
      [alice, api.tx.access.deliverKey(unknown, wrapped)],
      [alice, api.tx.access.deliverKey(request, wrapped)],
      [ferdie, api.tx.access.requestAccess(unknown, { code: 'Treat', text: 'nothing' })],
      [ferdie, api.tx.access.vote(request, true)],
      [eve, api.tx.access.vote(request, true)],
      [charlie, api.tx.medicalRecords.retractRecord(unknown)],
      [charlie, api.tx.medicalRecords.amendRecord(unknown, recordInput())],
      [charlie, api.tx.medicalRecords.reportIntegrityFailure(unknown, 'ContentMismatch')],
      [charlie, api.tx.access.revokeGrant(unknown, ferdie.address)],
    ]),
    [
      'access.UnknownRequest',
      'access.UnknownRequest',
      'access.RequestNotApproved',
      'access.UnknownRecord',
      'access.NotMember',
      'access.NotMember',
      'medicalRecords.UnknownRecord',
      'medicalRecords.UnknownRecord',
      'medicalRecords.UnknownRecord',
      'access.UnknownRecord',
    ],
  );
  assert.deepEqual(await palletState(), before);

  // Dave votes, then twice more: the second and third are refused, the count stays.
  assert.deepEqual(
    await sendAll([
      [dave, api.tx.access.vote(request, true)],
      [dave, api.tx.access.vote(request, true)],
      [dave, api.tx.access.vote(request, false)],
    ]),
    ['ok', 'access.AlreadyVoted', 'access.AlreadyVoted'],
  );
  let now = await requestNow();
  assert.deepEqual([now.status.type, now.ayes.toNumber(), now.nays.toNumber()], ['Open', 1, 0]);

  // Bob's aye approves (2 of 4); then votes after close and deliveries by strangers.
  assert.deepEqual(await sendAll([[bob, api.tx.access.vote(request, true)]]), ['ok']);
  assert.equal((await requestNow()).status.type, 'Approved');
  before = await palletState();
  assert.deepEqual(
    await sendAll([
      [charlie, api.tx.access.vote(request, true)],
      [alice, api.tx.access.vote(request, false)],
      [dave, api.tx.access.vote(request, true)],
      [eve, api.tx.access.deliverKey(request, wrapped)],
      [ferdie, api.tx.access.deliverKey(request, wrapped)],
      [charlie, api.tx.access.deliverKey(request, wrapped)],
      [dave, api.tx.access.deliverKey(request, wrapped)],
    ]),
    [
      'access.RequestNotOpen',
      'access.RequestNotOpen',
      'access.RequestNotOpen',
      'access.NotOwnerOrManager',
      'access.NotOwnerOrManager',
      'access.NotOwnerOrManager',
      'access.NotOwnerOrManager',
    ],
  );
  assert.deepEqual(await palletState(), before);
  now = await requestNow();
  assert.deepEqual([now.status.type, now.ayes.toNumber(), now.nays.toNumber()], ['Approved', 2, 0]);
  assert.ok((await api.query.access.grants(record, ferdie.address)).isNone);
  assert.equal((await api.call.accessApi.canAccess(record, ferdie.address)).isTrue, false);

  // The owner delivers once; a second delivery and a late vote are refused.
  assert.deepEqual(
    await sendAll([
      [alice, api.tx.access.deliverKey(request, wrapped)],
      [alice, api.tx.access.deliverKey(request, wrapped)],
      [charlie, api.tx.access.vote(request, true)],
    ]),
    ['ok', 'access.KeyAlreadyDelivered', 'access.RequestNotOpen'],
  );
  assert.equal((await requestNow()).status.type, 'Delivered');
  assert.equal((await api.call.accessApi.canAccess(record, ferdie.address)).isTrue, true);
});

// sp_core::Bytes would read "0xabc" as 0a bc and queue text nobody sent.
test('medchain_submitRaw refuses odd-length hex', async () => {
  const { body } = await submitRaw(['0xabc', ['en'], null, bob.address]);
  if (body.result) {
    // Leave the queue as it was.
    await node.rpc('medchain_dropQueued', [body.result.slot]);
  }
  assert.equal(body.result, undefined, `queued as ${JSON.stringify(body.result)}`);
  assert.equal(body.error.code, -32602);
  assert.match(JSON.stringify(body.error.data), /odd number of hex digits/);
});

test('issue #21: unaccepted owners, self-votes, keys of small order, pre-empted keys and reaping', async () => {
  assert.notEqual(record, undefined, 'the record of the first test');
  // Dave (a member) becomes a data owner and a data demander by sudo.
  for (const role of ['DataOwner', 'DataDemander']) {
    await sendAndInclude(api, api.tx.sudo.sudo(api.tx.access.assignRole(dave.address, role)), alice);
  }
  // Bob has not accepted Dave: the registration is refused by name, then accepted it works.
  let before = await palletState();
  assert.deepEqual(
    await sendAll([
      [dave, api.tx.medicalRecords.registerRecord(recordInput())],
      [dave, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32)))],
      [dave, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array([1, ...new Uint8Array(31)])))],
      [eve, api.tx.medicalRecords.acceptOwner(dave.address)],
      [bob, api.tx.medicalRecords.dropOwner(dave.address)],
    ]),
    [
      'medicalRecords.OwnerNotAccepted',
      'access.InvalidKey',
      'access.InvalidKey',
      'medicalRecords.NotDataManager',
      'medicalRecords.UnknownOwner',
    ],
  );
  assert.deepEqual(await palletState(), before);
  assert.deepEqual(
    await sendAll([
      [bob, api.tx.medicalRecords.acceptOwner(dave.address)],
      [dave, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32).fill(8)))],
    ]),
    ['ok', 'ok'],
  );
  assert.deepEqual(await sendAll([[dave, api.tx.medicalRecords.registerRecord(recordInput())]]), ['ok']);

  // Dave asks for Alice's record and may not vote on it; Alice and Bob approve.
  const heldBefore = (await api.query.system.account(dave.address)).data.reserved.toBigInt();
  assert.deepEqual(await sendAll([[dave, api.tx.access.requestAccess(record, { code: 'Treat', text: 'self-approval' })]]), ['ok']);
  const request = (await api.query.access.nextRequestId()).toNumber() - 1;
  assert.ok((await api.query.system.account(dave.address)).data.reserved.toBigInt() > heldBefore, 'the request holds a deposit');
  assert.deepEqual(
    await sendAll([
      [dave, api.tx.access.vote(request, true)],
      [eve, api.tx.access.reapRequest(request)],
    ]),
    ['access.OwnRequest', 'access.RequestInProgress'],
  );
  assert.deepEqual(
    await sendAll([
      [alice, api.tx.access.vote(request, true)],
      [bob, api.tx.access.vote(request, true)],
    ]),
    ['ok', 'ok'],
  );

  // Bob (the manager) delivers garbage first; Alice (the owner) replaces it, once.
  const garbage = u8aToHex(new Uint8Array(80));
  const key = u8aToHex(new Uint8Array(80).fill(0xab));
  assert.deepEqual(await sendAll([[bob, api.tx.access.deliverKey(request, garbage)]]), ['ok']);
  assert.deepEqual(
    await sendAll([
      [bob, api.tx.access.deliverKey(request, key)],
      [alice, api.tx.access.deliverKey(request, key)],
    ]),
    ['access.KeyAlreadyDelivered', 'ok'],
  );
  const grant = (await api.query.access.grants(record, dave.address)).unwrap();
  assert.equal(grant.wrappedKey.toHex(), key);
  assert.equal(grant.deliveredBy.toString(), alice.address);
  assert.deepEqual(await sendAll([[alice, api.tx.access.deliverKey(request, garbage)]]), ['access.KeyAlreadyDelivered']);

  // A live grant is not reaped; revoked, anyone reaps and Dave's deposit comes back.
  assert.deepEqual(await sendAll([[eve, api.tx.access.reapRequest(request)]]), ['access.GrantStillActive']);
  assert.deepEqual(await sendAll([[alice, api.tx.access.revokeGrant(record, dave.address)]]), ['ok']);
  assert.deepEqual(await sendAll([[eve, api.tx.access.reapRequest(request)]]), ['ok']);
  assert.ok((await api.call.accessApi.request(request)).isNone, 'the request is gone');
  assert.equal((await api.query.system.account(dave.address)).data.reserved.toBigInt(), heldBefore, 'the request deposit came back');
});
