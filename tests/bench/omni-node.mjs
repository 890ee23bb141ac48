// The parachain runtime on polkadot-omni-node `--dev` (issue #19): block interval,
// `registerRecord` submit → in block, and whether the collator runs our off-chain
// worker with a `medr` key. Starts omni-node on loopback and stops it by pid. Not part
// of the tests (omni-node is a 20-minute build: `scripts/parachain.sh --install-only`).
//
//   cd tests && node bench/omni-node.mjs [--blocks 10] [--records 10]
//
// omni-node: $OMNI_NODE, else $CARGO_TARGET_DIR/omni-node/bin/polkadot-omni-node.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, u8aConcat } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { startNode, waitFor } from '../lib/nodes.mjs';
import { paraSpec } from '../lib/parachain.mjs';

const { values } = parseArgs({ options: { blocks: { type: 'string', default: '10' }, records: { type: 'string', default: '10' } } });
const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'medchain-target');
const omniNode = process.env.OMNI_NODE || join(target, 'omni-node', 'bin', 'polkadot-omni-node');
if (!existsSync(omniNode)) throw new Error(`${omniNode} not found: run scripts/parachain.sh --install-only`);

await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519' });
const [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
const spec = paraSpec({ preset: 'development' });
const node = await startNode({
  name: 'omni-node',
  command: {
    binary: omniNode,
    args: ({ rpcPort, basePath }) => ['--chain', spec, '--dev', '--base-path', basePath, '--rpc-port', String(rpcPort),
      '--no-prometheus', '--no-telemetry', '--offchain-worker', 'always', '-lmedchain::worker=debug'],
  },
});
console.error("# omni-node up");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const api = await node.api();
  // Block interval from the blocks' own timestamps.
  const blocks = Number(values.blocks);
  const stamps = [];
  const arrivals = [];
  await new Promise((resolve) => {
    let unsubscribe;
    api.rpc.chain.subscribeNewHeads(async (header) => {
      arrivals.push(performance.now());
      const at = await api.at(header.hash);
      stamps.push((await at.query.timestamp.now()).toNumber());
      if (stamps.length > blocks) {
        unsubscribe();
        resolve();
      }
    }).then((u) => { unsubscribe = u; });
  });
  console.error(`# ${stamps.length} block timestamps`);
  // The first head may be genesis (timestamp 0): skip it.
  const gaps = stamps.slice(2).map((t, i) => t - stamps[i + 1]);
  const wallGaps = arrivals.slice(2).map((t, i) => Math.round(t - arrivals[i + 1]));

  // The collator's worker signs with the `medr` key of the owner it is provisioned for.
  await node.rpc('author_insertKey', ['medr', '//Alice', u8aToHex(alice.publicKey)]);

  console.error("# medr key inserted");
  // Submitted with `author_submitExtrinsic` and found in the imported blocks' events:
  // omni-node's `--dev` sealing does not report `inBlock` to a watching submitter.
  const inclusion = [];
  const pending = new Map();
  const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
    const events = await (await api.at(header.hash)).query.system.events();
    for (const { event } of events) {
      if (!api.events.medicalRecords.RecordRegistered.is(event)) continue;
      const started = pending.get(event.data.rawHash.toHex());
      if (started !== undefined) {
        inclusion.push(performance.now() - started);
        pending.delete(event.data.rawHash.toHex());
      }
    }
  });
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  for (let i = 0; i < Number(values.records); i += 1) {
    const bytes = new TextEncoder().encode(`omni-node record ${i} ${Date.now()}`);
    const input = {
      rawHash: blake2AsHex(bytes, 256),
      contentHash: blake2AsHex(u8aConcat(bytes, new Uint8Array([1])), 256),
      rawLen: bytes.length,
      compressedLen: bytes.length,
      codec: { method: 'Hanzi', dictionary: null },
      labels: ['bench'],
      location: `store://bob/${i}`,
      manager: bob.address,
    };
    const tx = await api.tx.medicalRecords.registerRecord(input).signAsync(alice, { nonce });
    nonce += 1;
    pending.set(input.rawHash, performance.now());
    await api.rpc.author.submitExtrinsic(tx);
    // One at a time, as a hospital's client would.
    await waitFor(`record ${i} in a block`, () => !pending.has(input.rawHash), 60_000, 20);
  }
  unsubscribe();
  // Does the collator run our worker? Mark one record as queued in the node's off-chain
  // storage (QueueMeta { head 0, tail 1, items 1, bytes 10 }, SCALE): with no owner
  // provisioned (omni-node has no `medchain_provisionWorker`), the worker says so every
  // 10 blocks.
  const meta = new Uint8Array(32);
  new DataView(meta.buffer).setBigUint64(8, 1n, true);
  new DataView(meta.buffer).setBigUint64(16, 1n, true);
  new DataView(meta.buffer).setBigUint64(24, 10n, true);
  const metaKey = u8aToHex(new TextEncoder().encode('medchain::queue::meta'));
  await node.rpc('offchain_localStorageSet', ['PERSISTENT', metaKey, u8aToHex(meta)]);
  const workerLines = await waitFor('the worker in the log', () => {
    const lines = readFileSync(node.logPath, 'utf8').split('\n').filter((l) => l.includes('medchain::worker'));
    return lines.length ? lines : null;
  }, 45_000).catch(() => []);
  const version = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  console.log(JSON.stringify({
    omniNode,
    specVersion: version,
    blockIntervalMs: { median: median(wallGaps), min: Math.min(...wallGaps), max: Math.max(...wallGaps), blocks: wallGaps.length },
    timestampStepMs: { median: median(gaps), min: Math.min(...gaps), max: Math.max(...gaps) },
    registerRecordInBlockMs: { median: Math.round(median(inclusion)), max: Math.round(Math.max(...inclusion)), records: inclusion.length },
    workerLogLines: workerLines.length,
    workerSample: workerLines.slice(0, 2),
  }, null, 1));
} finally {
  await node.stop();
}
process.exit(0);
