// Load test of the four-hospital local consortium (issue #7): many accounts register
// records, then demanders ask for access and the four members vote, for a fixed time;
// it reports sustained transactions per second and time to finality. Bounded: loopback
// only, stops submitting by itself, a hard overall timeout, and every node it started is
// stopped by pid (on success, failure, timeout, Ctrl-C). Not part of the tests.
//
//   cd tests && node bench/load.mjs                       # 128 accounts, 2 × 60 s
//   cd tests && node bench/load.mjs --accounts 200 --duration 30 --json
//
// Options (or environment variables):
//   --accounts N       LOAD_ACCOUNTS       accounts created and funded (default 128)
//   --demanders N      LOAD_DEMANDERS      of which data demanders (default N/4, ≥ 8); the rest are data owners
//   --duration S       LOAD_DURATION       seconds of submission in each phase (default 60)
//   --phases LIST      LOAD_PHASES         `records`, `access` or `records,access` (default)
//   --rate R           LOAD_RATE           phase 1 target registrations/s (default 0: as fast as the
//                                          pool takes them, with at most --inflight not yet in a block)
//   --inflight K       LOAD_INFLIGHT       phase 1 cap on submitted transactions not yet in a block (default 1500)
//   --window W         LOAD_WINDOW         phase 1 submissions an owner keeps unanswered by its node (default 8)
//   --presign N        LOAD_PRESIGN        phase 1 registrations signed before the phase, at most (default 20000)
//   --request-rate R   LOAD_REQUEST_RATE   phase 2 access requests/s (default 15; a block takes at
//                                          most 64 new requests, `MaxExpiriesPerBlock`)
//   --drain S          LOAD_DRAIN          after a phase, seconds to wait for finality (default 120)
//   --timeout S        LOAD_TIMEOUT        hard limit for the whole run (default 600): nodes stopped, exit 3
//   --node-args "…"    LOAD_NODE_ARGS      extra arguments for every node (e.g. "--pool-limit 16384 -ltxpool=debug")
//   --keep-logs DIR    LOAD_KEEP_LOGS      copy the four node logs there before the nodes are removed
//   --json                                 the report as one JSON line on stdout (summary on stderr)
//
// Setup (not measured): the local chain endows only the hospitals, Eve and Ferdie, and has no
// sudo key and no utility pallet, so each load account is funded by a `transferKeepAlive`
// from Eve and Ferdie (all at once, explicit nonces), and gets its
// role from its own council motion (`Access.assign_role` needs root or a council
// majority): up to 90 motions at once (the council keeps at most 100 open), proposed by
// Alice, voted aye by Alice, Bob and Charlie, closed by the four members — three rounds of
// transactions per 90 accounts.
//
// Phase 1 (`records`): every owner registers records (unique `raw_hash`, two labels, a
// location, Bob as manager) to its own node (owner i → node i mod 4), with locally counted
// nonces, up to --window submissions each without waiting for the node's answer, so that
// the pools stay full. The registrations are signed before the window (as many as the
// weight ceiling — or --rate — could take in it, and 15 % more); past those, owners sign
// as they go.
// Phase 2 (`access`): demanders ask for records of phase 1 at --request-rate (round robin
// over demanders, never twice the same record, never more than 32 in progress each); as
// each request is finalized the members vote on it from their own nodes: even request ids
// get two ayes (approved), odd ones three nays (rejected), so nothing is voted after it is
// decided. Votes go on after the window until every request is decided.
// A pool may drop a transaction it accepted (limits per fork view); the account's later
// ones then wait on that nonce. An account stuck for 20 s has its unfinalized
// transactions sent again unchanged; the report counts them.
//
// Measured from finalized blocks (Alice's node's finalized-head subscription; every block body
// and its events): a transaction is ours if its hash is one we submitted. Sustained tx/s =
// our extrinsics in the blocks of the slots that start in the submission window / those
// slots' time. Time to finality = first submission → the finalized head that contains it
// was announced (GRANDPA's default voting rule votes 2 blocks behind the best, so this is
// about 2.5 slots more than inclusion). Block fill = our extrinsics per block and the
// normal-class weight used; why each author stopped filling its block comes from the
// nodes' own "Prepared block" log lines. Exit status: 0 when the phases ran (lost or
// failed transactions are reported, not fatal), 1 on an error, 2 on bad options, 3 on
// the hard timeout, 130 on Ctrl-C.

import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { hexToU8a, stringToU8a, u8aConcat } from '@polkadot/util';
import { startConsortium, startNode, stopAll, waitFor, waitForFinalized } from '../lib/nodes.mjs';

// ---------------------------------------------------------------------------------------
// Options

function options() {
  const argv = process.argv.slice(2);
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') flags.json = true;
    else if (arg === '--help' || arg === '-h') flags.help = true;
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      flags[name] = inline ?? argv[++i];
      if (flags[name] === undefined) throw new Error(`${arg} needs a value`);
    } else throw new Error(`unexpected argument ${arg}`);
  }
  const pick = (name, env, fallback) => flags[name] ?? process.env[env] ?? fallback;
  const num = (name, env, fallback) => {
    const value = Number(pick(name, env, fallback));
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: not a number ≥ 0`);
    return value;
  };
  const accounts = Math.floor(num('accounts', 'LOAD_ACCOUNTS', 128));
  const opts = {
    help: !!flags.help,
    json: !!(flags.json || process.env.LOAD_JSON === '1'),
    accounts,
    demanders: Math.floor(num('demanders', 'LOAD_DEMANDERS', Math.max(8, Math.round(accounts / 4)))),
    duration: num('duration', 'LOAD_DURATION', 60),
    phases: String(pick('phases', 'LOAD_PHASES', 'records,access')).split(',').map((p) => p.trim()).filter(Boolean),
    rate: num('rate', 'LOAD_RATE', 0),
    inflight: Math.floor(num('inflight', 'LOAD_INFLIGHT', 1500)),
    window: Math.max(1, Math.floor(num('window', 'LOAD_WINDOW', 8))),
    presign: Math.floor(num('presign', 'LOAD_PRESIGN', 20000)),
    nodeArgs: String(pick('node-args', 'LOAD_NODE_ARGS', '')).split(/\s+/).filter(Boolean),
    keepLogs: pick('keep-logs', 'LOAD_KEEP_LOGS', ''),
    requestRate: num('request-rate', 'LOAD_REQUEST_RATE', 15),
    drain: num('drain', 'LOAD_DRAIN', 120),
    timeout: num('timeout', 'LOAD_TIMEOUT', 600),
  };
  for (const name of Object.keys(flags)) {
    if (!['json', 'help', 'accounts', 'demanders', 'duration', 'phases', 'rate', 'inflight', 'window', 'presign', 'node-args', 'keep-logs', 'request-rate', 'drain', 'timeout'].includes(name)) {
      throw new Error(`unknown option --${name}`);
    }
  }
  if (opts.demanders < 1 || opts.demanders >= opts.accounts) throw new Error('--demanders must be between 1 and --accounts - 1');
  for (const phase of opts.phases) {
    if (!['records', 'access'].includes(phase)) throw new Error(`unknown phase ${phase}`);
  }
  if (opts.phases.includes('access') && !opts.phases.includes('records')) {
    throw new Error('the access phase asks for the records of the records phase: use --phases records,access');
  }
  return opts;
}

let opts;
try {
  opts = options();
} catch (error) {
  console.error(`load.mjs: ${error.message}`);
  process.exit(2);
}
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url)).toString().split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...args) => console.error(`[load ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)} s]`, ...args);
const T0 = Date.now();

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : null,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    min: sorted.length ? sorted[0] : null,
  };
}

const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);

/** Wakes the phase-1 senders when something they wait for changed (a slot freed). */
function deferred() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
let tick = deferred();
function notify() {
  const current = tick;
  tick = deferred();
  current.resolve();
}
const changed = (ms) => Promise.race([tick.promise, sleep(ms)]);

/** The named field of an event's data. */
function field(event, name) {
  const index = event.data.names?.indexOf(name) ?? -1;
  return index >= 0 ? event.data[index] : undefined;
}

/** A short reason for a submission refused by the pool. */
function rejectionReason(error) {
  return String(error?.message ?? error)
    .replace(/\(\d+ vs \d+\)/g, '')
    .replace(/0x[0-9a-f]+/gi, '0x…')
    .trim()
    .slice(0, 160);
}

/** CPU seconds a process used so far (utime + stime), or null. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Processes other than ours using CPU now (the machine is shared), for the report. */
function otherBusyProcesses(ourPids) {
  try {
    const out = execFileSync('ps', ['-eo', 'pid=,pcpu=,etimes=,comm='], { encoding: 'utf8' });
    return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4)
      .map(([pid, pcpu, etimes, comm]) => ({ pid: +pid, pcpu: +pcpu, etimes: +etimes, comm }))
      .filter((p) => !ourPids.has(p.pid) && p.pid !== process.pid && p.comm !== 'ps' && p.pcpu >= 10)
      .sort((a, b) => b.pcpu - a.pcpu)
      .slice(0, 8);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------
// Cleanup: the nodes are stopped by pid whatever happens.

let nodes = [];
const providers = [];
let finishing = false;

// Runs before nodes.mjs's own handler (which SIGKILLs every node it started and exits):
// also removes the nodes' temporary base paths.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.prependListener(signal, () => {
    console.error(`\nload.mjs: ${signal}: stopping the ${nodes.length} nodes it started`);
    for (const node of nodes) {
      try {
        process.kill(node.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    for (const node of nodes) rmSync(node.basePath, { recursive: true, force: true, maxRetries: 3 });
  });
}

{
  const phases = opts.phases.length;
  const expected = 150 + phases * (opts.duration + 30) + (opts.accounts / 90) * 30 + 60;
  if (expected > opts.timeout) {
    console.error(`load.mjs: warning: a run like this takes about ${Math.round(expected)} s (more on a busy machine), over --timeout ${opts.timeout}`);
  }
}
const hardTimeout = setTimeout(async () => {
  console.error(`load.mjs: hard timeout of ${opts.timeout} s reached; stopping the nodes`);
  finishing = true;
  await Promise.race([shutdown(), sleep(30_000)]);
  process.exit(3);
}, opts.timeout * 1000);

/** `startConsortium`, with extra arguments for every node (--node-args). */
async function startConsortiumWith(extraArgs) {
  const started = [];
  try {
    const first = await startNode({ chain: 'local', name: 'alice', extraArgs });
    started.push(first);
    const bootnode = await first.multiaddr();
    for (const name of ['bob', 'charlie', 'dave']) {
      started.push(await startNode({ chain: 'local', name, bootnodes: [bootnode], extraArgs }));
    }
  } catch (error) {
    await stopAll(started);
    throw error;
  }
  return started;
}

async function shutdown() {
  if (opts.keepLogs) {
    mkdirSync(opts.keepLogs, { recursive: true });
    for (const node of nodes) {
      try {
        copyFileSync(node.logPath, `${opts.keepLogs}/${node.name}.log`);
      } catch {
        // No log.
      }
    }
  }
  for (const provider of providers) await provider.disconnect().catch(() => {});
  await stopAll(nodes);
}

// ---------------------------------------------------------------------------------------
// The tracker: follows finalized (and best) blocks and matches their extrinsics to ours.

class Tracker {
  constructor(api, node) {
    this.api = api;
    this.node = node;
    this.txs = new Map(); // hash -> record
    this.blocks = []; // finalized blocks since start: stats
    this.lastFinalized = 0;
    this.finalQueue = Promise.resolve();
    this.bestQueue = Promise.resolve();
    this.inflight = 0; // submitted, not yet seen in a block, younger than STALE_MS
    this.listeners = [];
    this.seenBest = new Set();
    this.error = null;
  }

  static STALE_MS = 30_000;

  async start() {
    const head = await this.api.rpc.chain.getFinalizedHead();
    this.lastFinalized = (await this.api.rpc.chain.getHeader(head)).number.toNumber();
    const maxNormal = this.api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
    this.maxNormalRefTime = Number(maxNormal);
    this.maxBlockRefTime = Number(this.api.consts.system.blockWeights.maxBlock.refTime.toBigInt());
    this.maxNormalLength = this.api.consts.system.blockLength.max.normal.toNumber();
    this.unsubFinal = await this.api.rpc.chain.subscribeFinalizedHeads((header) => {
      const seen = Date.now();
      const number = header.number.toNumber();
      this.finalQueue = this.finalQueue.then(() => this.finalizeUpTo(number, seen)).catch((error) => {
        this.error = error;
        log(`tracker: ${error.stack ?? error}`);
      });
    });
    this.unsubBest = await this.api.rpc.chain.subscribeNewHeads((header) => {
      const seen = Date.now();
      const hash = header.hash.toHex();
      this.bestQueue = this.bestQueue.then(() => this.seeBest(hash, seen)).catch(() => {});
    });
    // Submitted transactions that never show up stop counting as in flight.
    this.staleTimer = setInterval(() => {
      const now = Date.now();
      for (const tx of this.txs.values()) {
        if (tx.inflight && now - tx.submitAt > Tracker.STALE_MS) this.leaveFlight(tx, { stale: true });
      }
    }, 2000);
  }

  stop() {
    this.unsubFinal?.();
    this.unsubBest?.();
    clearInterval(this.staleTimer);
  }

  /** Registers a transaction before it is submitted. */
  expect(hash, meta) {
    const tx = { hash, ...meta, submitAt: Date.now(), inflight: true, state: 'submitted' };
    this.txs.set(hash, tx);
    this.inflight++;
    return tx;
  }

  /**
   * The transaction is no longer in flight: seen in a block, refused, or (`stale`) too
   * old to count. Its account's `pending` (submitted, not yet in a block) only drops when
   * it is seen or refused, so that an account whose transactions stopped moving shows.
   */
  leaveFlight(tx, { stale = false } = {}) {
    if (tx.inflight) {
      tx.inflight = false;
      this.inflight--;
      notify();
    }
    if (!stale && !tx.settled) {
      tx.settled = true;
      if (tx.account) {
        tx.account.pending--;
        tx.account.lastProgress = Date.now();
      }
    }
  }

  /** The pool refused it: it never entered. */
  refused(tx, reason) {
    tx.state = 'refused';
    delete tx.hex;
    tx.reason = reason;
    this.leaveFlight(tx);
    tx.waiter?.reject(new Error(`refused by the pool: ${reason}`));
  }

  /** Resolves with the finalized outcome of `hash` ({ ok, error, events, block }). */
  final(hash) {
    const tx = this.txs.get(hash);
    if (tx.state === 'finalized') return Promise.resolve(tx);
    if (tx.state === 'refused') return Promise.reject(new Error(`refused by the pool: ${tx.reason}`));
    return new Promise((resolve, reject) => {
      tx.waiter = { resolve, reject };
    });
  }

  onEvents(listener) {
    this.listeners.push(listener);
  }

  async rawBlock(hash) {
    const { block } = await this.node.rpc('chain_getBlock', [hash]);
    return block;
  }

  async seeBest(hash, seen) {
    if (this.seenBest.has(hash)) return;
    this.seenBest.add(hash);
    const block = await this.rawBlock(hash);
    for (const xt of block.extrinsics) {
      const tx = this.txs.get(blake2AsHex(hexToU8a(xt), 256));
      if (tx && tx.includedAt === undefined) {
        tx.includedAt = seen;
        this.leaveFlight(tx);
      }
    }
  }

  async finalizeUpTo(number, seen) {
    for (let n = this.lastFinalized + 1; n <= number; n++) {
      const hash = await this.node.rpc('chain_getBlockHash', [n]);
      const block = await this.rawBlock(hash);
      const at = await this.api.at(hash);
      const [events, weight, now] = await Promise.all([at.query.system.events(), at.query.system.blockWeight(), at.query.timestamp.now()]);
      const byIndex = new Map();
      for (const record of events) {
        if (record.phase.isApplyExtrinsic) {
          const i = record.phase.asApplyExtrinsic.toNumber();
          if (!byIndex.has(i)) byIndex.set(i, []);
          byIndex.get(i).push(record.event);
        }
      }
      const ts = now.toNumber();
      const stat = { number: n, hash, ts, seen, extrinsics: block.extrinsics.length, ours: 0, kinds: {}, bytes: 0 };
      const refTime = (cls) => Number(weight[cls].refTime.toBigInt());
      stat.normalRefTime = refTime('normal');
      stat.totalRefTime = refTime('normal') + refTime('operational') + refTime('mandatory');
      stat.normalPct = (100 * stat.normalRefTime) / this.maxNormalRefTime;
      stat.blockPct = (100 * stat.totalRefTime) / this.maxBlockRefTime;
      block.extrinsics.forEach((xt, i) => {
        stat.bytes += (xt.length - 2) / 2;
        const tx = this.txs.get(blake2AsHex(hexToU8a(xt), 256));
        if (!tx) return;
        stat.ours++;
        stat.kinds[tx.kind] = (stat.kinds[tx.kind] ?? 0) + 1;
        const own = byIndex.get(i) ?? [];
        const failed = own.find((e) => e.section === 'system' && e.method === 'ExtrinsicFailed');
        tx.state = 'finalized';
        delete tx.hex;
        tx.block = n;
        tx.blockTs = ts;
        tx.finalizedAt = seen;
        if (tx.includedAt === undefined) tx.includedAt = seen;
        this.leaveFlight(tx);
        tx.ok = !failed;
        if (failed) tx.error = this.describe(failed.data[0]);
        const paid = own.find((e) => e.section === 'transactionPayment' && e.method === 'TransactionFeePaid');
        if (paid) tx.fee = paid.data[1].toBigInt();
        if (tx.keepEvents) tx.events = own;
        tx.waiter?.resolve(tx);
      });
      stat.lengthPct = (100 * stat.bytes) / this.maxNormalLength;
      this.blocks.push(stat);
      this.lastFinalized = n;
      for (const listener of this.listeners) listener(events.map((r) => r.event), stat);
    }
  }

  describe(dispatchError) {
    if (dispatchError.isModule) {
      const { section, name } = this.api.registry.findMetaError(dispatchError.asModule);
      return `${section}.${name}`;
    }
    return dispatchError.type;
  }
}

// ---------------------------------------------------------------------------------------
// Accounts and submission

/**
 * A sending account: local nonce, its node, and a chain of submissions so that its
 * transactions are signed and sent in nonce order.
 */
const allAccounts = [];
function account(pair, nodeIndex, label) {
  const acct = {
    pair, address: pair.address, nodeIndex, label, nonce: 0, chain: Promise.resolve(),
    pending: 0, lastProgress: Date.now(), sent: 0, outstanding: 0, gaps: [], backoffUntil: 0, presigned: [],
  };
  allAccounts.push(acct);
  return acct;
}

/**
 * Pools may drop a transaction they had accepted (the fork-aware pool enforces its limits
 * — 8192 ready, 819 future — per view, and under load the future queue fills with
 * transactions gossiped ahead of their predecessors). The account's later transactions
 * then wait on the lost nonce forever. Every few seconds, an account whose transactions
 * have not moved for STUCK_MS gets all its unfinalized transactions from the chain's
 * nonce on sent again, unchanged, to its node (the pool ignores those it still holds).
 * Their time to finality still counts from the first submission.
 */
const STUCK_MS = 20_000;
let resubmitted = 0;
async function repairStuck() {
  const now = Date.now();
  for (const acct of allAccounts) {
    if (acct.pending === 0 || acct.outstanding > 0 || now - acct.lastProgress < STUCK_MS) continue;
    acct.lastProgress = now;
    const chainNonce = (await api.query.system.account(acct.address)).nonce.toNumber();
    const waiting = [...tracker.txs.values()]
      .filter((tx) => tx.account === acct && tx.state === 'submitted' && tx.hex && tx.nonce >= chainNonce)
      .sort((a, b) => a.nonce - b.nonce);
    for (const tx of waiting) {
      try {
        await providers[acct.nodeIndex].send('author_submitExtrinsic', [tx.hex]);
        tx.resubmits = (tx.resubmits ?? 0) + 1;
        resubmitted++;
      } catch {
        // Still in the pool ("already imported"), or now invalid.
      }
    }
    if (!waiting.length || waiting[0].nonce !== chainNonce) {
      // Nothing of ours holds the chain's nonce: start again from what the node expects.
      await syncNonce(acct).catch(() => {});
      acct.gaps = [];
    }
  }
}

let api;
let tracker;

async function syncNonce(acct) {
  acct.nonce = (await api.rpc.system.accountNextIndex(acct.address)).toNumber();
}

/**
 * Signs `call` with the account's next nonce and submits it to the account's node.
 * Resolves with the tracker's record (state `submitted` or `refused`). With `retries`,
 * a refusal for a full pool is retried after a pause; other refusals resync the nonce.
 */
async function submit(acct, call, meta, { retries = 0 } = {}) {
  for (let attempt = 0; ; attempt++) {
    const signed = await call.signAsync(acct.pair, { nonce: acct.nonce, era: 0 });
    const hash = signed.hash.toHex();
    if (acct.pending === 0) acct.lastProgress = Date.now();
    const hex = signed.toHex();
    const tx = tracker.expect(hash, { ...meta, account: acct, nonce: acct.nonce, hex });
    acct.pending++;
    try {
      await providers[acct.nodeIndex].send('author_submitExtrinsic', [hex]);
      tx.ackAt = Date.now();
      acct.nonce++;
      acct.sent++;
      return tx;
    } catch (error) {
      const reason = rejectionReason(error);
      tracker.refused(tx, reason);
      tx.attempt = attempt;
      if (/stale|outdated|future|Priority is too low|already imported/i.test(reason)) {
        await syncNonce(acct).catch(() => {});
      }
      if (attempt >= retries) return tx;
      await sleep(250 + 250 * attempt);
    }
  }
}

/** `call` signed by the account with `nonce`, immortal: `{ nonce, hash, hex }`. */
async function sign(acct, call, nonce) {
  const signed = await call.signAsync(acct.pair, { nonce, era: 0 });
  return { nonce, hash: signed.hash.toHex(), hex: signed.toHex() };
}

/**
 * The account's next transaction: for a nonce whose transaction the pool refused, a new
 * one signed now; else the pre-signed one with the next nonce, or one signed now.
 */
async function nextTransaction(acct, makeCall) {
  if (acct.gaps.length) return sign(acct, makeCall(), acct.gaps.shift());
  while (acct.presigned.length && acct.presigned[0].nonce < acct.nonce) acct.presigned.shift();
  if (acct.presigned[0]?.nonce === acct.nonce) {
    acct.nonce++;
    return acct.presigned.shift();
  }
  return sign(acct, makeCall(), acct.nonce++);
}

/**
 * Sends a signed transaction without waiting for the pool's answer, so that an account
 * keeps up to --window submissions on the way. A refusal leaves its nonce to the next
 * transaction; one that says the nonce is taken or used resyncs it from the node.
 */
function submitPipelined(acct, signed, meta) {
  const { nonce } = signed;
  if (acct.pending === 0) acct.lastProgress = Date.now();
  const tx = tracker.expect(signed.hash, { ...meta, account: acct, nonce, hex: signed.hex });
  acct.pending++;
  acct.outstanding++;
  providers[acct.nodeIndex].send('author_submitExtrinsic', [signed.hex]).then(
    () => {
      tx.ackAt = Date.now();
      acct.sent++;
    },
    async (error) => {
      const reason = rejectionReason(error);
      tracker.refused(tx, reason);
      if (/stale|outdated|future|Priority is too low|already imported/i.test(reason)) {
        await syncNonce(acct).catch(() => {});
        acct.gaps = [];
      } else {
        acct.gaps.push(nonce);
        acct.gaps.sort((a, b) => a - b);
        acct.backoffUntil = Date.now() + 200;
      }
    },
  ).finally(() => {
    acct.outstanding--;
    notify();
  });
  return tx;
}

/** `submit` in the account's order (calls from many places may interleave). */
function enqueue(acct, call, meta, submitOptions) {
  const result = acct.chain.then(() => submit(acct, call, meta, submitOptions));
  acct.chain = result.catch(() => {});
  return result;
}

/** Submits every item and waits until each is finalized; fails if one is refused or fails. */
async function submitAndWait(what, items, timeoutMs = 180_000) {
  const txs = await Promise.all(items.map(({ acct, call }) => enqueue(acct, call, { kind: `setup:${what}`, keepEvents: true }, { retries: 5 })));
  const refused = txs.filter((tx) => tx.state === 'refused');
  if (refused.length) throw new Error(`${what}: ${refused.length} refused by the pool, e.g. ${refused[0].reason}`);
  const results = await Promise.race([
    Promise.all(txs.map((tx) => tracker.final(tx.hash))),
    sleep(timeoutMs).then(() => {
      throw new Error(`${what}: not finalized within ${timeoutMs / 1000} s`);
    }),
  ]);
  const failed = results.filter((tx) => !tx.ok);
  if (failed.length) throw new Error(`${what}: ${failed.length} failed, e.g. ${failed[0].error}`);
  return results;
}

// ---------------------------------------------------------------------------------------
// Setup: accounts, funds, roles

const FUNDING = 1_000n * 1_000_000_000_000n; // 1,000 UNIT each: fees and record deposits (≈ 12 mMED a record)
const MOTION_CHUNK = 90;

async function setup(keyring, members) {
  const started = Date.now();
  const runTag = `${process.pid}-${T0}`;
  BOB = keyring.addFromUri('//Bob').address;
  const owners = [];
  const demanders = [];
  for (let i = 0; i < opts.accounts; i++) {
    const pair = keyring.addFromUri(`//MedChainLoad//${runTag}//${i}`);
    const isDemander = i >= opts.accounts - opts.demanders;
    (isDemander ? demanders : owners).push(account(pair, i % 4, isDemander ? `demander ${demanders.length}` : `owner ${owners.length}`));
  }

  // Funds: from the endowed dev accounts that are not members (the presets endow no
  // others).
  const sourceUris = ['//Eve', '//Ferdie'];
  const sources = [];
  for (const [i, uri] of sourceUris.entries()) {
    const pair = keyring.addFromUri(uri);
    const { data } = await api.query.system.account(pair.address);
    if (data.free.toBigInt() > FUNDING * BigInt(opts.accounts) / 4n) sources.push(account(pair, i % 4, uri));
  }
  if (!sources.length) throw new Error('no endowed account to fund the load accounts from');
  await Promise.all([...sources, ...members].map(syncNonce));
  const everyone = [...owners, ...demanders];
  log(`setup: funding ${everyone.length} accounts from ${sources.length} endowed accounts`);
  await submitAndWait('fund', everyone.map((acct, i) => ({
    acct: sources[i % sources.length],
    call: api.tx.balances.transferKeepAlive(acct.address, FUNDING),
  })));

  // Roles: one council motion per account, up to MOTION_CHUNK open at once.
  const [alice, bob, charlie] = members;
  const wanted = [...owners.map((a) => [a, 'DataOwner']), ...demanders.map((a) => [a, 'DataDemander'])];
  const weightBound = { refTime: 2_000_000_000n, proofSize: 65_536n };
  let motions = 0;
  for (let from = 0; from < wanted.length; from += MOTION_CHUNK) {
    const chunk = wanted.slice(from, from + MOTION_CHUNK);
    log(`setup: roles ${from + 1}–${from + chunk.length} of ${wanted.length} by council motions (propose, 3 ayes, close)`);
    const calls = chunk.map(([acct, role]) => api.tx.access.assignRole(acct.address, role));
    const proposed = await submitAndWait('propose', calls.map((call) => ({
      acct: alice,
      call: api.tx.council.propose(3, call, call.method.encodedLength),
    })));
    const indices = proposed.map((tx) => {
      const event = tx.events.find((e) => e.section === 'council' && e.method === 'Proposed');
      if (!event) throw new Error('no Council.Proposed event');
      return field(event, 'proposalIndex').toNumber();
    });
    const hashes = calls.map((call) => call.method.hash.toHex());
    await submitAndWait('vote', [alice, bob, charlie].flatMap((member) => chunk.map((_, j) => ({
      acct: member,
      call: api.tx.council.vote(hashes[j], indices[j], true),
    }))));
    const closed = await submitAndWait('close', chunk.map((_, j) => ({
      acct: members[j % members.length],
      call: api.tx.council.close(hashes[j], indices[j], weightBound, calls[j].method.encodedLength),
    })));
    for (const tx of closed) {
      const executed = tx.events.find((e) => e.section === 'council' && e.method === 'Executed');
      if (!executed) throw new Error(`motion not executed: ${tx.events.map((e) => `${e.section}.${e.method}`).join(', ')}`);
      const result = field(executed, 'result');
      if (result.isErr) throw new Error(`motion failed: ${tracker.describe(result.asErr)}`);
    }
    motions += chunk.length;
  }
  const roles = await api.call.accessApi.roles(owners[0].address);
  if (!roles.map((r) => r.type).includes('DataOwner')) throw new Error('the owners did not get their role');
  // The manager accepts the owners (spec 107 on; older runtimes accept anyone).
  if (api.tx.medicalRecords.acceptOwner) {
    log(`setup: Bob accepts the ${owners.length} owners`);
    await syncNonce(bob);
    await submitAndWait('accept', owners.map((acct) => ({ acct: bob, call: api.tx.medicalRecords.acceptOwner(acct.address) })));
    await syncNonce(bob);
  }
  await Promise.all(everyone.map(syncNonce));
  const seconds = (Date.now() - started) / 1000;
  log(`setup: done in ${seconds.toFixed(1)} s (${motions} motions)`);
  return { owners, demanders, seconds, motions, sources: sources.length };
}

// ---------------------------------------------------------------------------------------
// Phases

const LABELS = ['cardiology', 'oncology', 'neurology', 'pediatrics', 'radiology', 'pulmonology', 'icu', 'emergency'];
const LANGS = ['zh', 'en', 'zh-en'];
let BOB; // the data manager of the genesis roles

function recordInput(acct, seq) {
  const text = stringToU8a(`load record ${acct.address} #${seq} ${T0}`);
  const rawHash = blake2AsHex(text, 256);
  const rawLen = 800 + ((seq * 7919) % 4000);
  return {
    rawHash,
    contentHash: blake2AsHex(u8aConcat(text, new Uint8Array([1])), 256),
    rawLen,
    compressedLen: Math.ceil(rawLen * 0.55),
    codec: { method: 'Hanzi', dictionary: null },
    labels: [LABELS[seq % LABELS.length], LANGS[seq % LANGS.length]],
    location: `store://bob/${rawHash.slice(2, 34)}`,
    manager: BOB,
  };
}

/** Snapshot of CPU seconds of our nodes and of this process. */
function cpuSnapshot() {
  const usage = process.cpuUsage();
  return {
    at: Date.now(),
    nodes: nodes.reduce((sum, node) => sum + (cpuSeconds(node.pid) ?? 0), 0),
    self: (usage.user + usage.system) / 1e6,
  };
}

function progress(phase, end) {
  const timer = setInterval(() => {
    const mine = [...tracker.txs.values()].filter((tx) => tx.phase === phase);
    const finalized = mine.filter((tx) => tx.state === 'finalized').length;
    const left = Math.max(0, (end - Date.now()) / 1000);
    log(`${phase}: submitted ${mine.filter((tx) => tx.state !== 'refused').length}, finalized ${finalized}, in flight ${tracker.inflight}, finalized head #${tracker.lastFinalized}${left ? `, ${left.toFixed(0)} s left` : ', draining'}`);
  }, 5000);
  return () => clearInterval(timer);
}

/** Phase 1: every owner registers records as fast as the pool takes them (or at --rate). */
async function recordsPhase(owners, ceilingTps) {
  const phase = 'records';
  // Pre-signed registrations (not measured): as many as the target rate, or the weight
  // ceiling, could take in the phase, and 15 % more. Past them, owners sign as they go.
  const planned = Math.min(opts.presign, Math.ceil(1.15 * (opts.rate > 0 ? opts.rate : ceilingTps) * opts.duration));
  const perOwner = Math.ceil(planned / owners.length);
  const signStart = Date.now();
  for (const acct of owners) {
    acct.presigned = [];
    for (let k = 0; k < perOwner; k++) {
      acct.presigned.push(await sign(acct, api.tx.medicalRecords.registerRecord(recordInput(acct, k)), acct.nonce + k));
    }
  }
  const presignS = (Date.now() - signStart) / 1000;
  log(`${phase}: pre-signed ${perOwner * owners.length} registrations in ${presignS.toFixed(1)} s`);
  const cpuStart = cpuSnapshot();
  const start = Date.now();
  const end = start + opts.duration * 1000;
  const stopProgress = progress(phase, end);
  let issued = 0;
  const seq = new Map(owners.map((acct) => [acct, perOwner]));
  const worker = async (acct) => {
    while (!finishing && Date.now() < end) {
      if (opts.rate > 0) {
        const slot = start + (issued++ * 1000) / opts.rate;
        if (slot > Date.now()) await sleep(slot - Date.now());
      }
      while (!finishing && Date.now() < end && (tracker.inflight >= opts.inflight || acct.outstanding >= opts.window || Date.now() < acct.backoffUntil)) {
        await changed(200);
      }
      if (finishing || Date.now() >= end) break;
      const signed = await nextTransaction(acct, () => {
        const n = seq.get(acct);
        seq.set(acct, n + 1);
        return api.tx.medicalRecords.registerRecord(recordInput(acct, n));
      });
      submitPipelined(acct, signed, { kind: 'registerRecord', phase });
    }
  };
  await Promise.all(owners.map(worker));
  const stopped = Date.now();
  const cpuEnd = cpuSnapshot();
  log(`${phase}: stopped submitting after ${((stopped - start) / 1000).toFixed(1)} s; waiting for finality`);
  await drain(phase, () => true);
  stopProgress();
  const lost = await lostDetail(phase);
  const unused = owners.reduce((sum, acct) => sum + acct.presigned.length, 0);
  for (const acct of owners) acct.presigned = [];
  return { phase, start, end: stopped, cpuStart, cpuEnd, lost_detail: lost, presigned: perOwner * owners.length, presigned_unused: unused, presign_s: +presignS.toFixed(1) };
}

/** Phase 2: demanders ask for records, members vote as the requests are finalized. */
async function accessPhase(demanders, members, records) {
  const phase = 'access';
  if (!records.length) throw new Error('no records to ask for');
  const MAX_IN_PROGRESS = api.consts.access.maxOpenRequests.toNumber();
  const requests = new Map(); // request id -> { demander, decided }
  const state = new Map(demanders.map((acct, d) => [acct.address, { acct, inProgress: 0, cursor: Math.floor((d * records.length) / demanders.length), asked: 0 }]));
  let voted = 0;
  let opened = 0;
  let decided = 0;
  let approved = 0;
  const votes = [];
  tracker.onEvents((events) => {
    for (const event of events) {
      if (event.section !== 'access') continue;
      if (event.method === 'AccessRequested') {
        const who = state.get(field(event, 'demander').toString());
        if (!who) continue;
        const id = field(event, 'request').toNumber();
        requests.set(id, { demander: who, decided: false });
        opened++;
        // Even ids: two ayes (approved); odd ids: three nays (rejected).
        const approve = id % 2 === 0;
        const k = id % members.length;
        const voters = approve ? [k, k + 1] : [k, k + 1, k + 2];
        for (const v of voters) {
          const member = members[v % members.length];
          votes.push(enqueue(member, api.tx.access.vote(id, approve), { kind: 'vote', phase }, { retries: 3 }));
          voted++;
        }
      } else if (event.method === 'RequestApproved' || event.method === 'RequestRejected') {
        const request = requests.get(field(event, 'request').toNumber());
        if (!request || request.decided) continue;
        request.decided = true;
        decided++;
        if (event.method === 'RequestApproved') approved++;
        if (event.method === 'RequestRejected') request.demander.inProgress--;
      }
    }
  });

  const cpuStart = cpuSnapshot();
  const start = Date.now();
  const end = start + opts.duration * 1000;
  const stopProgress = progress(phase, end);
  const list = [...state.values()];
  let next = 0;
  let full = 0;
  for (let k = 0; !finishing; k++) {
    const slot = start + (k * 1000) / opts.requestRate;
    if (slot >= end) break;
    if (slot > Date.now()) await sleep(slot - Date.now());
    // The next demander with room for another request.
    let who = null;
    for (let tries = 0; tries < list.length; tries++) {
      const candidate = list[next++ % list.length];
      if (candidate.inProgress < MAX_IN_PROGRESS && candidate.asked < records.length) {
        who = candidate;
        break;
      }
    }
    if (!who) {
      full++;
      continue;
    }
    const record = records[who.cursor++ % records.length];
    who.asked++;
    who.inProgress++;
    enqueue(who.acct, api.tx.access.requestAccess(record, { code: 'Hresch', text: `load study ${k}` }), { kind: 'requestAccess', phase }).then((tx) => {
      if (tx.state === 'refused') who.inProgress--;
    });
  }
  const stopped = Date.now();
  const cpuEnd = cpuSnapshot();
  log(`${phase}: stopped asking after ${((stopped - start) / 1000).toFixed(1)} s (${full} slots skipped: every demander had ${MAX_IN_PROGRESS} requests in progress); votes go on until every request is decided`);
  // Requests that failed in their block are not waiting for votes.
  await drain(phase, () => {
    const requestTxs = [...tracker.txs.values()].filter((tx) => tx.phase === phase && tx.kind === 'requestAccess' && tx.state === 'finalized' && tx.ok);
    return requestTxs.length === opened && decided === opened;
  });
  await Promise.all(votes);
  stopProgress();
  return { phase, start, end: stopped, cpuStart, cpuEnd, lost_detail: await lostDetail(phase), opened, decided, approved, rejected: decided - approved, voted, skipped: full };
}

/**
 * For the transactions of the phase that a pool accepted and no block took: per account,
 * the account's nonce on-chain now and the nonces lost (a lost nonce equal to the chain's
 * means that transaction vanished from the pools and the later ones waited on it).
 */
async function lostDetail(phase) {
  const byAccount = new Map();
  for (const tx of tracker.txs.values()) {
    if (tx.phase === phase && tx.state === 'submitted') {
      if (!byAccount.has(tx.account)) byAccount.set(tx.account, []);
      byAccount.get(tx.account).push(tx.nonce);
    }
  }
  const detail = [];
  for (const [acct, nonces] of byAccount) {
    nonces.sort((a, b) => a - b);
    const chain = (await api.query.system.account(acct.address)).nonce.toNumber();
    detail.push({ account: acct.label, node: acct.nodeIndex, chain_nonce: chain, lost: nonces.length, first_lost: nonces[0], last_lost: nonces.at(-1) });
  }
  return detail;
}

/** Waits until every transaction of the phase is finalized (or refused) and `done()`. */
async function drain(phase, done) {
  const deadline = Date.now() + opts.drain * 1000;
  while (!finishing && Date.now() < deadline) {
    let open = 0;
    for (const tx of tracker.txs.values()) {
      if (tx.phase === phase && tx.state === 'submitted') open++;
    }
    if (open === 0 && done()) return true;
    await sleep(500);
  }
  log(`${phase}: drain timeout (${opts.drain} s); what is not finalized now counts as lost`);
  return false;
}

// ---------------------------------------------------------------------------------------
// Report

/**
 * What each author said about the blocks it built (sc-basic-authorship's "Prepared block
 * for proposing at N (T ms) hash: H; …; end: REASON; extrinsics_count: K"), by the hash
 * of the sealed block.
 */
function proposals() {
  const found = new Map();
  const pattern = /Prepared block for proposing at (\d+) \((\d+) ms\) hash: (0x[0-9a-f]+); parent_hash: \S+; end: (\w+); extrinsics_count: (\d+)/g;
  for (const node of nodes) {
    let text;
    try {
      text = readFileSync(node.logPath, 'utf8');
    } catch {
      continue;
    }
    const prepared = new Map();
    for (const m of text.matchAll(pattern)) {
      prepared.set(m[3], { author: node.name, ms: +m[2], end: m[4], extrinsics: +m[5] });
    }
    // Aura seals the block afterwards, which changes its hash.
    for (const m of text.matchAll(/Pre-sealed block for proposal at \d+\. Hash now (0x[0-9a-f]+), previously (0x[0-9a-f]+)/g)) {
      if (prepared.has(m[2])) found.set(m[1], prepared.get(m[2]));
    }
  }
  return found;
}

function phaseReport({ phase, start, end, ...extra }, cpu) {
  const txs = [...tracker.txs.values()].filter((tx) => tx.phase === phase);
  const refused = new Map();
  const failed = new Map();
  let lost = 0;
  const finalized = [];
  for (const tx of txs) {
    if (tx.state === 'refused') count(refused, tx.reason);
    else if (tx.state === 'submitted') lost++;
    else {
      finalized.push(tx);
      if (!tx.ok) count(failed, tx.error);
    }
  }
  const byKind = {};
  const feesByKind = {};
  for (const tx of finalized) {
    byKind[tx.kind] ??= { finalized: 0, ok: 0 };
    byKind[tx.kind].finalized++;
    if (tx.ok) byKind[tx.kind].ok++;
    // Fees in mMED (1 UNIT = 10^12), as `TransactionPayment.TransactionFeePaid` says.
    if (tx.fee !== undefined) (feesByKind[tx.kind] ??= []).push(Number(tx.fee) / 1e9);
  }
  const windowS = (end - start) / 1000;
  const inWindow = (b) => b.ts >= start && b.ts < end;
  const isPhase = (tx) => tx.phase === phase;
  // Blocks of the window and of the whole phase (up to its last transaction).
  const lastBlock = Math.max(0, ...finalized.map((tx) => tx.block));
  const firstBlock = Math.min(Infinity, ...finalized.map((tx) => tx.block));
  const windowBlocks = tracker.blocks.filter(inWindow);
  const phaseBlocks = tracker.blocks.filter((b) => b.number >= firstBlock && b.number <= lastBlock);
  const ourIn = (blocks) => {
    const numbers = new Set(blocks.map((b) => b.number));
    return finalized.filter((tx) => isPhase(tx) && numbers.has(tx.block)).length;
  };
  const includedInWindow = ourIn(windowBlocks);
  const spanS = phaseBlocks.length ? (phaseBlocks.at(-1).ts - phaseBlocks[0].ts + SLOT_MS) / 1000 : 0;
  const ttf = stats(finalized.map((tx) => (tx.finalizedAt - tx.submitAt) / 1000));
  const tti = stats(finalized.map((tx) => (tx.includedAt - tx.submitAt) / 1000));
  const ack = stats(txs.filter((tx) => tx.ackAt).map((tx) => tx.ackAt - tx.submitAt));
  const perBlock = (blocks, f) => stats(blocks.map(f));
  // The slots that start in the window; each block stands for its slot's 3 seconds.
  const slots = Math.floor((end - 1) / SLOT_MS) - Math.ceil(start / SLOT_MS) + 1;
  const ends = new Map();
  for (const b of windowBlocks) count(ends, b.proposal?.end ?? 'unknown');
  return {
    phase,
    window_s: +windowS.toFixed(1),
    submitted: txs.filter((tx) => tx.state !== 'refused').length,
    refused_at_submission: txs.filter((tx) => tx.state === 'refused').length,
    refused_reasons: Object.fromEntries(refused),
    finalized: finalized.length,
    finalized_ok: finalized.filter((tx) => tx.ok).length,
    failed_in_block: finalized.filter((tx) => !tx.ok).length,
    failed_reasons: Object.fromEntries(failed),
    lost,
    resubmitted: txs.filter((tx) => tx.resubmits).length,
    resubmitted_finalized: finalized.filter((tx) => tx.resubmits).length,
    by_kind: byKind,
    fees_mmed: Object.fromEntries(Object.entries(feesByKind).map(([kind, fees]) => [kind, stats(fees)])),
    sustained_tps: +(includedInWindow / ((slots * SLOT_MS) / 1000)).toFixed(1),
    slots_in_window: slots,
    included_in_window: includedInWindow,
    overall_tps: spanS ? +(finalized.length / spanS).toFixed(1) : 0,
    overall_span_s: +spanS.toFixed(1),
    time_to_finality_s: ttf,
    time_to_inclusion_s: tti,
    submit_rpc_ms: ack,
    blocks_in_window: windowBlocks.length,
    missed_slots_in_window: Math.max(0, slots - windowBlocks.length),
    ours_per_block: perBlock(windowBlocks, (b) => b.ours),
    extrinsics_per_block: perBlock(windowBlocks, (b) => b.extrinsics),
    normal_weight_pct: perBlock(windowBlocks, (b) => b.normalPct),
    block_weight_pct: perBlock(windowBlocks, (b) => b.blockPct),
    length_pct: perBlock(windowBlocks, (b) => b.lengthPct),
    // From a block's slot start (its timestamp) to its finalization being announced.
    block_finality_s: perBlock(windowBlocks, (b) => (b.seen - b.ts) / 1000),
    // Why each author stopped filling its block, and how long it took to build it.
    proposal_end: Object.fromEntries(ends),
    proposal_ms: perBlock(windowBlocks.filter((b) => b.proposal), (b) => b.proposal.ms),
    cpu: cpu,
    ...extra,
    // Every block from the window's start to the phase's last transaction.
    blocks: tracker.blocks.filter((b) => b.ts >= start && b.number <= Math.max(lastBlock, 0)).map((b) => ({
      number: b.number,
      ts: b.ts,
      ours: b.ours,
      extrinsics: b.extrinsics,
      normal_pct: +b.normalPct.toFixed(1),
      finalized_after_s: +((b.seen - b.ts) / 1000).toFixed(2),
      author: b.proposal?.author,
      proposal_ms: b.proposal?.ms,
      end: b.proposal?.end,
    })),
  };
}

const f1 = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '–' : x.toFixed(2));

function summary(report) {
  const lines = [];
  lines.push(`MedChain load test — four-node local consortium on 127.0.0.1 (${report.machine.cpus} CPUs, load ${report.machine.loadavg_start.map(f2).join(' ')} at start, ${report.machine.loadavg_end.map(f2).join(' ')} at end)`);
  lines.push(`accounts: ${report.config.accounts} (${report.setup.owners} owners, ${report.setup.demanders} demanders); setup ${f1(report.setup.seconds)} s (${report.setup.motions} council motions), not measured`);
  if (report.machine.other_busy.length) {
    lines.push(`other busy processes during the run: ${report.machine.other_busy.map((p) => `${p.comm}(${p.pid}) ${p.pcpu}%`).join(', ')}`);
  }
  if (report.weights) {
    const w = Object.entries(report.weights.calls).map(([kind, c]) => `${kind} ${c.weight_us} µs → ${c.per_block}/block, ${c.tps} tx/s`).join('; ');
    lines.push(`weight ceiling (${report.weights.normal_max_ms} ms of normal weight per ${report.weights.slot_ms / 1000} s block): ${w}`);
  }
  for (const p of report.phases) {
    lines.push('');
    lines.push(`phase ${p.phase}: ${p.window_s} s of submission${p.phase === 'records' ? (report.config.rate ? ` at ${report.config.rate} tx/s` : ` (pool kept full, ≤ ${report.config.inflight} in flight)`) : ` (${report.config.requestRate} requests/s, votes as requests finalize)`}`);
    lines.push(`  submitted ${p.submitted}, refused by the pool ${p.refused_at_submission}, finalized ${p.finalized} (ok ${p.finalized_ok}, failed ${p.failed_in_block}), lost ${p.lost}`);
    if (p.resubmitted) lines.push(`  dropped by a pool after acceptance and sent again: ${p.resubmitted} (${p.resubmitted_finalized} of them then finalized)`);
    for (const [kind, k] of Object.entries(p.by_kind)) lines.push(`    ${kind}: ${k.finalized} finalized, ${k.ok} ok`);
    if (p.refused_at_submission) lines.push(`  refused: ${JSON.stringify(p.refused_reasons)}`);
    if (p.failed_in_block) lines.push(`  failed: ${JSON.stringify(p.failed_reasons)}`);
    if (p.lost_detail?.length) lines.push(`  lost: ${p.lost_detail.slice(0, 6).map((l) => `${l.account} (node ${l.node}): chain nonce ${l.chain_nonce}, lost ${l.lost} from ${l.first_lost} to ${l.last_lost}`).join('; ')}${p.lost_detail.length > 6 ? ` … ${p.lost_detail.length} accounts` : ''}`);
    for (const [kind, fee] of Object.entries(p.fees_mmed ?? {})) lines.push(`  fee per ${kind}: mean ${fee.mean?.toFixed(3)} mMED, median ${fee.median?.toFixed(3)}, max ${fee.max?.toFixed(3)} (${fee.n} paid)`);
    if (p.phase === 'records') lines.push(`  pre-signed before the window ${p.presigned} (${p.presign_s} s, ${p.presigned_unused} unused); the rest signed as sent`);
    if (p.phase === 'access') lines.push(`  requests opened ${p.opened}, decided ${p.decided} (approved ${p.approved}, rejected ${p.rejected}), votes sent ${p.voted}, request slots skipped (demanders full) ${p.skipped}`);
    lines.push(`  sustained: ${f1(p.sustained_tps)} tx/s = ${p.included_in_window} tx in the blocks of the ${p.slots_in_window} slots of the window (${p.blocks_in_window} blocks, ${p.missed_slots_in_window} missed slots); ${f1(p.overall_tps)} tx/s over the ${f1(p.overall_span_s)} s from first to last block`);
    const t = p.time_to_finality_s;
    const i = p.time_to_inclusion_s;
    lines.push(`  time to finality (submit → finalized): median ${f2(t.median)} s, p95 ${f2(t.p95)} s, max ${f2(t.max)} s (n = ${t.n}); to first inclusion: median ${f2(i.median)} s, p95 ${f2(i.p95)} s`);
    lines.push(`  author_submitExtrinsic answered in ${f1(p.submit_rpc_ms.median)} ms median, ${f1(p.submit_rpc_ms.p95)} ms p95`);
    lines.push(`  finality of the window's blocks (slot start → finalized head announced): median ${f2(p.block_finality_s.median)} s, max ${f2(p.block_finality_s.max)} s`);
    lines.push(`  block building in the window: ${f1(p.proposal_ms.median)} ms median, ${p.proposal_ms.max ?? '–'} ms max; stopped because ${Object.entries(p.proposal_end).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    lines.push(`  block fill in the window: ours per block mean ${f1(p.ours_per_block.mean)}, max ${p.ours_per_block.max ?? '–'}; normal weight mean ${f1(p.normal_weight_pct.mean)} %, max ${f1(p.normal_weight_pct.max)} %; length max ${f2(p.length_pct.max)} %`);
    lines.push(`  CPU: nodes ${f1(p.cpu.nodes_pct)} % of one core (4 nodes), this script ${f1(p.cpu.self_pct)} %`);
  }
  lines.push('');
  lines.push(`total ${f1(report.seconds)} s; nodes stopped: ${report.nodes_stopped}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Main

let SLOT_MS = 3000;
let exitCode = 0;
let repairTimer;
const report = {
  config: { ...opts },
  machine: { cpus: cpus().length, loadavg_start: loadavg(), other_busy: [] },
  phases: [],
};
try {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  log('starting the four-node local consortium on 127.0.0.1');
  nodes = opts.nodeArgs.length ? await startConsortiumWith(opts.nodeArgs) : await startConsortium({ chain: 'local' });
  const ourPids = new Set(nodes.map((n) => n.pid));
  report.machine.other_busy = otherBusyProcesses(ourPids);
  log(`nodes: ${nodes.map((n) => `${n.name} pid ${n.pid} ${n.wsUrl}`).join(', ')}`);
  for (const node of nodes) {
    await waitFor(`${node.name} to see 3 peers`, async () => (await node.rpc('system_health')).peers >= 3, 120_000);
  }
  await Promise.all(nodes.map((node) => waitForFinalized(node, 1, 120_000)));
  api = await nodes[0].api();
  for (const node of nodes) {
    const provider = new WsProvider(node.wsUrl, 1000);
    await provider.isReady;
    providers.push(provider);
  }
  tracker = new Tracker(api, nodes[0]);
  await tracker.start();
  let repairing = Promise.resolve();
  repairTimer = setInterval(() => {
    repairing = repairing.then(repairStuck).catch((error) => log(`repair: ${error.message}`));
  }, 5000);

  const members = ['//Alice', '//Bob', '//Charlie', '//Dave'].map((uri, i) => account(keyring.addFromUri(uri), i, uri));
  const { owners, demanders, seconds, motions } = await setup(keyring, members);
  report.setup = { seconds: +seconds.toFixed(1), motions, owners: owners.length, demanders: demanders.length };

  // What the runtime's weights allow: a block's normal-class weight over each call's
  // weight (as the transaction-payment API reports it, base extrinsic weight included).
  const slotMs = Number(api.consts.aura?.slotDuration?.toBigInt?.() ?? 3000n);
  SLOT_MS = slotMs;
  report.weights = { slot_ms: slotMs, normal_max_ms: tracker.maxNormalRefTime / 1e9, calls: {} };
  for (const [kind, call, who] of [
    ['registerRecord', api.tx.medicalRecords.registerRecord(recordInput(owners[0], 1e9)), owners[0]],
    ['requestAccess', api.tx.access.requestAccess(0, { code: 'Hresch', text: 'load study 0' }), demanders[0]],
    ['vote', api.tx.access.vote(0, true), members[0]],
  ]) {
    const info = await call.paymentInfo(who.address);
    const refTime = Number(info.weight.refTime.toBigInt());
    const perBlock = Math.floor(tracker.maxNormalRefTime / refTime);
    report.weights.calls[kind] = { weight_us: +(refTime / 1e6).toFixed(1), per_block: perBlock, tps: +(perBlock / (slotMs / 1000)).toFixed(0) };
  }

  const records = [];
  tracker.onEvents((events) => {
    for (const event of events) {
      if (event.section === 'medicalRecords' && event.method === 'RecordRegistered') records.push(field(event, 'id').toNumber());
    }
  });

  const measured = async (run) => {
    let before = cpuSnapshot();
    const { cpuStart, cpuEnd, ...result } = await run();
    before = cpuStart ?? before;
    const after = cpuEnd ?? cpuSnapshot();
    const seconds = (after.at - before.at) / 1000;
    const cpu = {
      nodes_pct: (100 * (after.nodes - before.nodes)) / seconds,
      self_pct: (100 * (after.self - before.self)) / seconds,
      seconds,
    };
    for (const busy of otherBusyProcesses(ourPids)) {
      if (!report.machine.other_busy.some((p) => p.pid === busy.pid)) report.machine.other_busy.push(busy);
    }
    const built = proposals();
    for (const b of tracker.blocks) b.proposal = built.get(b.hash) ?? b.proposal;
    report.phases.push(phaseReport(result, cpu));
  };
  if (opts.phases.includes('records')) await measured(() => recordsPhase(owners, report.weights.calls.registerRecord.tps));
  if (opts.phases.includes('access')) await measured(() => accessPhase(demanders, members, records));
  if (tracker.error) throw tracker.error;
  tracker.stop();
} catch (error) {
  exitCode = 1;
  report.error = String(error?.stack ?? error);
  console.error(`load.mjs: ${error?.stack ?? error}`);
} finally {
  finishing = true;
  clearInterval(repairTimer);
  tracker?.stop();
  report.machine.loadavg_end = loadavg();
  const pids = nodes.map((n) => n.pid);
  await shutdown();
  const alive = pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  report.nodes_stopped = alive.length ? `NO: ${alive.join(' ')} still running` : `yes (pids ${pids.join(' ') || 'none'})`;
  if (alive.length) exitCode = 1;
  report.seconds = (Date.now() - T0) / 1000;
  clearTimeout(hardTimeout);
}

if (report.phases.length) {
  const text = summary(report);
  if (opts.json) {
    console.error(text);
    console.log(JSON.stringify(report));
  } else {
    console.log(text);
  }
} else if (opts.json) {
  console.log(JSON.stringify(report));
}
for (const p of report.phases) {
  if (p.finalized === 0) exitCode = exitCode || 1;
  if (p.lost) console.error(`load.mjs: warning: ${p.lost} transactions of phase ${p.phase} were accepted by a pool but never finalized`);
}
process.exit(exitCode);
