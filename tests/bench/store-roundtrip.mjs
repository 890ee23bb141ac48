// Measures the data path end to end on a --dev node with a running store: `records put`
// (compress, seal, register and wait for finality, upload) and `records get` (download,
// check, open, decompress, check) for a 1 MB and a 100 MB file, and the bytes a record
// costs on-chain (its state entries and its extrinsic) against its size.
// Needs the corpus (../shared/corpus or $MEDCHAIN_CORPUS); not part of the tests.
//
//   cd tests && node bench/store-roundtrip.mjs

import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { execFileSync } from 'node:child_process';
import { startDevNode, startStore, cli, cliBinary } from '../lib/nodes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(process.env.MEDCHAIN_CORPUS || join(here, '..', '..', '..', 'shared', 'corpus'));
if (!existsSync(corpus)) {
  console.error(`no corpus at ${corpus}: set MEDCHAIN_CORPUS`);
  process.exit(2);
}

/** `size` bytes of a language's corpus text (its files repeated), cut at a UTF-8 boundary. */
function text(lang, size) {
  const sources = readdirSync(join(corpus, lang))
    .filter((f) => f.endsWith('.txt') && !f.includes('gbk'))
    .map((f) => join(corpus, lang, f))
    .filter((f) => statSync(f).isFile());
  const parts = [];
  let total = 0;
  for (let round = 0; total < size; round++) {
    for (const file of sources) {
      const bytes = readFileSync(file);
      parts.push(bytes);
      total += bytes.length;
      if (total >= size) break;
    }
  }
  let cut = size;
  const all = Buffer.concat(parts, total);
  while (cut > 0 && (all[cut] & 0xc0) === 0x80) cut--;
  return all.subarray(0, cut);
}

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519' });
const [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
const work = mkdtempSync(join(tmpdir(), 'medchain-store-bench-'));
const node = await startDevNode();
const store = await startStore({ manager: bob.address, node });
const api = await node.api();
const rows = [];
try {
  for (const [lang, size, label] of [['zh', 1 << 20, '1 MiB'], ['en', 1 << 20, '1 MiB'], ['zh', 100 << 20, '100 MiB'], ['en', 100 << 20, '100 MiB']]) {
    const file = join(work, `${lang}-${size}.txt`);
    writeFileSync(file, text(lang, size));
    const put = await cli(['--json', 'records', 'put', file, '--label', lang, '--store', store.url, '--suri', '//Alice', '--node', node.wsUrl]);
    const get = await cli(['--json', 'records', 'get', String(put.record), '-o', `${file}.out`, '--suri', '//Alice', '--node', node.wsUrl]);
    if (!readFileSync(`${file}.out`).equals(readFileSync(file))) throw new Error('round trip differs');

    // On-chain bytes: every state entry the registration wrote (key + value), and its extrinsic.
    const q = api.query.medicalRecords;
    const record = (await api.call.medicalRecordsApi.record(put.record)).unwrap();
    const keys = [
      q.records.key(put.record),
      q.recordsByOwner.key(alice.address, put.record),
      ...record.input.labels.map((l) => q.recordsByLabel.key(l, put.record)),
      q.recordByRawHash.key(alice.address, put.raw_hash),
      api.query.access.auditHeads.key(put.record),
    ];
    let state = 0;
    for (const key of keys) {
      const size = (await api.rpc.state.getStorageSize(key)).toNumber();
      state += (key.length - 2) / 2 + size;
    }
    const hash = await api.rpc.chain.getBlockHash(put.registered_in_block);
    const block = await api.rpc.chain.getBlock(hash);
    const xt = block.block.extrinsics.find((x) => x.method.section === 'medicalRecords' && x.method.method === 'registerRecord');
    // The same file through the other compressors (ratios over UTF-8 and, for Chinese, GBK).
    const bench = JSON.parse(execFileSync(cliBinary(), ['codec', 'bench', '--json', '--totals-only', '--min-time-ms', '1', file], { maxBuffer: 64 << 20 }).toString());
    const ratio = (codec) => {
      const r = bench.totals.find((t) => t.codec === codec);
      return lang === 'en' ? r.ratio_utf8.toFixed(3) : `${r.ratio_utf8.toFixed(3)} / ${r.ratio_gbk.toFixed(3)}`;
    };
    const gbk = bench.totals[0].gbk;
    rows.push({
      others: ['medchain-lzw', 'gzip-9', 'zstd-19', 'brotli-11'].map(ratio),
      sealed: lang === 'en' ? (put.blob_len / put.raw_len).toFixed(3) : `${(put.blob_len / put.raw_len).toFixed(3)} / ${(put.blob_len / gbk).toFixed(3)}`,
      file: `${lang} ${label}`,
      raw: put.raw_len,
      ratio: (put.compressed_len / put.raw_len).toFixed(3),
      put: put.seconds,
      get: get.seconds,
      state,
      extrinsic: xt.encodedLength,
    });
    rmSync(file);
    rmSync(`${file}.out`);
  }
} finally {
  await store.stop();
  await node.stop();
  rmSync(work, { recursive: true, force: true });
}

const s = (x) => x.toFixed(2);
console.log('| file | raw bytes | medchain-lzw | sealed blob | gzip -9 | zstd -19 | brotli -11 |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.file} | ${r.raw} | ${r.others[0]} | ${r.sealed} | ${r.others[1]} | ${r.others[2]} | ${r.others[3]} |`);
}
console.log();
console.log('| file | raw bytes | ratio | put: compress+seal | put: register (to finality) | put: upload | put total | get total | MB/s put (excl. finality) | on-chain state | extrinsic |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  const busy = r.put.compress_seal + r.put.upload;
  console.log(`| ${r.file} | ${r.raw} | ${r.ratio} | ${s(r.put.compress_seal)} s | ${s(r.put.register)} s | ${s(r.put.upload)} s | ${s(r.put.total)} s | ${s(r.get)} s | ${(r.raw / 1e6 / busy).toFixed(1)} | ${r.state} B | ${r.extrinsic} B |`);
}
