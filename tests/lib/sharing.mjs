// The paper's sharing flow, as Polkadot.js drives it: a data owner registers a record, a
// demander publishes its key and asks, members vote (1 of 4 is not enough, 2 of 4 is),
// the owner delivers the wrapped key, `AccessApi.can_access` turns true, the owner
// revokes, it turns false, and the audit head recomputed from the exported events
// equals the on-chain one. Then the refusals, each with its named error.
//
// One definition for the solo chain (e2e/access.test.mjs) and the parachain
// (e2e/parachain.test.mjs): both have the demo consortium of the `local_testnet` preset
// (medchain-runtime-common's genesis): Alice, Bob, Charlie and Dave are the members,
// Alice and Charlie data owners, Bob the data manager, Ferdie a data demander; Eve
// holds no role.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { sendAndInclude, sendAndFinalize } from './nodes.mjs';

let api;
let alice, bob, charlie, dave, eve, ferdie;

/**
 * Defines the sharing tests on the chain `getApi()` connects to (called once the
 * suite's `before` has started it).
 */
export function defineSharingTests(getApi) {
  const ready = async () => {
    api = getApi();
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    [alice, bob, charlie, dave, eve, ferdie] = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) =>
      keyring.addFromUri(`//${name}`),
    );
  };

  test('owner registers, 2 of 4 members approve, owner delivers, can_access follows, the audit head checks', async () => {
    await ready();
    const roles = (await api.call.accessApi.roles(ferdie.address)).map((r) => r.type);
    assert.deepEqual(roles, ['DataDemander']);

    const record = await register(alice, '患者男，45岁，主诉胸痛3小时。ECG: ST elevation.', ['cardiology', 'zh-en']);
    const stored = (await api.call.medicalRecordsApi.record(record.id)).unwrap();
    assert.equal(stored.owner.toString(), alice.address);
    assert.equal(stored.status.type, 'Live');
    const mine = (await api.call.medicalRecordsApi.recordsOf(alice.address, null, 10)).map((id) => id.toNumber());
    assert.ok(mine.includes(record.id));
    const labelled = (await api.call.medicalRecordsApi.recordsLabelled('cardiology', null, 10)).map((id) => id.toNumber());
    assert.ok(labelled.includes(record.id));

    // Ferdie publishes an X25519 public key and asks.
    await sendAndInclude(api, api.tx.access.setEncryptionKey(u8aToHex(new Uint8Array(32).fill(9))), ferdie);
    const request = await openRequest(ferdie, record.id, 'retrospective cohort study');
    const opened = (await api.call.accessApi.request(request)).unwrap();
    assert.equal(opened.threshold.toNumber(), 2, 'threshold ⌈4/2⌉ fixed at opening');
    assert.equal(opened.members.toNumber(), 4);

    await vote(alice, request, true);
    assert.equal(await requestStatus(request), 'Open', '1 of 4 is not enough');
    const events = await vote(bob, request, true);
    findEvent(events, 'access', 'RequestApproved');
    assert.equal(await requestStatus(request), 'Approved', '2 of 4 approve');
    assert.equal(await canAccess(record.id, ferdie), false, 'approval alone gives no key');

    // The owner delivers the data key sealed to Ferdie's key (80 bytes: ephemeral key,
    // sealed key, tag).
    const wrapped = u8aToHex(new Uint8Array(80).fill(0xab));
    const delivered = await sendAndInclude(api, api.tx.access.deliverKey(request, wrapped), alice);
    findEvent(delivered.events, 'access', 'KeyDelivered');
    assert.equal(await canAccess(record.id, ferdie), true);
    const grant = await api.query.access.grants(record.id, ferdie.address);
    assert.equal(grant.unwrap().wrappedKey.toHex(), wrapped);

    // Finalized, so that the whole history below is final.
    const revoked = await sendAndFinalize(api, api.tx.access.revokeGrant(record.id, ferdie.address), alice);
    findEvent(revoked.events, 'access', 'GrantRevoked');
    assert.equal(await canAccess(record.id, ferdie), false);

    // Export the record's events and fold them: head' = blake2_256(head ++ SCALE(event)).
    const { log, at } = await exportAuditLog(record.id);
    assert.deepEqual(
      log.map((e) => e.method),
      ['RecordRegistered', 'AccessRequested', 'Voted', 'Voted', 'RequestApproved', 'KeyDelivered', 'GrantRevoked'],
    );
    let head = new Uint8Array(32);
    for (const event of log) {
      head = blake2AsU8a(u8aConcat(head, event.toU8a()), 256);
    }
    const onChain = await (await api.at(at)).call.accessApi.auditHead(record.id);
    assert.equal(u8aToHex(head), onChain.toHex());
    // A log with an entry dropped does not check.
    let partial = new Uint8Array(32);
    for (const event of log.slice(1)) {
      partial = blake2AsU8a(u8aConcat(partial, event.toU8a()), 256);
    }
    assert.notEqual(u8aToHex(partial), onChain.toHex());
  });

  test('refusals carry their named errors', async () => {
    await ready();
    const open = await register(charlie, 'Patient presents with fever and cough for 3 days.', ['pulmonology']);
    const doomed = await register(charlie, '出院诊断：社区获得性肺炎。', ['pulmonology', 'zh']);
    const request = await openRequest(ferdie, open.id, 'second opinion');

    await assert.rejects(vote(eve, request, true), /access\.NotMember/, 'a non-member votes');
    await assert.rejects(vote(ferdie, request, true), /access\.NotMember/, 'the demander votes');
    await vote(dave, request, true);
    await assert.rejects(vote(dave, request, true), /access\.AlreadyVoted/, 'a member votes twice');
    assert.equal(await requestStatus(request), 'Open');

    await assert.rejects(
      openRequest(eve, open.id, 'no role'),
      /access\.NotDataDemander/,
      'a demander without the role requests',
    );
    await assert.rejects(openRequest(ferdie, open.id, 'again'), /access\.RequestAlreadyOpen/);
    await assert.rejects(openRequest(ferdie, 9_999, 'nothing'), /access\.UnknownRecord/);

    // Three nays of four: approval is impossible, the request is rejected at once.
    const rejected = await openRequest(ferdie, doomed.id, 'bulk export');
    await Promise.all([vote(alice, rejected, false), vote(bob, rejected, false)]);
    assert.equal(await requestStatus(rejected), 'Open', 'two nays leave approval possible');
    findEvent(await vote(charlie, rejected, false), 'access', 'RequestRejected');
    assert.equal(await requestStatus(rejected), 'Rejected');
    await assert.rejects(
      sendAndInclude(api, api.tx.access.deliverKey(rejected, '0x' + 'ab'.repeat(80)), charlie),
      /access\.RequestNotApproved/,
      'a key delivered for a rejected request',
    );
    await assert.rejects(vote(dave, rejected, true), /access\.RequestNotOpen/, 'a vote after close');

    // Roles are the council's: a signed call cannot give one.
    await assert.rejects(
      sendAndInclude(api, api.tx.access.assignRole(eve.address, 'DataDemander'), alice),
      /badorigin/i,
    );
    // Only data owners register.
    await assert.rejects(register(ferdie, 'not mine', ['x']), /medicalRecords\.NotDataOwner/);
    assert.equal(await canAccess(open.id, eve), false);
  });
}

/** The named field of an event's data (Polkadot.js keeps the names from the metadata). */
export function field(event, name) {
  const index = event.data.names?.indexOf(name) ?? -1;
  return index >= 0 ? event.data[index] : undefined;
}

export function findEvent(events, section, method) {
  const found = events.find(({ event }) => event.section === section && event.method === method);
  assert.ok(found, `no ${section}.${method} among ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
  return found.event;
}

/** Registers a record of `owner` (text → hashes as a real client computes them). */
async function register(owner, text, labels) {
  const bytes = new TextEncoder().encode(text);
  const input = {
    rawHash: blake2AsHex(bytes, 256),
    // The stored blob's hash: here a stand-in, since compression and encryption are the
    // client's business (issue #6); the chain only keeps the hash.
    contentHash: blake2AsHex(u8aConcat(bytes, new Uint8Array([1])), 256),
    rawLen: bytes.length,
    compressedLen: Math.ceil(bytes.length / 3),
    codec: { method: 'Hanzi', dictionary: null },
    labels,
    location: `store://bob/${blake2AsHex(bytes, 64).slice(2)}`,
    manager: bob.address,
  };
  const { blockHash, events } = await sendAndInclude(api, api.tx.medicalRecords.registerRecord(input), owner);
  const registered = findEvent(events, 'medicalRecords', 'RecordRegistered');
  assert.equal(field(registered, 'rawHash').toHex(), input.rawHash);
  assert.equal(field(registered, 'owner').toString(), owner.address);
  assert.ok(field(registered, 'atMs').toNumber() > 1_600_000_000_000, 'atMs is a timestamp in ms');
  return { id: field(registered, 'id').toNumber(), blockHash, input };
}

async function openRequest(demander, record, purpose) {
  const { events } = await sendAndInclude(api, api.tx.access.requestAccess(record, { code: 'Hresch', text: purpose }), demander);
  return field(findEvent(events, 'access', 'AccessRequested'), 'request').toNumber();
}

async function vote(member, request, approve) {
  return (await sendAndInclude(api, api.tx.access.vote(request, approve), member)).events;
}

async function requestStatus(request) {
  const found = await api.call.accessApi.request(request);
  assert.ok(found.isSome, `request ${request} unknown`);
  return found.unwrap().status.type;
}

async function canAccess(record, who) {
  return (await api.call.accessApi.canAccess(record, who.address)).isTrue;
}

/**
 * Every event naming `record` on the finalized chain, block by block up to the finalized
 * head (so that no fork can mix two histories); returns them with that head's hash.
 */
async function exportAuditLog(record) {
  const head = await api.rpc.chain.getFinalizedHead();
  const to = (await api.rpc.chain.getHeader(head)).number.toNumber();
  const log = [];
  for (let n = 1; n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const events = await (await api.at(hash)).query.system.events();
    for (const { event } of events) {
      const names =
        event.section === 'medicalRecords'
          ? [field(event, 'id'), field(event, 'previous')]
          : event.section === 'access'
            ? [field(event, 'record')]
            : [];
      if (names.some((id) => id !== undefined && id.toNumber() === record)) {
        log.push(event);
      }
    }
  }
  return { log, at: head };
}

