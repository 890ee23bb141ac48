// Primed dictionaries on a --dev node (issue #8): a dictionary trained with
// `medchain codec train` is stored with `preimage.notePreimage`, registered by a council
// motion (3 of the 4 dev members), and the off-chain worker compresses a new English
// record with it; the record names it, the CLI restores the blob with the chain's copy
// and names it when it is missing. Retired by root, it is no longer used for new records
// while the old record still decodes.
//
// Dev genesis: Alice, Bob, Charlie and Dave are the council; Alice is sudo and a data
// owner (the worker signs with her `medr` key); Bob is the data manager.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, hexToU8a, stringToU8a } from '@polkadot/util';
import { cryptoWaitReady, blake2AsHex } from '@polkadot/util-crypto';
import { startDevNode, startStore, waitFor, waitForFinalizedRecord, sendAndFinalize, councilMotion, cli, runCli, collectRegistrations } from '../lib/nodes.mjs';

const COMPLAINTS = ['chest pain', 'shortness of breath', 'abdominal pain', 'headache', 'fever and cough'];
const HISTORY = ['hypertension', 'type 2 diabetes mellitus', 'coronary artery disease', 'asthma'];

/** An English note made from fixed phrases; `i` varies the details. */
function note(i) {
  return `HISTORY OF PRESENT ILLNESS: The patient is a ${30 + (i % 50)}-year-old `
    + `${i % 2 ? 'male' : 'female'} who presents with ${COMPLAINTS[i % COMPLAINTS.length]} for ${1 + (i % 9)} days. `
    + `PAST MEDICAL HISTORY: Significant for ${HISTORY[i % HISTORY.length]} and ${HISTORY[(i + 1) % HISTORY.length]}. `
    + `PHYSICAL EXAMINATION: Blood pressure ${110 + (i % 40)}/${70 + (i % 20)}, pulse ${60 + (i % 30)}. `
    + 'ASSESSMENT AND PLAN: The patient was discharged home in stable condition. '
    + 'Follow up with the primary care physician in two weeks.\n';
}

let node;
let store;
let api;
let alice, bob, charlie, dave;
let workdir;
let dictionaryId;
let dictionaryBytes;
const registered = new Map(); // raw_hash → RecordRegistered data
let unsubscribe = () => {};

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  [alice, bob, charlie, dave] = ['Alice', 'Bob', 'Charlie', 'Dave'].map((n) => keyring.addFromUri(`//${n}`));
  workdir = mkdtempSync(join(tmpdir(), 'medchain-dictionary-'));
  node = await startDevNode();
  api = await node.api();
  unsubscribe = await collectRegistrations(api, registered);
});

after(async () => {
  unsubscribe();
  await store?.stop();
  await node?.stop();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

/** Queues `text` on the node and waits for its registration; returns the record. */
async function throughWorker(text) {
  const raw = stringToU8a(text);
  const { rawHash } = await node.rpc('medchain_submitRaw', [u8aToHex(raw), ['en'], null, bob.address]);
  await waitFor('the RecordRegistered event', () => registered.has(rawHash), 90_000, 500);
  const id = registered.get(rawHash).id;
  await waitForFinalizedRecord(api, id);
  return { id: id.toNumber(), record: (await api.query.medicalRecords.records(id)).unwrap(), raw };
}

test('a council-registered dictionary primes the worker, and the CLI restores its blobs', async () => {
  // Train on 60 notes (records separated by blank lines).
  const training = join(workdir, 'training.txt');
  writeFileSync(training, Array.from({ length: 60 }, (_, i) => note(i)).join('\n'));
  const dictFile = join(workdir, 'en.mlzd');
  const trained = await runCli(['codec', 'train', '--output', dictFile, '--size', '600', '--max-bits', '12', training]);
  assert.equal(trained.code, 0, trained.stderr);
  dictionaryBytes = readFileSync(dictFile);
  dictionaryId = blake2AsHex(dictionaryBytes, 256);
  assert.match(trained.stdout, new RegExp(`id +${dictionaryId}`), 'train prints the id, the blake2-256 of the file');
  assert.match(trained.stdout, /language +en/);

  // Registration without the bytes on chain is refused; with them a 3-of-4 motion passes.
  const register = api.tx.medicalRecords.registerDictionary(dictionaryId, dictionaryBytes.length, 'English');
  const refused = await councilMotion(api, register, 3, alice, [alice, bob, charlie]);
  const executed = refused.find(({ event }) => api.events.council.Executed.is(event));
  assert.ok(executed, 'the motion executed');
  assert.equal(api.registry.findMetaError(executed.event.data.result.asErr.asModule).name, 'DictionaryBytesUnavailable');

  await sendAndFinalize(api, api.tx.preimage.notePreimage(u8aToHex(dictionaryBytes)), dave);
  const events = await councilMotion(api, register, 3, alice, [alice, bob, charlie]);
  assert.ok(events.some(({ event }) => api.events.medicalRecords.DictionaryRegistered.is(event)
    && event.data.id.toHex() === dictionaryId && event.data.len.toNumber() === dictionaryBytes.length
    && event.data.language.toString() === 'English'),
  JSON.stringify(events.map(({ event }) => event.toHuman())));
  const active = await api.query.medicalRecords.activeDictionaries('English');
  assert.deepEqual(active.map((h) => h.toHex()), [dictionaryId]);
  const info = (await api.query.medicalRecords.dictionaries(dictionaryId)).unwrap();
  assert.equal(info.len.toNumber(), dictionaryBytes.length);
  assert.ok(info.registeredBlock.toNumber() > 0 && info.retiredBlock.isNone);
  assert.ok((await api.query.preimage.requestStatusFor(dictionaryId)).isSome, 'the bytes are requested');

  // The worker compresses (and seals) a new English note with it.
  await node.rpc('author_insertKey', ['medr', '//Alice', u8aToHex(alice.publicKey)]);
  await cli(['records', 'provision-worker', '--suri', '//Alice', '--node', node.wsUrl]);
  const text = note(1000);
  const { id, record, raw } = await throughWorker(text);
  assert.equal(record.input.codec.dictionary.unwrap().toHex(), dictionaryId);
  const contentHash = record.input.contentHash.toHex();
  const blob = hexToU8a(await node.rpc('medchain_getBlob', [contentHash]));
  const compressed = record.input.compressedLen.toNumber();
  assert.equal(blob.length, compressed + 77, 'sealed: the container and 77 bytes');
  assert.ok(compressed < raw.length / 2, `primed: ${compressed} of ${raw.length} bytes`);

  // The owner's CLI opens the blob with the chain's copy of the dictionary.
  const fetched = join(workdir, 'note.fetched');
  await cli(['records', 'blob', String(id), '-o', fetched, '--suri', '//Alice', '--node', node.wsUrl]);
  assert.deepEqual(readFileSync(fetched), Buffer.from(raw));
  // A container made with the dictionary file names it: without it, decompression says
  // which one it needs; with it, the text comes back.
  const textFile = join(workdir, 'note.txt');
  writeFileSync(textFile, raw);
  const container = join(workdir, 'note.mlzw');
  await cli(['codec', 'compress', '--dict', dictFile, textFile, '-o', container]);
  const missing = await runCli(['codec', 'decompress', container, '-o', join(workdir, 'x.out')]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, new RegExp(dictionaryId.slice(2)));
  const restored = join(workdir, 'note.out');
  await cli(['codec', 'decompress', '--dict', dictFile, container, '-o', restored]);
  assert.deepEqual(readFileSync(restored), Buffer.from(raw));
});

test('`records put` primes with the chain\'s dictionary too, and refuses one the chain has not registered', async () => {
  store = await startStore({ manager: bob.address, node });
  const put = async (file, ...extra) => cli(['--json', 'records', 'put', file, '--label', 'en', '--store', store.url,
    '--suri', '//Alice', '--node', node.wsUrl, ...extra]);
  const primedFile = join(workdir, 'put-primed.txt');
  writeFileSync(primedFile, note(3000));
  const plainFile = join(workdir, 'put-plain.txt');
  writeFileSync(plainFile, note(3001));

  // `--dict auto` (the default) picks the newest active English dictionary, as the worker does.
  const primed = await put(primedFile);
  assert.equal(primed.dictionary, dictionaryId);
  const onChain = (await api.query.medicalRecords.records(primed.record)).unwrap();
  assert.equal(onChain.input.codec.dictionary.unwrap().toHex(), dictionaryId);
  assert.equal(onChain.input.rawHash.toHex(), primed.raw_hash);
  assert.notEqual(primed.raw_hash, blake2AsHex(readFileSync(primedFile), 256), 'raw_hash is keyed');
  const plain = await put(plainFile, '--dict', 'none');
  assert.equal(plain.dictionary, null);
  assert.ok(primed.compressed_len * 1.5 < plain.compressed_len, `primed ${primed.compressed_len}, plain ${plain.compressed_len}`);

  // The owner gets it back with the chain's copy of the dictionary.
  const got = join(workdir, 'put-primed.out');
  await cli(['--json', 'records', 'get', String(primed.record), '-o', got, '--suri', '//Alice', '--node', node.wsUrl]);
  assert.deepEqual(readFileSync(got), readFileSync(primedFile));

  // A dictionary file the chain has not registered is refused before anything is sent.
  const other = join(workdir, 'other.mlzd');
  const training = join(workdir, 'training.txt');
  const trained = await runCli(['codec', 'train', '--output', other, '--size', '600', '--max-bits', '13', training]);
  assert.equal(trained.code, 0, trained.stderr);
  const next = (await api.query.medicalRecords.nextRecordId()).toNumber();
  const refused = await runCli(['records', 'put', primedFile, '--label', 'en', '--store', store.url, '--dict', other,
    '--suri', '//Alice', '--node', node.wsUrl]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /is not registered on this chain/);
  assert.equal((await api.query.medicalRecords.nextRecordId()).toNumber(), next, 'nothing was registered');
});

test('a retired dictionary is not used for new records, and old ones still decode', async () => {
  const { events } = await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.medicalRecords.retireDictionary(dictionaryId)), alice);
  assert.ok(events.some(({ event }) => api.events.medicalRecords.DictionaryRetired.is(event)));
  assert.equal((await api.query.medicalRecords.activeDictionaries('English')).length, 0);

  const { id, record, raw } = await throughWorker(note(2000));
  assert.ok(record.input.codec.dictionary.isNone, 'no active dictionary: none named');
  const fetched = join(workdir, 'new.fetched');
  await cli(['records', 'blob', String(id), '-o', fetched, '--suri', '//Alice', '--node', node.wsUrl]);
  assert.deepEqual(readFileSync(fetched), Buffer.from(raw));

  // The first record, compressed with the now retired dictionary, still restores.
  const first = [...registered.values()][0];
  const old = (await api.query.medicalRecords.records(first.id)).unwrap();
  assert.equal(old.input.codec.dictionary.unwrap().toHex(), dictionaryId);
  const again = join(workdir, 'old.fetched');
  await cli(['records', 'blob', first.id.toString(), '-o', again, '--suri', '//Alice', '--node', node.wsUrl]);
  assert.deepEqual(readFileSync(again), Buffer.from(note(1000)));
});
