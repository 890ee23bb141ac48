// The off-chain audit index (issue #24), on real --dev nodes authoring a block every
// 100 ms (`--dev-block-time`):
// - a pruned node (`--state-pruning 256`) audits a record whose events span more than
//   600 blocks, from its index, in under a second, and the fold matches the on-chain
//   head — while scanning those blocks fails, their state being gone;
// - `medchain_auditLog` pages, caps its pages, reads back from a page's first event
//   (`before`) and at a given block (`at`), places every event (block hash, index among
//   the block's events), and refuses malformed parameters and a `before` off the record's
//   chain of heads by name;
// - a node started without `--enable-offchain-indexing` says so, and `records audit`
//   warns and scans the blocks instead.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { runCli, startDevNode } from '../lib/nodes.mjs';
import {
  EVENTS_PER_REQUEST, addRequests, devAccounts, makeDemanders, registerRecord, rpcCall, waitForBlock,
} from '../lib/audit.mjs';

const FAST = ['--dev-block-time', '100'];
/** Requests before and after the 600-block gap: 1 + 170 × 6 + 6 = 1,027 events. */
const REQUESTS = 170;

let node;
let api;
let accounts;
let record;
let totalEvents;

before(async () => {
  node = await startDevNode({ extraArgs: [...FAST, '--state-pruning', '256'] });
  api = await node.api();
  accounts = await devAccounts();
  record = await registerRecord(api, accounts.alice, accounts.bob, 'Audit trail: admitted with chest pain.');
  const demanders = await makeDemanders(api, accounts, 20);
  await addRequests(api, accounts, demanders, record.id, REQUESTS);
  // The last event comes more than 600 blocks after the registration.
  await waitForBlock(api, record.block + 620);
  await addRequests(api, accounts, demanders, record.id, 1);
  totalEvents = 1 + (REQUESTS + 1) * EVENTS_PER_REQUEST;
});

after(async () => {
  await node?.stop();
});

const url = () => `ws://127.0.0.1:${node.rpcPort}`;

function fold(events) {
  let head = new Uint8Array(32);
  for (const hex of events) head = blake2AsU8a(u8aConcat(head, hexToU8a(hex)), 256);
  return u8aToHex(head);
}

test('a pruned node audits a record spanning more than 600 blocks from its index, in under a second', async () => {
  // The registration block's state is pruned: reading it fails, and so does a scan.
  const registeredAt = await api.rpc.chain.getBlockHash(record.block);
  const old = await rpcCall(node, 'state_getStorage', [api.query.system.number.key(), registeredAt.toHex()]);
  assert.ok(old.error, 'the registration block\'s state is pruned');
  const scan = await runCli(['records', 'audit', String(record.id), '--from-block', String(record.block), '--node', url(), '--json']);
  assert.notEqual(scan.code, 0, 'scanning pruned blocks fails');
  assert.match(scan.stderr, /pruned state|archive/);

  const started = performance.now();
  const run = await runCli(['records', 'audit', String(record.id), '--node', url(), '--json']);
  const elapsedMs = performance.now() - started;
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /warning/);
  const summary = run.json;
  assert.equal(summary.source, 'index');
  assert.equal(summary.matches, true);
  assert.equal(summary.events, totalEvents);
  assert.ok(summary.blocks[1] - summary.blocks[0] > 600, `events span blocks ${summary.blocks}`);
  const onChain = await api.call.accessApi.auditHead(record.id);
  assert.equal(summary.on_chain_head, onChain.toHex());
  assert.equal(summary.computed_head, onChain.toHex());
  // Every event is printed, the registration first, each with its place in the index.
  const events = run.lines.slice(0, -1);
  assert.equal(events.length, totalEvents);
  assert.equal(events[0].event, 'MedicalRecords.RecordRegistered');
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
  assert.equal(events.filter((e) => e.event === 'Access.RequestRejected').length, REQUESTS + 1);
  console.log(`audit of ${totalEvents} events over ${summary.blocks[1] - summary.blocks[0]} blocks: ${elapsedMs.toFixed(0)} ms (whole CLI run)`);
  assert.ok(elapsedMs < 1000, `the audit took ${elapsedMs.toFixed(0)} ms`);
});

test('medchain_auditLog pages, caps, places every event and refuses malformed parameters', async () => {
  const page = async (...params) => {
    const { result, error } = await rpcCall(node, 'medchain_auditLog', [record.id, ...params]);
    assert.equal(error, undefined, JSON.stringify(error));
    return result;
  };
  const first = await page(0, 5);
  assert.equal(first.indexed, totalEvents);
  assert.deepEqual(first.events.map((e) => e.seq), [0, 1, 2, 3, 4]);
  const registered = api.registry.createType('Event', hexToU8a(first.events[0].event));
  assert.equal(`${registered.section}.${registered.method}`, 'medicalRecords.RecordRegistered');
  assert.equal(first.events[0].blockNumber, record.block);

  // The default page is 100 events, the largest 1,000; past the end there is nothing.
  assert.equal((await page()).events.length, 100);
  const capped = await page(0, 5000);
  assert.equal(capped.events.length, 1000);
  const rest = await page(1000, 1000);
  assert.equal(rest.events.length, totalEvents - 1000);
  assert.deepEqual((await page(totalEvents - 3, 10)).events.map((e) => e.seq), [totalEvents - 3, totalEvents - 2, totalEvents - 1]);
  assert.deepEqual((await page(totalEvents, 10)).events, []);
  const all = [...capped.events, ...rest.events];
  assert.equal(fold(all.map((e) => e.event)), rest.head, 'the pages fold to the head they were read with');
  assert.equal(all[0].headBefore, u8aToHex(new Uint8Array(32)));
  assert.equal(all[0].previousBlock, null);

  // From the end back: each page starts its walk before the page read last.
  const firstOfRest = rest.events[0];
  const before = { seq: firstOfRest.seq - 1, block: firstOfRest.previousBlock, head: firstOfRest.headBefore };
  const resumed = await page(firstOfRest.seq - 10, 10, null, before);
  assert.deepEqual(resumed.events, all.slice(firstOfRest.seq - 10, firstOfRest.seq));
  // Read at a given block: the finalized one.
  const finalized = (await api.rpc.chain.getFinalizedHead()).toHex();
  assert.equal((await page(0, 1, finalized)).at, finalized);
  // A `before` the trail does not have, or one that is not on its chain of heads.
  const beyond = await rpcCall(node, 'medchain_auditLog', [record.id, 0, 1, null, { ...before, seq: totalEvents }]);
  assert.equal(beyond.error?.code, -32602, JSON.stringify(beyond));
  const forged = await rpcCall(node, 'medchain_auditLog', [record.id, firstOfRest.seq - 2, 1, null, { ...before, head: `0x${'11'.repeat(32)}` }]);
  assert.equal(forged.error?.code, -32602, JSON.stringify(forged));

  // Each event's block hash is the chain's; the last ones are where System.Events has them.
  for (const e of [all[0], all[500], all[all.length - 1]]) {
    assert.equal(e.blockHash, (await api.rpc.chain.getBlockHash(e.blockNumber)).toHex());
  }
  const last = all[all.length - 1];
  const inBlock = await (await api.at(last.blockHash)).query.system.events();
  assert.equal(inBlock[last.eventIndex].event.toHex(), last.event);

  // A record without events has an empty trail.
  const { result: none } = await rpcCall(node, 'medchain_auditLog', [9_999_999]);
  assert.equal(none.indexed, 0);
  assert.deepEqual(none.events, []);
  // Malformed parameters are refused by the RPC layer (invalid params), not guessed at.
  for (const params of [[-1], [record.id, -1], [record.id, 0, 'x'], ['seven'], [record.id, 2 ** 70],
    [record.id, 0, 1, '0x12'], [record.id, 0, 1, null, { seq: 1 }], [record.id, 0, 1, null, { ...before, extra: 1 }]]) {
    const { error } = await rpcCall(node, 'medchain_auditLog', params);
    assert.equal(error?.code, -32602, `params ${JSON.stringify(params)}: ${JSON.stringify(error)}`);
  }
});

test('a node without the index says so, and records audit scans the blocks instead', async () => {
  const plain = await startDevNode({ extraArgs: FAST, indexing: false });
  try {
    const plainApi = await plain.api();
    const { id } = await registerRecord(plainApi, accounts.alice, accounts.bob, 'Not indexed: fever for three days.');
    const { error } = await rpcCall(plain, 'medchain_auditLog', [id, 0, 10]);
    assert.equal(error?.code, 9010, JSON.stringify(error));
    assert.match(error.message, /--enable-offchain-indexing/);

    const run = await runCli(['records', 'audit', String(id), '--node', `ws://127.0.0.1:${plain.rpcPort}`, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: the node's audit index cannot give record \d+'s history .*--enable-offchain-indexing.*scanning the blocks instead/s);
    assert.equal(run.json.source, 'scan');
    assert.equal(run.json.matches, true);
    assert.equal(run.json.events, 1);
  } finally {
    await plain.stop();
  }
});
