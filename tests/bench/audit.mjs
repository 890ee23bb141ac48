// Audit time, indexed vs scanning, on the same node (issue #24): an archive --dev node
// authoring a block every 100 ms, with the audit index, holds a record with 13 events
// and one with 1,003 (each spread over --span blocks); `medchain records audit` reads
// each from the index, then scans its blocks (`--from-block`). Each is the median of
// --runs whole CLI runs (connect, read, decode, fold, print). Not part of the tests.
//
//   cd tests && node bench/audit.mjs [--span 600] [--runs 5]
//
// Prints one JSON line per (record, method) and a Markdown table.

import { parseArgs } from 'node:util';
import { cli, startDevNode } from '../lib/nodes.mjs';
import {
  EVENTS_PER_REQUEST, addRequests, devAccounts, makeDemanders, registerRecord, waitForBlock,
} from '../lib/audit.mjs';

const { values } = parseArgs({ options: { span: { type: 'string', default: '600' }, runs: { type: 'string', default: '5' } } });
const span = Number(values.span);
const runs = Number(values.runs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const node = await startDevNode({ extraArgs: ['--dev-block-time', '100', '--state-pruning', 'archive'] });
try {
  const api = await node.api();
  const accounts = await devAccounts();
  const demanders = await makeDemanders(api, accounts, 20);
  // Events come six a request, after the registration: the small record gets 1 + 2 × 6
  // = 13 events, the large one 1 + 167 × 6 = 1,003; the last request of each comes
  // after --span blocks.
  const small = await registerRecord(api, accounts.alice, accounts.bob, 'Small audit trail.');
  const large = await registerRecord(api, accounts.charlie, accounts.bob, 'Large audit trail.');
  await addRequests(api, accounts, demanders, small.id, 1);
  await addRequests(api, accounts, demanders, large.id, 166);
  await waitForBlock(api, Math.max(small.block, large.block) + span);
  await addRequests(api, accounts, demanders, small.id, 1);
  await addRequests(api, accounts, demanders, large.id, 1);
  const url = `ws://127.0.0.1:${node.rpcPort}`;
  const rows = [];
  for (const [name, rec] of [['small', small], ['large', large]]) {
    for (const method of ['index', 'scan']) {
      const args = ['records', 'audit', String(rec.id), '--node', url, '--json'];
      if (method === 'scan') args.push('--from-block', String(rec.block));
      const times = [];
      let summary;
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        summary = await cli(args);
        times.push(performance.now() - started);
      }
      if (!summary.matches || summary.source !== method) throw new Error(`unexpected ${JSON.stringify(summary)}`);
      const row = { record: name, events: summary.events, blocks: summary.blocks[1] - summary.blocks[0] + 1, method, median_ms: Math.round(median(times)) };
      console.log(JSON.stringify(row));
      rows.push(row);
    }
  }
  console.log('\n| events | blocks spanned | index (ms) | scan (ms) |\n| ---: | ---: | ---: | ---: |');
  for (const name of ['small', 'large']) {
    const [index, scan] = ['index', 'scan'].map((m) => rows.find((r) => r.record === name && r.method === m));
    console.log(`| ${index.events} | ${scan.blocks} | ${index.median_ms} | ${scan.median_ms} |`);
  }
  console.log(`\n(${EVENTS_PER_REQUEST} events per request; ${runs} runs each; medians of whole CLI runs)`);
} finally {
  await node.stop();
}
