// The parachain runtime under test, on chopsticks (@acala-network/chopsticks): it runs
// the runtime's WASM from a raw chain spec and mocks the relay chain's inherents
// (validation data, the upgrade go-ahead), so no relay chain is needed. Blocks are
// built when a transaction arrives (`Instant`) or on `dev_newBlock`; every block is
// final at once. Started and stopped by pid like a node (lib/nodes.mjs).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { u8aToHex } from '@polkadot/util';
import { xxhashAsHex } from '@polkadot/util-crypto';
import { nodeBinary, startNode } from './nodes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const chopsticksBinary = join(here, '..', 'node_modules', '@acala-network', 'chopsticks', 'chopsticks.cjs');

/**
 * Writes a raw chain spec of the parachain runtime with `medchain-node para-spec`
 * (the built-in runtime, or the WASM file `runtime`); returns its path.
 */
export function paraSpec({ preset = 'local_testnet', runtime, paraId } = {}) {
  const out = join(mkdtempSync(join(tmpdir(), 'medchain-para-spec-')), `${preset}.json`);
  const args = ['para-spec', '--preset', preset, '--raw', '--output', out];
  if (runtime) args.push('--runtime', runtime);
  if (paraId !== undefined) args.push('--para-id', String(paraId));
  execFileSync(nodeBinary(), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** The slot length of the parachain runtime (`MILLI_SECS_PER_BLOCK`). */
const SLOT_MS = 6000;

/**
 * Gives a raw spec a genesis `Timestamp::Now` at the start of the current slot.
 * chopsticks takes the first block's slot and timestamp from two readings of the
 * clock when the genesis has none; a slot boundary between them makes Aura reject the
 * block ("Timestamp slot must match `CurrentSlot`").
 */
function withGenesisTimestamp(spec) {
  const json = JSON.parse(readFileSync(spec, 'utf8'));
  const key = xxhashAsHex('Timestamp', 128) + xxhashAsHex('Now', 128).slice(2);
  const now = BigInt(Math.floor(Date.now() / SLOT_MS) * SLOT_MS);
  const value = new Uint8Array(8);
  new DataView(value.buffer).setBigUint64(0, now, true);
  json.genesis.raw.top[key] = u8aToHex(value);
  writeFileSync(spec, JSON.stringify(json));
  return spec;
}

/** Starts chopsticks on `spec` (a raw parachain spec); returns a node-like handle. */
export function startParachain({ spec, name = 'parachain' }) {
  withGenesisTimestamp(spec);
  return startNode({
    name,
    command: {
      binary: chopsticksBinary,
      args: ({ rpcPort }) => [
        '--genesis', spec,
        '--host', '127.0.0.1',
        '--port', String(rpcPort),
        '--build-block-mode', 'Instant',
        '--runtime-log-level', '1',
      ],
    },
  });
}

/** Builds `count` blocks at once (chopsticks' `dev_newBlock`). */
export function newBlocks(node, count = 1) {
  return node.rpc('dev_newBlock', [{ count }]);
}
