// The paper's whole data path on the four-hospital local consortium, driven through
// the `medchain` CLI as a person at a terminal would, with the data manager's store
// running: the owner puts a Chinese record (compressed, sealed, registered, uploaded),
// a demander asks, two members vote aye, the owner delivers the key, the demander gets
// byte-identical text. A second demander without a grant gets 403 and no key; after
// revocation the first one gets 403 too; a blob altered on the store's disk is caught
// by `get`. Polkadot.js checks what the chain recorded. Break glass: a demander given the
// emergency role opens an access without a vote, reads the record, and loses both when
// the members find it unjustified. The owner's accounting of disclosures lists both, as
// CSV, JSON and FHIR R5 that HL7's JSON schema accepts.
//
// On the same consortium and store, Charlie's hospital node does the paper's whole flow
// itself (issue #18): its operator provisions the worker with Charlie's data-key root,
// queues Chinese, English and mixed texts over `medchain_submitRaw`, and the worker
// compresses, seals, registers and uploads them; Ferdie gets one after two ayes and
// Charlie's key, and neither the store nor any storage value of the chain holds a text,
// its container or its plain hash. A store that is down, answers 500 or hangs delays an
// upload (retried, reported in `medchain_queue`) and loses nothing, also when the node is
// killed meanwhile.
//
// Erasure: an amendment that keeps the text keeps the blob in the store; retracting the
// last version deletes it once finalized, and the chain keeps only a tombstone.
//
// Genesis roles (runtime-common/src/genesis.rs): Alice and Charlie are data
// owners, Bob the data manager, Ferdie a data demander; a council motion makes Eve a
// second demander.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { u8aToHex, hexToU8a } from '@polkadot/util';
import { fhirErrors } from '../lib/fhir.mjs';
import { startConsortium, startStore, startBadStore, stopAll, cli, runCli, councilMotion, waitFor, sendAndFinalize } from '../lib/nodes.mjs';

const fixture = (name) => fileURLToPath(new URL(`../../codec/tests/fixtures/${name}`, import.meta.url));
const ZH_RECORD = fixture('zh.txt');

let nodes = [];
let store;
let api;
let work;
let alice, bob, charlie, eve, ferdie;
const storeDirs = [];
/** What the first two tests disclosed, for the accounting of disclosures. */
const disclosed = {};

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, eve, ferdie] = ['Alice', 'Bob', 'Charlie', 'Eve', 'Ferdie'].map((name) => keyring.addFromUri(`//${name}`));
  work = mkdtempSync(join(tmpdir(), 'medchain-store-e2e-'));
  nodes = await startConsortium({ chain: 'local' });
  api = await nodes[0].api();
  // Bob is the data manager; his store believes Alice's node.
  store = await startStore({ manager: bob.address, node: nodes[0] });
  storeDirs.push(store.dir);
});

after(async () => {
  await store?.stop();
  await stopAll(nodes);
  rmSync(work, { recursive: true, force: true });
  for (const dir of storeDirs) rmSync(dir, { recursive: true, force: true });
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
    '--store', store.url, ...as('Alice'), ...node(),
  ]);
  const record = put.record;
  // raw_hash is Alice's keyed commitment: nobody else can test a guess of the text
  // against it, and the plain hash of the text is nowhere on-chain.
  const plainHash = blake2AsHex(original, 256);
  assert.notEqual(put.raw_hash, plainHash);
  assert.match(put.raw_hash, /^0x[0-9a-f]{64}$/);
  assert.equal(put.raw_len, original.length);
  assert.ok(put.compressed_len < original.length, 'the record was not compressed');
  assert.equal(put.uploaded, true);
  const stored = (await api.call.medicalRecordsApi.record(record)).unwrap();
  assert.equal(stored.owner.toString(), alice.address);
  assert.equal(stored.input.manager.toString(), bob.address);
  assert.equal(stored.input.contentHash.toHex(), put.content_hash);
  assert.equal(stored.input.rawHash.toHex(), put.raw_hash);
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
  assert.ok(!sealed.includes(original.subarray(0, 32)), 'the blob holds the text in the clear');
  assert.ok(!sealed.includes(Buffer.from(plainHash.slice(2), 'hex')), 'the blob holds the plain hash');
  // Putting the same file again resumes instead of registering twice.
  const again = await cli(['--json', 'records', 'put', ZH_RECORD, '--label', 'cardiology', '--store', store.url, ...as('Alice'), ...node()]);
  assert.equal(again.record, record);
  assert.equal(again.uploaded, false);

  // The records are listed by owner and label.
  const listed = await runCli(['--json', 'records', 'list', '--owner', alice.address, ...node()]);
  assert.ok(listed.lines.some((r) => r.record === record && r.status === 'live'));
  const labelled = await runCli(['--json', 'records', 'list', '--label', 'cardiology', ...node()]);
  assert.ok(labelled.lines.some((r) => r.record === record));

  // Ferdie asks; one aye of four is not enough, two are.
  const request = (await cli(['--json', 'access', 'request', String(record), '--code', 'HRESCH', '--purpose', 'cardiology cohort', ...as('Ferdie'), ...node()])).request;
  const first = await cli(['--json', 'access', 'vote', String(request), '--aye', ...as('Alice'), ...node()]);
  assert.equal(first.status, 'open');
  // A refusal by the chain names the pallet's error and gives its documentation.
  const twice = await runCli(['access', 'vote', String(request), '--aye', ...as('Alice'), ...node()]);
  assert.notEqual(twice.code, 0);
  assert.match(twice.stderr, /Access::AlreadyVoted: This member already voted on this request\./);
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
  disclosed.shared = { record, request };

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
  const revocation = await cli(['--json', 'access', 'revoke', String(record), ferdie.address, ...as('Alice'), ...node()]);
  assert.deepEqual({ record: revocation.record, demander: revocation.demander }, { record, demander: ferdie.address });
  assert.ok(revocation.block > 0);
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

test('break glass: Eve opens an emergency access at once from the CLI, reads the record, and loses it and her role when three members find it unjustified', async () => {
  // Eve (a demander since the first test, her key published) gets the emergency role.
  const events = await councilMotion(api, api.tx.access.assignRole(eve.address, 'EmergencyAccess'), 3, alice, [alice, bob, charlie]);
  assert.ok(events.find(({ event }) => api.events.council.Executed.is(event))?.event.data.result.isOk);
  const put = await cli(['--json', 'records', 'put', fixture('en.txt'), '--label', 'emergency', '--store', store.url, ...as('Alice'), ...node()]);
  const record = put.record;

  // A reason is mandatory; Ferdie, without the role, is refused by name.
  const blank = await runCli(['access', 'break-glass', String(record), '--reason', '  ', ...as('Eve'), ...node()]);
  assert.notEqual(blank.code, 0);
  assert.match(blank.stderr, /Access::EmptyReason/);
  const noRole = await runCli(['access', 'break-glass', String(record), '--reason', 'curious', ...as('Ferdie'), ...node()]);
  assert.notEqual(noRole.code, 0);
  assert.match(noRole.stderr, /Access::NotEmergencyAccess/);

  const opened = await cli(['--json', 'access', 'break-glass', String(record), '--reason', 'unconscious in the ED, allergies unknown', ...as('Eve'), ...node()]);
  assert.equal(opened.record, record);
  assert.equal(opened.uses_in_period, 1);
  const request = opened.request;
  assert.equal((await api.call.accessApi.request(request)).unwrap().status.type, 'Approved');
  // No vote: the owner delivers at once, and Eve reads the record.
  await cli(['--json', 'access', 'deliver-key', String(request), ...as('Alice'), ...node()]);
  assert.equal((await api.query.access.grants(record, eve.address)).unwrap().expiresBlock.toNumber(), opened.expires_block);
  disclosed.emergency = { record, request, reason: 'unconscious in the ED, allergies unknown' };
  const eveCopy = join(work, 'eve-emergency.txt');
  await cli(['--json', 'records', 'get', String(record), '-o', eveCopy, ...as('Eve'), ...node()]);
  assert.ok(readFileSync(eveCopy).equals(readFileSync(fixture('en.txt'))));

  // The review: two "unjustified" of four leave it pending, the third decides.
  const first = await cli(['--json', 'access', 'review', String(request), '--unjustified', ...as('Alice'), ...node()]);
  assert.deepEqual([first.status, first.unjustified_count], ['pending', 1]);
  const notMember = await runCli(['access', 'review', String(request), '--justified', ...as('Ferdie'), ...node()]);
  assert.notEqual(notMember.code, 0);
  assert.match(notMember.stderr, /Access::NotMember/);
  await cli(['--json', 'access', 'review', String(request), '--unjustified', ...as('Bob'), ...node()]);
  const third = await cli(['--json', 'access', 'review', String(request), '--unjustified', ...as('Charlie'), ...node()]);
  assert.equal(third.status, 'unjustified');
  assert.deepEqual((await api.call.accessApi.roles(eve.address)).map((r) => r.toString()), ['DataDemander']);
  assert.equal((await api.call.accessApi.canAccess(record, eve.address)).isTrue, false);
  const refused = await runCli(['records', 'get', String(record), '-o', join(work, 'eve-late.txt'), ...as('Eve'), ...node()]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /403/);
  const again = await runCli(['access', 'break-glass', String(record), '--reason', 'again', ...as('Eve'), ...node()]);
  assert.match(again.stderr, /Access::NotEmergencyAccess/);

  // The flag stays in the record's trail.
  const audit = await runCli(['--json', 'records', 'audit', String(record), ...node()]);
  assert.equal(audit.json.matches, true);
  const trail = audit.lines.slice(0, -1).map((e) => e.event);
  assert.deepEqual(trail.slice(1), [
    'Access.EmergencyAccessOpened', 'Access.KeyDelivered',
    'Access.EmergencyReviewed', 'Access.EmergencyReviewed', 'Access.EmergencyReviewed',
    'Access.EmergencyAccessUnjustified',
  ]);
});

test("the accounting of disclosures of Alice's records, as CSV, JSON and FHIR R5 that validates against HL7's schema", async () => {
  const { shared, emergency } = disclosed;
  assert.ok(shared && emergency, 'the first two tests disclosed nothing');
  const disclosures = (...args) => runCli(['access', 'disclosures', '--owner', alice.address, ...args, ...node()]);

  // JSON: Ferdie's research request approved by Alice and Bob, then revoked; Eve's
  // emergency access, found unjustified.
  const json = await disclosures('--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.lines.length, 2, json.stdout);
  const [research, breakGlass] = json.lines;
  assert.deepEqual(
    { record: research.record, request: research.request, demander: research.demander, by: research.delivered_by, code: research.purpose_code, text: research.purpose_text, emergency: research.emergency, review: research.review },
    { record: shared.record, request: shared.request, demander: ferdie.address, by: alice.address, code: 'HRESCH', text: 'cardiology cohort', emergency: false, review: null },
  );
  assert.equal(research.purpose_display, 'healthcare research');
  assert.deepEqual([...research.approved_by].sort(), [alice.address, bob.address].sort());
  assert.ok(research.revoked_at > research.delivered_at, 'the revocation is not accounted');
  assert.deepEqual(
    { record: breakGlass.record, request: breakGlass.request, demander: breakGlass.demander, code: breakGlass.purpose_code, text: breakGlass.purpose_text, emergency: breakGlass.emergency, review: breakGlass.review, approvers: breakGlass.approved_by },
    { record: emergency.record, request: emergency.request, demander: eve.address, code: 'BTG', text: emergency.reason, emergency: true, review: 'unjustified', approvers: [] },
  );
  // `--json` alone means the JSON format.
  const global = await runCli(['--json', 'access', 'disclosures', '--owner', alice.address, ...node()]);
  assert.deepEqual(global.lines, json.lines);

  // CSV: a header and the same two lines, the reason quoted (it holds a comma).
  const csv = await disclosures();
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\n');
  assert.equal(rows[0], 'delivered_at,record,request,demander,delivered_by,purpose_code,purpose_display,purpose_text,approved_by,emergency,review,revoked_at,block');
  assert.equal(rows.length, 3);
  assert.ok(rows[2].includes(`,BTG,break the glass,"${emergency.reason}",,true,unjustified,`), rows[2]);

  // Days: today's disclosures are in --from/--to today, none from tomorrow on.
  const today = research.delivered_at.slice(0, 10);
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
  const inDay = await disclosures('--format', 'json', '--from', today, '--to', today);
  assert.equal(inDay.lines.length, 2);
  const later = await disclosures('--format', 'json', '--from', tomorrow);
  assert.deepEqual([later.code, later.lines.length], [0, 0]);
  const backwards = await disclosures('--from', tomorrow, '--to', today);
  assert.notEqual(backwards.code, 0);
  assert.match(backwards.stderr, /--from is after --to/);
  const notADay = await disclosures('--from', '2026-02-30');
  assert.notEqual(notADay.code, 0);
  assert.match(notADay.stderr, /is not a day/);
  // Another owner's accounting holds none of Alice's.
  const charlies = await runCli(['access', 'disclosures', '--owner', charlie.address, '--format', 'json', ...node()]);
  assert.deepEqual([charlies.code, charlies.lines.length], [0, 0]);

  // FHIR R5: a Bundle of a Consent and an AuditEvent per disclosure, valid.
  const fhir = await disclosures('--format', 'fhir');
  assert.equal(fhir.code, 0, fhir.stderr);
  const bundle = JSON.parse(fhir.stdout);
  assert.deepEqual(fhirErrors(bundle), []);
  const resources = bundle.entry.map((e) => e.resource);
  assert.deepEqual(resources.map((r) => r.resourceType), ['Consent', 'AuditEvent', 'Consent', 'AuditEvent']);
  const [researchConsent, researchEvent, emergencyConsent, emergencyEvent] = resources;
  assert.deepEqual(researchConsent.provision[0].purpose, [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HRESCH', display: 'healthcare research' }]);
  assert.equal(researchConsent.status, 'inactive', 'a revoked consent is active');
  assert.deepEqual(researchConsent.verification.map((v) => v.verifiedBy.identifier.value).sort(), [alice.address, bob.address].sort());
  assert.equal(researchEvent.entity[0].what.identifier.value, String(shared.record));
  assert.equal(emergencyEvent.authorization[0].coding[0].code, 'BTG');
  assert.equal(emergencyEvent.authorization[0].text, emergency.reason);
  assert.equal(emergencyEvent.severity, 'alert');
  assert.equal(emergencyConsent.status, 'inactive', 'an unjustified emergency consent is active');
  // The check can fail: an R4-only element and an unknown status are caught.
  assert.notDeepEqual(fhirErrors({ ...bundle, entry: [{ resource: { ...researchConsent, patient: researchConsent.grantor[0] } }] }), []);
  assert.notDeepEqual(fhirErrors({ ...bundle, entry: [{ resource: { ...researchConsent, status: 'revoked' } }] }), []);
});

/** Charlie's node: the hospital whose worker does the whole flow. */
const hospital = () => nodes[2];

/** Queues `text` on Charlie's node for the store at `location`; returns `{ slot, rawHash }`. */
const ingest = (text, labels, location = store.url) => hospital().rpc('medchain_submitRaw', [u8aToHex(text), labels, location, bob.address]);

/** The item of `slot` in Charlie's queue, if it is still there. */
const queued = async (slot) => (await hospital().rpc('medchain_queue')).items.find((item) => item.slot === slot);

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

test("a hospital node's worker compresses, seals, registers and uploads; the record is shared like a put one and nothing reveals its text", async () => {
  const texts = { zh: readFileSync(fixture('zh.txt')), en: readFileSync(fixture('en.txt')), mixed: readFileSync(fixture('mixed.txt')) };

  // Not provisioned yet: a record queued now waits, with no commitment, and the node says why.
  const early = await ingest(texts.zh, ['zh', 'worker']);
  assert.equal(early.rawHash, null);
  await hospital().rpc('author_insertKey', ['medr', '//Charlie', u8aToHex(charlie.publicKey)]);
  await waitFor('the unprovisioned warning', () => /no data owner is provisioned on this node/.test(hospital().output), 60_000, 500);
  let status = await hospital().rpc('medchain_queue');
  assert.equal(status.owner, null);
  assert.equal(status.items[0].state, 'queued');

  // Provisioning: a root that is not Charlie's key's is refused, so is an owner whose key
  // the node does not hold; Charlie's own succeeds.
  await assert.rejects(hospital().rpc('medchain_provisionWorker', [charlie.address, '0x' + '11'.repeat(32)]), /does not belong/);
  const alien = await runCli(['records', 'provision-worker', ...as('Alice'), '--node', hospital().wsUrl]);
  assert.notEqual(alien.code, 0);
  assert.match(alien.stderr, /no `medr` key of that account/);
  const provisioned = await runCli(['records', 'provision-worker', ...as('Charlie'), '--node', hospital().wsUrl]);
  assert.equal(provisioned.code, 0, provisioned.stderr);
  assert.equal((await hospital().rpc('medchain_queue')).owner, charlie.address);

  const slots = { zh: early.slot };
  for (const language of ['en', 'mixed']) {
    const { slot, rawHash } = await ingest(texts[language], [language, 'worker']);
    assert.match(rawHash, /^0x[0-9a-f]{64}$/);
    assert.notEqual(rawHash, blake2AsHex(texts[language], 256), 'never the plain hash');
    slots[language] = slot;
  }
  await waitFor('the worker to register and upload all three', async () => (await hospital().rpc('medchain_queue')).items.length === 0, 240_000, 1000);

  // Three records of Charlie's, each in the store under its content hash, sealed.
  const ids = (await api.call.medicalRecordsApi.recordsOf(charlie.address, null, 100)).map((id) => id.toNumber());
  assert.equal(ids.length, 3);
  const byLanguage = {};
  for (const id of ids) {
    const record = (await api.call.medicalRecordsApi.record(id)).unwrap();
    const language = record.input.labels.map((l) => l.toUtf8()).find((l) => l in texts);
    byLanguage[language] = { id, record };
    assert.equal(record.rawHashKind.toString(), 'Keyed');
    assert.equal(record.input.location.toUtf8(), store.url);
    assert.equal(record.input.rawLen.toNumber(), texts[language].length);
    const file = join(store.dir, 'blobs', u8aToHex(charlie.publicKey), record.input.contentHash.toHex());
    const sealed = readFileSync(file);
    assert.equal(blake2AsHex(sealed, 256), record.input.contentHash.toHex());
    assert.equal(sealed.length, record.input.compressedLen.toNumber() + 77);
  }
  assert.deepEqual(Object.keys(byLanguage).sort(), ['en', 'mixed', 'zh']);

  // Shared exactly like a `put` record: Ferdie asks, two of four approve, Charlie delivers.
  const { id } = byLanguage.zh;
  const request = (await cli(['--json', 'access', 'request', String(id), '--code', 'TREAT', '--purpose', 'worker flow', ...as('Ferdie'), ...node()])).request;
  await cli(['--json', 'access', 'vote', String(request), '--aye', ...as('Alice'), ...node()]);
  const approved = await cli(['--json', 'access', 'vote', String(request), '--aye', ...as('Bob'), ...node()]);
  assert.equal(approved.status, 'approved');
  await cli(['--json', 'access', 'deliver-key', String(request), ...as('Charlie'), ...node()]);
  const copy = join(work, 'ferdie-worker.txt');
  const got = await cli(['--json', 'records', 'get', String(id), '-o', copy, ...as('Ferdie'), ...node()]);
  assert.equal(got.verified, true);
  assert.ok(readFileSync(copy).equals(texts.zh), 'the demander got other bytes');

  // Nothing in the store or in any storage value of the chain reveals a text: not its
  // bytes, not its compressed container, not its plain blake2-256.
  const needles = [];
  for (const [language, text] of Object.entries(texts)) {
    const source = join(work, `leak-${language}.txt`);
    writeFileSync(source, text);
    const container = join(work, `leak-${language}.mlzw`);
    await cli(['codec', 'compress', source, '-o', container]);
    const packed = readFileSync(container);
    needles.push([`${language} text`, text.subarray(0, 32)]);
    needles.push([`${language} container`, packed.subarray(packed.length >> 1, (packed.length >> 1) + 32)]);
    needles.push([`${language} plain hash`, Buffer.from(hexToU8a(blake2AsHex(text, 256)))]);
  }
  const haystacks = filesUnder(store.dir).map((file) => [file, readFileSync(file)]);
  const pairs = await nodes[0].rpc('state_getPairs', ['0x']);
  assert.ok(pairs.length > 100, `${pairs.length} storage values`);
  for (const [key, value] of pairs) haystacks.push([`storage ${key.slice(0, 66)}`, Buffer.from(hexToU8a(value))]);
  for (const [what, needle] of needles) {
    for (const [where, bytes] of haystacks) {
      assert.ok(!bytes.includes(needle), `${what} found in ${where}`);
    }
  }
});

test('a store that is down delays the upload and loses nothing, also across a killed node; one that answers 500 or hangs is retried and reported', async () => {
  // The store goes down before the record registers.
  const port = Number(new URL(store.url).port);
  const url = store.url;
  await store.stop({ keepData: true });
  const text = Buffer.from('Discharge summary written while the store was down: stable, follow up in two weeks.\n'.repeat(8));
  const { slot, rawHash } = await ingest(text, ['en', 'outage'], url);
  await waitFor('the registration', async () => (await api.query.medicalRecords.recordByRawHash(charlie.address, rawHash)).isSome, 120_000, 1000);
  const failing = await waitFor('a failed upload', async () => {
    const item = await queued(slot);
    return item?.uploadAttempts >= 1 && item;
  }, 120_000, 1000);
  assert.match(failing.state, /^upload/);
  assert.equal(failing.lastStatus, 0, 'no answer from a store that is down');
  assert.equal(failing.rawLen, text.length);

  // Charlie's node crashes meanwhile and comes back on its own data.
  await hospital().kill();
  nodes[2] = await hospital().restart();
  assert.equal((await hospital().rpc('medchain_queue')).owner, charlie.address, 'provisioning survives');
  assert.ok(await queued(slot), 'the upload is still due after the restart');

  // The store returns (same address and folder): the upload goes through.
  store = await startStore({ manager: bob.address, node: nodes[0], objects: storeDirs[0], port });
  assert.equal(store.url, url);
  await waitFor('the upload after the store returned', async () => !(await queued(slot)), 240_000, 1000);
  const id = (await api.query.medicalRecords.recordByRawHash(charlie.address, rawHash)).unwrap().toNumber();
  const record = (await api.call.medicalRecordsApi.record(id)).unwrap();
  const file = join(store.dir, 'blobs', u8aToHex(charlie.publicKey), record.input.contentHash.toHex());
  assert.equal(blake2AsHex(readFileSync(file), 256), record.input.contentHash.toHex());
  const copy = join(work, 'outage.txt');
  await cli(['--json', 'records', 'get', String(id), '-o', copy, ...as('Charlie'), ...node()]);
  assert.ok(readFileSync(copy).equals(text));

  // A store that answers 500 and one that hangs: retried with backoff and reported, while
  // a record for the working store goes through; the operator drops the two.
  const erring = await startBadStore('error');
  const hanging = await startBadStore('hang');
  try {
    const bad = await ingest(Buffer.from('Record for a store that answers 500.'), ['en', 'bad-store'], erring.url);
    const slow = await ingest(Buffer.from('Record for a store that never answers.'), ['en', 'bad-store'], hanging.url);
    const good = await ingest(Buffer.from('Record for the working store, queued last.'), ['en', 'bad-store']);
    await waitFor('the good upload', async () => !(await queued(good.slot)), 240_000, 1000);
    const [erred, hung] = await waitFor('two failed upload attempts each', async () => {
      const items = await Promise.all([queued(bad.slot), queued(slow.slot)]);
      return items.every((item) => item?.uploadAttempts >= 2) && items;
    }, 240_000, 1000);
    assert.equal(erred.lastStatus, 500);
    assert.equal(hung.lastStatus, 0);
    assert.ok(erring.requests >= 2 && hanging.requests >= 2, `${erring.requests}, ${hanging.requests}`);
    assert.ok(erred.nextUploadAt > 0);
    assert.match(hospital().output, /upload of record #\d+ failed \(500: the disk is on fire\)/);
    for (const item of [bad, slow]) {
      await cli(['records', 'drop', String(item.slot), '--node', hospital().wsUrl]);
    }
    await waitFor('the dropped items to leave', async () => (await hospital().rpc('medchain_queue')).items.length === 0, 60_000, 1000);
  } finally {
    await erring.close();
    await hanging.close();
  }
});

test("retracting a record deletes its blob from the manager's store once final; an amendment that keeps the text keeps it", async () => {
  const file = join(work, 'erase-me.txt');
  writeFileSync(file, `Outpatient note; the patient later asked for its erasure (${Date.now()}).\n`.repeat(6));
  const put = await cli(['--json', 'records', 'put', file, '--label', 'erasure', '--store', store.url, ...as('Alice'), ...node()]);
  const onDisk = join(store.dir, 'blobs', u8aToHex(alice.publicKey), put.content_hash);
  assert.ok(existsSync(onDisk), 'the blob was not stored');

  // A new version with other labels and the same text names the same blob: it stays.
  const first = (await api.call.medicalRecordsApi.record(put.record)).unwrap();
  const input = first.input.toJSON();
  input.labels = ['erasure', 'amended'].map((label) => u8aToHex(new TextEncoder().encode(label)));
  const { events } = await sendAndFinalize(api, api.tx.medicalRecords.amendRecord(put.record, input), alice);
  const amended = events.find(({ event }) => api.events.medicalRecords.RecordAmended.is(event));
  const latest = amended.event.data.id.toNumber();
  await waitFor('the store to see the amendment', () => store.output.includes(`record ${put.record} is retired, its blob stays (live record ${latest} names it)`), 60_000, 500);
  assert.ok(existsSync(onDisk), 'the blob of a live record was deleted');

  // Retracting the last version erases the blob; the chain keeps a tombstone.
  await sendAndFinalize(api, api.tx.medicalRecords.retractRecord(latest), alice);
  await waitFor('the store to delete the blob', () => !existsSync(onDisk), 60_000, 500);
  assert.match(store.output, new RegExp(`collected the blob of record ${latest} \\(${put.blob_len} bytes`));
  const tombstone = (await api.call.medicalRecordsApi.record(latest)).unwrap();
  assert.ok(tombstone.status.isRetracted);
  assert.equal(tombstone.owner.toString(), alice.address);
  assert.equal(tombstone.input.contentHash.toHex(), put.content_hash);
  const gone = await runCli(['records', 'get', String(latest), '-o', join(work, 'erased.txt'), ...as('Alice'), ...node()]);
  assert.notEqual(gone.code, 0);
  assert.ok(!existsSync(join(work, 'erased.txt')));
});
