// The paper's sharing flow on the four-hospital local consortium, driven from
// Polkadot.js: a data owner registers a record, a demander publishes its key and asks,
// members vote (1 of 4 is not enough, 2 of 4 is), the owner delivers the wrapped key,
// `AccessApi.can_access` turns true, the owner revokes, it turns false, and the audit
// head recomputed from the exported events equals the on-chain one. Then the refusals,
// each with its named error.
//
// The tests are lib/sharing.mjs's, shared with the parachain suite.

import { before, after } from 'node:test';
import { startConsortium, stopAll } from '../lib/nodes.mjs';
import { defineSharingTests } from '../lib/sharing.mjs';

let nodes = [];
let api;

before(async () => {
  // The node's built-in `local` spec: the runtime under test (the committed spec's WASM
  // may be older, since its staleness test compares everything but the code).
  nodes = await startConsortium({ chain: 'local' });
  api = await nodes[0].api();
});

after(async () => {
  await stopAll(nodes);
});

defineSharingTests(() => api);
