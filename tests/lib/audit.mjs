// Builds long audit histories on a dev chain, for e2e/audit.test.mjs and
// bench/audit.mjs: a record of Alice's, then rounds in which `demanders` fresh accounts
// each ask for it and three members (Alice, Bob, Charlie) vote nay, which rejects the
// request at once; the demanders reap their requests as they open the next ones. Each
// request adds six events to the record's trail: AccessRequested, three Voted,
// RequestRejected, RequestReaped.
//
// Dev genesis: Alice and Charlie are data owners, Bob the data manager (accepting both),
// Alice, Bob, Charlie and Dave the members, Alice sudo.

import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { sendAll, waitFor } from './nodes.mjs';

export const EVENTS_PER_REQUEST = 6;

/** The dev accounts by name. */
export async function devAccounts() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  return Object.fromEntries(
    ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]),
  );
}

/** Registers a record of `owner` managed by Bob; returns its id and block number. */
export async function registerRecord(api, owner, manager, text) {
  const bytes = new TextEncoder().encode(text);
  const [{ blockHash, events }] = await sendAll(api, [[owner, api.tx.medicalRecords.registerRecord({
    rawHash: blake2AsHex(bytes, 256),
    contentHash: blake2AsHex(bytes, 256),
    rawLen: bytes.length,
    compressedLen: bytes.length,
    codec: { method: 'Bytes', dictionary: null },
    labels: ['audit'],
    location: `store://audit/${blake2AsHex(bytes, 64).slice(2)}`,
    manager: manager.address,
  })]]);
  const registered = events.find(({ event }) => api.events.medicalRecords.RecordRegistered.is(event)).event;
  const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  return { id: registered.data.id.toNumber(), block };
}

/** `count` funded accounts holding the data-demander role (given by Alice, sudo). */
export async function makeDemanders(api, accounts, count) {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const demanders = Array.from({ length: count }, () => keyring.addFromMnemonic(mnemonicGenerate()));
  const { alice } = accounts;
  await sendAll(api, demanders.flatMap((d) => [
    [alice, api.tx.balances.transferKeepAlive(d.address, 10n ** 15n)],
    [alice, api.tx.sudo.sudo(api.tx.access.assignRole(d.address, 'DataDemander'))],
  ]));
  return demanders;
}

/**
 * Adds `requests` rejected-and-reaped requests to `record`'s trail
 * (`requests × EVENTS_PER_REQUEST` events), `demanders.length` at a time.
 */
export async function addRequests(api, accounts, demanders, record, requests) {
  const { alice, bob, charlie } = accounts;
  let pendingReaps = [];
  for (let done = 0; done < requests; done += demanders.length) {
    const round = demanders.slice(0, Math.min(demanders.length, requests - done));
    const opened = await sendAll(api, [
      ...pendingReaps,
      ...round.map((d) => [d, api.tx.access.requestAccess(record, { code: 'Hoperat', text: 'audit history' })]),
    ]);
    const ids = opened.slice(pendingReaps.length).map(({ events }) => {
      const { event } = events.find(({ event }) => api.events.access.AccessRequested.is(event));
      return event.data.request.toNumber();
    });
    await sendAll(api, [alice, bob, charlie].flatMap((member) => ids.map((id) => [member, api.tx.access.vote(id, false)])));
    pendingReaps = ids.map((id, i) => [round[i], api.tx.access.reapRequest(id)]);
  }
  if (pendingReaps.length) await sendAll(api, pendingReaps);
}

/** Waits until the node's best block is at least `number`. */
export async function waitForBlock(api, number, timeoutMs = 300_000) {
  return waitFor(`block #${number}`, async () => (await api.rpc.chain.getHeader()).number.toNumber() >= number, timeoutMs, 200);
}

/** One JSON-RPC call over HTTP: `{ result }` or `{ error }`. */
export async function rpcCall(node, method, params) {
  const response = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json();
}
