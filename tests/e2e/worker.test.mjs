// The off-chain worker on a --dev node: Alice's `medr` key is inserted over RPC and her
// data-key root provisioned with the CLI, a Chinese, an English and a mixed record are
// queued (two with `medchain_submitRaw`, one with `medchain records ingest`), the worker
// compresses and seals them in the runtime and registers them; the `RecordRegistered`
// events carry Alice's keyed commitments (never the texts' plain hashes), the records
// name the sealed blobs the node serves with `medchain_getBlob`, and the owner's CLI
// opens each blob to the original bytes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, hexToU8a, stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, blake2AsHex } from '@polkadot/util-crypto';
import { startDevNode, waitFor, waitForFinalizedRecord, cliBinary, runCli, collectRegistrations } from '../lib/nodes.mjs';

/** Bytes a sealed blob adds to the compressed container (medchain-crypto, version 2). */
const ENVELOPE_OVERHEAD = 77;

const RECORDS = {
  zh: '患者，男，58岁。主诉：胸闷、气短三天，活动后加重。既往高血压病史十年。查体：血压一百五十/九十五毫米汞柱，'
    + '心率八十八次每分，双肺底可闻及少量湿啰音。诊断：高血压性心脏病，心功能二级。处理：低盐饮食，规律服药，门诊随访。\n'
    .repeat(6),
  en: 'Patient is a 64-year-old woman admitted with shortness of breath and bilateral leg swelling. '
    + 'History of type 2 diabetes and chronic kidney disease. Echocardiogram: ejection fraction 35 percent. '
    + 'Assessment: decompensated heart failure. Plan: IV furosemide, daily weights, fluid restriction.\n'
    .repeat(6),
  mixed: '患者血压 150/95 mmHg，既往 hypertension 病史五年，口服 amlodipine 5 mg qd 及 metformin 500 mg bid。'
    + 'HbA1c 7.8%，LDL-C 3.9 mmol/L。诊断：essential hypertension，type 2 diabetes mellitus。建议复查 blood pressure。\n'
    .repeat(6),
};

let node;
let api;
let alice;
let bob;
let workdir;
const registered = new Map(); // raw_hash → RecordRegistered data
let unsubscribe = () => {};

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  workdir = mkdtempSync(join(tmpdir(), 'medchain-worker-'));
  node = await startDevNode();
  api = await node.api();
  unsubscribe = await collectRegistrations(api, registered);
});

after(async () => {
  unsubscribe();
  await node?.stop();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

test('bad input is refused with a clear error, and nothing is queued', async () => {
  // A location that is not a store's http(s) URL, and labels that look like personal data.
  await assert.rejects(
    node.rpc('medchain_submitRaw', [u8aToHex(stringToU8a('text')), ['en'], 's3://bucket/x', bob.address]),
    /http:\/\/ or https:\/\/ URL/,
  );
  await assert.rejects(
    node.rpc('medchain_submitRaw', [u8aToHex(stringToU8a('text')), ['tel 13812345678'], null, bob.address]),
    /looks like a phone number/,
  );
  await assert.rejects(
    node.rpc('medchain_submitRaw', [u8aToHex(stringToU8a('text')), ['11010519491231002X'], null, bob.address]),
    /looks like a resident ID number/,
  );
  // Provisioning refuses a root that is not the `medr` key's, and an account without one.
  await assert.rejects(
    node.rpc('medchain_provisionWorker', [alice.address, '0x' + '11'.repeat(32)]),
    /no `medr` key of that account/,
  );
  await node.rpc('author_insertKey', ['medr', '//Alice', u8aToHex(alice.publicKey)]);
  await assert.rejects(
    node.rpc('medchain_provisionWorker', [alice.address, '0x' + '11'.repeat(32)]),
    /does not belong to the `medr` key's account/,
  );
  await assert.rejects(node.rpc('medchain_provisionWorker', [alice.address, '0x1234']), /32 bytes/);
  assert.equal((await node.rpc('medchain_queue')).owner, null);
  await assert.rejects(
    node.rpc('medchain_submitRaw', [u8aToHex(stringToU8a('text')), [], null, bob.address]),
    /0 labels given/,
  );
  await assert.rejects(node.rpc('medchain_submitRaw', ['0x', ['en'], null, bob.address]), /empty/);
  const queue = await node.rpc('medchain_queue');
  assert.equal(queue.items.length, 0);
});

test('queued records are compressed, registered with their hashes and served byte-identical', async () => {
  // The node signs with a `medr` key; Alice holds the data-owner role in the dev genesis.
  await node.rpc('author_insertKey', ['medr', '//Alice', u8aToHex(alice.publicKey)]);
  assert.equal(await node.rpc('author_hasKey', [u8aToHex(alice.publicKey), 'medr']), true);
  // The operator provisions Alice's data-key root (the node checks it against the key).
  const provisioned = execFileSync(cliBinary(), ['records', 'provision-worker', '--suri', '//Alice', '--node', node.wsUrl]).toString();
  assert.match(provisioned, new RegExp(`now works for ${alice.address}`));
  assert.equal((await node.rpc('medchain_queue')).owner, alice.address);
  // Again, as a script would: one JSON object, and nothing changes.
  const again = JSON.parse(execFileSync(cliBinary(), ['--json', 'records', 'provision-worker', '--suri', '//Alice', '--node', node.wsUrl]).toString());
  assert.deepEqual(again, { node: node.wsUrl, owner: alice.address, unchanged: true });

  const hashes = {};
  for (const language of ['zh', 'en']) {
    const raw = stringToU8a(RECORDS[language]);
    const queued = await node.rpc('medchain_submitRaw', [u8aToHex(raw), [language, 'cardiology'], null, bob.address]);
    assert.match(queued.rawHash, /^0x[0-9a-f]{64}$/, 'the node reports the commitment');
    assert.notEqual(queued.rawHash, blake2AsHex(raw, 256), 'never the plain hash of the text');
    hashes[language] = queued.rawHash;
  }
  const mixedFile = join(workdir, 'mixed.txt');
  writeFileSync(mixedFile, RECORDS.mixed);
  const printed = JSON.parse(execFileSync(cliBinary(), [
    '--json', 'records', 'ingest', mixedFile, '--label', 'mixed', '--label', 'endocrinology',
    '--manager', bob.address, '--node', node.wsUrl,
  ]).toString());
  assert.equal(printed.file, mixedFile);
  assert.equal(printed.raw_len, Buffer.byteLength(RECORDS.mixed));
  hashes.mixed = printed.raw_hash;
  assert.match(hashes.mixed, /^0x[0-9a-f]{64}$/);
  const queued = JSON.parse(execFileSync(cliBinary(), ['--json', 'records', 'queue', '--node', node.wsUrl]).toString());
  assert.equal(queued.owner, alice.address);
  assert.ok(Array.isArray(queued.items));
  assert.match(execFileSync(cliBinary(), ['records', 'queue', '--node', node.wsUrl]).toString(), new RegExp(`worker provisioned for ${alice.address}`));

  await waitFor('three RecordRegistered events', () => Object.values(hashes).every((h) => registered.has(h)), 90_000, 500);

  for (const [language, rawHash] of Object.entries(hashes)) {
    const raw = stringToU8a(RECORDS[language]);
    const event = registered.get(rawHash);
    assert.equal(event.owner.toString(), alice.address);
    assert.equal(event.rawLen.toNumber(), raw.length);
    assert.ok(event.compressedLen.toNumber() < raw.length * 0.8, `${language} compresses`);

    const record = (await api.query.medicalRecords.records(event.id)).unwrap();
    assert.equal(record.input.rawHash.toHex(), rawHash);
    assert.equal(record.input.manager.toString(), bob.address);
    const method = record.input.codec.method.toString();
    assert.ok(language === 'en' ? method === 'Bytes' : ['Hanzi', 'PaperMixed'].includes(method), `${language}: ${method}`);
    const contentHash = record.input.contentHash.toHex();
    assert.equal(record.input.location.toUtf8(), `medchain-blob:${contentHash}`);

    // The node serves the sealed blob; its hash is the record's; it holds neither the
    // text nor its container in the clear; the owner's CLI restores the text.
    const blob = hexToU8a(await node.rpc('medchain_getBlob', [contentHash]));
    assert.equal(blob.length, event.compressedLen.toNumber() + ENVELOPE_OVERHEAD);
    assert.equal(blake2AsHex(blob, 256), contentHash);
    assert.equal(Buffer.from(blob.subarray(0, 5)).toString('latin1'), 'MCB1\x02');
    assert.ok(!Buffer.from(blob).includes(Buffer.from(raw.subarray(0, 24))), `${language}: text in the clear`);

    const fetched = join(workdir, `${language}.fetched`);
    await waitForFinalizedRecord(api, event.id);
    const wrote = JSON.parse(execFileSync(cliBinary(), ['--json', 'records', 'blob', String(event.id), '-o', fetched, '--suri', '//Alice', '--node', node.wsUrl]).toString());
    assert.deepEqual(wrote, { record: event.id.toNumber(), output: fetched, output_bytes: raw.length, sealed: false });
    assert.deepEqual(readFileSync(fetched), Buffer.from(raw), `${language} byte-identical`);
  }

  // Registered items leave the queue; nothing is registered twice.
  await waitFor('the queue to empty', async () => (await node.rpc('medchain_queue')).items.length === 0, 30_000, 500);
  const live = await api.query.medicalRecords.recordsByOwner.keys(alice.address);
  assert.equal(live.length, 3);
  // Without the owner's key the sealed blob is not opened.
  const first = registered.get(hashes.zh).id.toString();
  const nokey = await runCli(['records', 'blob', first, '-o', join(workdir, 'nokey.txt'), '--node', node.wsUrl]);
  assert.notEqual(nokey.code, 0);
  assert.match(nokey.stderr, /sealed: give --suri/);
  assert.equal(await node.rpc('medchain_getBlob', ['0x' + '00'.repeat(32)]), null);
});

test('a record the chain would refuse stays queued, says why, and can be dropped', async () => {
  const eve = new Keyring({ type: 'sr25519' }).addFromUri('//Eve');
  const raw = stringToU8a('Discharge summary: stable, follow up in two weeks.');
  // Eve holds no data-manager role: the worker compresses the record but does not send it.
  const { slot, rawHash } = await node.rpc('medchain_submitRaw', [u8aToHex(raw), ['en'], null, eve.address]);
  await waitFor('the refusal in the node log', () => /stays queued: the chain would refuse it \(.*ManagerNotDataManager/.test(node.output), 30_000, 500);
  const item = (await node.rpc('medchain_queue')).items.find((i) => i.slot === slot);
  assert.equal(item.state, 'prepared');
  assert.equal(item.rawHash, rawHash);

  const printed = JSON.parse(execFileSync(cliBinary(), ['--json', 'records', 'drop', String(slot), '--node', node.wsUrl]).toString());
  assert.deepEqual(printed, { slot, dropped: true });
  await waitFor('the queue to empty', async () => (await node.rpc('medchain_queue')).items.length === 0, 30_000, 500);
  assert.ok((await api.query.medicalRecords.recordByRawHash(alice.address, rawHash)).isNone);
  assert.ok(!registered.has(rawHash));
});
