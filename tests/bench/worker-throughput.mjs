// Measures the off-chain worker on a --dev node: codec throughput inside the WASM
// runtime against the native CLI on the same files, and what the worker gets through per
// block and per minute from submission to the sealed blob in a data manager's store
// (compress, seal, register, confirm, upload). Needs the corpus (../shared/corpus or
// $MEDCHAIN_CORPUS); not part of the tests.
//
//   cd tests && node bench/worker-throughput.mjs
//
// Each group is queued over `medchain_submitRaw` and drained before the next, so the
// worker's log lines of a group are its own:
//   "slot N: RAW → COMPRESSED bytes (METHOD), sealed, in T ms (codec C ms)"  (one per record)
//   "block B: compressed and sealed K records (BYTES bytes) in T ms, submitted S, registered R, …"

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, startStore, waitFor, cliBinary } from '../lib/nodes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(process.env.MEDCHAIN_CORPUS || join(here, '..', '..', '..', 'shared', 'corpus'));
if (!existsSync(corpus)) {
  console.error(`no corpus at ${corpus}: set MEDCHAIN_CORPUS`);
  process.exit(2);
}

const files = (dir) => readdirSync(join(corpus, dir)).sort().filter((f) => f.endsWith('.txt')).map((f) => join(corpus, dir, f));
const largest = (dir) => files(dir).filter((f) => f.endsWith('.txt') && statSync(f).isFile() && statSync(f).size <= 4 << 20)
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];

const GROUPS = [
  { name: 'zh records (200)', files: files('zh/records') },
  { name: 'en records (200)', files: files('en/records') },
  { name: 'mixed records (200)', files: files('mixed/records') },
  { name: `zh large (${largest('zh').split('/').pop()})`, files: [largest('zh')] },
  { name: `en large (${largest('en').split('/').pop()})`, files: [largest('en')] },
  { name: `mixed large (${largest('mixed').split('/').pop()})`, files: [largest('mixed')] },
];

function nativeMBps(paths) {
  const args = ['codec', 'bench', '--json', '--only-ours', '--totals-only', '--min-time-ms', '50', ...paths];
  const report = JSON.parse(execFileSync(cliBinary(), args, { maxBuffer: 64 << 20 }).toString());
  return report.totals[0].encode_mb_s;
}

await cryptoWaitReady();
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
const node = await startDevNode();
const store = await startStore({ manager: bob.address, node });
const rows = [];
try {
  await node.rpc('author_insertKey', ['medr', '//Alice', u8aToHex(alice.publicKey)]);
  execFileSync(cliBinary(), ['records', 'provision-worker', '--suri', '//Alice', '--node', node.wsUrl]);
  for (const group of GROUPS) {
    const logSize = () => (existsSync(node.logPath) ? statSync(node.logPath).size : 0);
    const from = logSize();
    let raw = 0;
    const started = Date.now();
    for (const file of group.files) {
      const bytes = readFileSync(file);
      raw += bytes.length;
      await node.rpc('medchain_submitRaw', [u8aToHex(bytes), ['bench'], store.url, bob.address]);
    }
    await waitFor(`${group.name} to drain`, async () => (await node.rpc('medchain_queue')).items.length === 0, 600_000, 1000);
    const wallSeconds = (Date.now() - started) / 1000;
    // The node's output goes to its log file asynchronously; give it a moment.
    await new Promise((r) => setTimeout(r, 1000));
    const log = readFileSync(node.logPath).subarray(from).toString();
    const items = [...log.matchAll(/slot \d+: (\d+) → (\d+) bytes \((\w+)(?:, primed)?\), sealed, in (\d+) ms \(codec (\d+) ms\)/g)]
      .map((m) => ({ raw: +m[1], compressed: +m[2], method: m[3], ms: +m[4], codecMs: +m[5] }));
    const blocks = [...log.matchAll(/block (\d+): compressed and sealed (\d+) records \((\d+) bytes\) in (\d+) ms, submitted (\d+), registered (\d+)/g)]
      .map((m) => ({ block: +m[1], records: +m[2], bytes: +m[3], ms: +m[4], submitted: +m[5], registered: +m[6] }));
    const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);
    const compressMs = sum(items, (i) => i.ms);
    const codecMs = sum(items, (i) => i.codecMs);
    const workerMs = sum(blocks, (b) => b.ms);
    const registeredBlocks = blocks.filter((b) => b.registered > 0).map((b) => b.block);
    const native = nativeMBps(group.files);
    rows.push({
      group: group.name,
      records: items.length,
      raw,
      ratio: sum(items, (i) => i.compressed) / sum(items, (i) => i.raw),
      methods: [...new Set(items.map((i) => i.method))].join('/'),
      wasmMBps: compressMs ? raw / 1e6 / (compressMs / 1e3) : NaN,
      // The codec alone in the runtime (compared with `native` in the table).
      wasmCodecMBps: codecMs ? raw / 1e6 / (codecMs / 1e3) : NaN,
      workerMBps: workerMs ? raw / 1e6 / (workerMs / 1e3) : NaN,
      native,
      maxRecordsPerBlock: Math.max(...blocks.map((b) => b.submitted)),
      maxBytesPerBlock: Math.max(...blocks.map((b) => b.bytes)),
      maxWorkerMs: Math.max(...blocks.map((b) => b.ms)),
      blocks: registeredBlocks.length ? registeredBlocks.at(-1) - blocks[0].block + 1 : 0,
      wallSeconds,
      recordsPerMinute: items.length / (wallSeconds / 60),
      endToEndMBps: raw / 1e6 / wallSeconds,
    });
    console.error(JSON.stringify(rows.at(-1)));
  }
} finally {
  await store.stop();
  await node.stop();
}

console.log('| group | records | raw bytes | ratio | method | WASM codec MB/s (÷ native) | WASM codec + seal MB/s | WASM worker MB/s | native MB/s | most records / block | most bytes / block | longest run ms | blocks to drain | submit → stored: records/min | MB/s |');
console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.group} | ${r.records} | ${r.raw} | ${r.ratio.toFixed(3)} | ${r.methods} | ${r.wasmCodecMBps.toFixed(2)} (${(r.wasmCodecMBps / r.native).toFixed(2)}×) | ${r.wasmMBps.toFixed(2)} | ${r.workerMBps.toFixed(2)} | ${r.native.toFixed(2)} | ${r.maxRecordsPerBlock} | ${r.maxBytesPerBlock} | ${r.maxWorkerMs} | ${r.blocks} | ${r.recordsPerMinute.toFixed(0)} | ${r.endToEndMBps.toFixed(3)} |`);
}
