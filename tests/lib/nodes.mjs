// Starts real medchain-node processes on loopback for end-to-end tests, and always
// stops them by process id: on `stop()`, on test failure (tests register `after` hooks)
// and when this process exits for any reason.

import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, ed25519PairFromSeed, keyExtractSuri, keyFromPath, mnemonicToMiniSecret } from '@polkadot/util-crypto';

/** The well-known development phrase behind `//Alice`, `//Bob`, ... */
const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

/** The hospitals of the development consortium, whose nodes `NodeAuthorization` knows. */
export const DEV_HOSPITALS = ['alice', 'bob', 'charlie', 'dave'];

/**
 * A development hospital's network key: the secret seed of its Ed25519 key `//Name`
 * (hex, for `--node-key`). The chain's genesis authorises the peer ids of these keys.
 */
export function devNodeKey(name) {
  const { path } = keyExtractSuri(`${DEV_PHRASE}//${name[0].toUpperCase()}${name.slice(1)}`);
  const pair = keyFromPath(ed25519PairFromSeed(mnemonicToMiniSecret(DEV_PHRASE)), path, 'ed25519');
  return u8aToHex(pair.secretKey.slice(0, 32)).slice(2);
}

/** A release binary: `$ENV_VAR`, else `$CARGO_TARGET_DIR/release/NAME`. */
function releaseBinary(name, envVar) {
  if (process.env[envVar]) return resolve(process.env[envVar]);
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'medchain-target');
  const binary = join(target, 'release', name);
  if (!existsSync(binary)) {
    throw new Error(`${binary} not found: build it with scripts/test.sh or set ${envVar}`);
  }
  return binary;
}

/**
 * A runtime's WASM as `cargo build --release` leaves it: `$ENV_VAR`, else
 * `$CARGO_TARGET_DIR/release/wbuild/CRATE/CRATE_.compact.compressed.wasm`.
 */
export function builtRuntime(crate, envVar) {
  if (process.env[envVar]) return resolve(process.env[envVar]);
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'medchain-target');
  return join(target, 'release', 'wbuild', crate, `${crate.replaceAll('-', '_')}.compact.compressed.wasm`);
}

/** The node binary: $MEDCHAIN_NODE, else the release build in $CARGO_TARGET_DIR. */
export const nodeBinary = () => releaseBinary('medchain-node', 'MEDCHAIN_NODE');

/** The `medchain` CLI: $MEDCHAIN_CLI, else the release build next to the node. */
export const cliBinary = () => releaseBinary('medchain', 'MEDCHAIN_CLI');

/** Every process started here, so none outlives the test run. */
const running = new Set();

function killAll() {
  for (const node of running) {
    try {
      process.kill(node.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before returning). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `check()` returns a truthy value, or fails after `timeoutMs`. An error
 * thrown by `check` is retried unless it has `fatal: true`.
 */
export async function waitFor(what, check, timeoutMs = 60_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      if (error.fatal) throw error;
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

async function rpc(port, method, params = []) {
  const response = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/**
 * Starts one node. `chain` is `dev` (with `--dev`) or a chain name/spec path; `name`
 * selects the dev key (`alice`, `bob`, ...) for local networks. `command: { binary, args }`
 * starts another program that serves the same RPC instead (see lib/parachain.mjs).
 */
export async function startNode(options = {}) {
  const { chain = 'dev', name = 'alice', bootnodes = [], extraArgs = [], command } = options;
  await cryptoWaitReady();
  // A restart passes the stopped node's base path and ports back in.
  const basePath = options.basePath ?? mkdtempSync(join(tmpdir(), `medchain-${name}-`));
  const rpcPort = options.rpcPort ?? (await freePort());
  const p2pPort = options.p2pPort ?? (await freePort());
  // `command`: another program serving the same RPC (chopsticks, polkadot-omni-node),
  // started, tracked and stopped like a node.
  const args = command ? command.args({ rpcPort, p2pPort, basePath }) : [
    // On a non-dev chain the development hospitals' nodes use their well-known network keys
    // (the chain authorises their peer ids); any other node makes a fresh one.
    ...(chain === 'dev'
      ? ['--dev']
      : ['--chain', chain, ...(DEV_HOSPITALS.includes(name)
        ? [`--${name}`, '--node-key', devNodeKey(name)]
        : ['--unsafe-force-node-key-generation'])]),
    '--base-path', basePath,
    '--name', name,
    '--rpc-port', String(rpcPort),
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--public-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--no-prometheus',
    '--no-telemetry',
    '--no-mdns',
    '--rpc-cors', 'all',
    // The audit index, as the scripts and the book start nodes (`medchain_auditLog`).
    ...(options.indexing === false ? [] : ['--enable-offchain-indexing', 'true']),
    ...(bootnodes.length ? ['--bootnodes', ...bootnodes] : []),
    ...extraArgs,
  ];
  const logPath = join(basePath, 'node.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(command ? command.binary : nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    log.write(chunk);
    if (output.length < 200_000) output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const node = {
    name,
    pid: child.pid,
    rpcPort,
    p2pPort,
    basePath,
    logPath,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    get output() {
      return output;
    },
    get exited() {
      return exited;
    },
    rpc: (method, params) => rpc(rpcPort, method, params),
    /** The node's libp2p address with its peer id, for `--bootnodes`. */
    async multiaddr() {
      const peerId = await waitFor(`${name}'s peer id`, () => output.match(/Local node identity is: (\w+)/)?.[1], 30_000);
      return `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`;
    },
    /** A connected Polkadot.js API (closed by `stop`). */
    async api() {
      if (!node._api) {
        node._api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl, 1000), noInitWarn: true });
      }
      return node._api;
    },
    /** Kills the node at once (SIGKILL, as a crash would), keeping its data for `restart`. */
    async kill() {
      if (node._api) {
        await node._api.disconnect().catch(() => {});
        node._api = null;
      }
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await waitFor(`${name} to die`, () => exited !== null, 10_000, 100);
      running.delete(node);
      log.end();
    },
    /** Starts the node again on its base path and ports (after `kill` or `stop({ keepData })`). */
    restart(extra = {}) {
      return startNode({ ...options, basePath, rpcPort, p2pPort, ...extra });
    },
    /** Stops the node by pid (SIGTERM, then SIGKILL after 10 s) and removes its data. */
    async stop({ keepData = false } = {}) {
      if (node._api) {
        await node._api.disconnect().catch(() => {});
        node._api = null;
      }
      if (exited === null) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        const gone = await waitFor(`${name} to exit`, () => exited !== null, 10_000, 100).catch(() => false);
        if (!gone) {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
          await waitFor(`${name} to die`, () => exited !== null, 5_000, 100).catch(() => {});
        }
      }
      running.delete(node);
      log.end();
      if (!keepData) rmSync(basePath, { recursive: true, force: true });
    },
  };
  running.add(node);

  try {
    await waitFor(`${name}'s RPC on port ${rpcPort}`, async () => {
      if (exited) throw Object.assign(new Error(`node exited (${JSON.stringify(exited)})`), { fatal: true });
      return (await node.rpc('system_health')) !== undefined;
    }, 60_000);
  } catch (error) {
    await node.stop({ keepData: true });
    throw new Error(`${error.message}\n--- last output of ${name} (${logPath}) ---\n${output.slice(-3000)}`);
  }
  return node;
}

/** Starts a single `--dev` node (Alice, sudo, instant authoring). */
export function startDevNode(options = {}) {
  return startNode({ chain: 'dev', name: 'alice', ...options });
}

/**
 * Starts the four-hospital local consortium (Alice, Bob, Charlie, Dave), each with its
 * own ports and base path, all connected to Alice's node.
 */
export async function startConsortium({ chain = 'local', names = DEV_HOSPITALS, extraArgs = {} } = {}) {
  const nodes = [];
  try {
    const first = await startNode({ chain, name: names[0], extraArgs: extraArgs[names[0]] ?? [] });
    nodes.push(first);
    const bootnode = await first.multiaddr();
    for (const name of names.slice(1)) {
      nodes.push(await startNode({ chain, name, bootnodes: [bootnode], extraArgs: extraArgs[name] ?? [] }));
    }
  } catch (error) {
    await stopAll(nodes);
    throw error;
  }
  return nodes;
}

/** Stops every node given (in parallel). */
export async function stopAll(nodes) {
  await Promise.all(nodes.map((node) => node.stop()));
}

/**
 * Collects every `MedicalRecords.RecordRegistered` event the node imports into
 * `registered` (raw hash hex → event data); returns the function that stops it.
 */
export function collectRegistrations(api, registered) {
  return api.query.system.events((events) => {
    for (const { event } of events) {
      if (api.events.medicalRecords.RecordRegistered.is(event)) {
        registered.set(event.data.rawHash.toHex(), event.data);
      }
    }
  });
}

/** Waits until the node's finalized head reaches `number`; returns the head. */
export async function waitForFinalized(node, number, timeoutMs = 120_000) {
  return waitFor(`${node.name} to finalize block #${number}`, async () => {
    const hash = await node.rpc('chain_getFinalizedHead');
    const header = await node.rpc('chain_getHeader', [hash]);
    return parseInt(header.number, 16) >= number ? { hash, number: parseInt(header.number, 16) } : null;
  }, timeoutMs, 500);
}

/**
 * Signs and sends `tx` with `signer`; resolves with the block hash and the events once
 * the block holding it is finalized (or, with `{ until: 'inBlock' }`, included), rejects
 * if the extrinsic failed: with the decoded module error (`access.NotMember`), another
 * dispatch error's kind (`BadOrigin`), or `sudo: <error>` when a sudo call's inner call
 * failed. `nonce` defaults to the signer's next nonce as the node counts it (its pool
 * included), read fresh: polkadot.js's own default comes from a cached account
 * subscription that can still show the previous block's nonce (`stale`).
 */
export async function sendAndFinalize(api, tx, signer, { until = 'finalized', nonce } = {}) {
  const used = nonce ?? (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  return new Promise((resolveTx, reject) => {
    let unsubscribe = () => {};
    let settled = false;
    const finish = (fn, value) => {
      if (!settled) {
        settled = true;
        unsubscribe();
        fn(value);
      }
    };
    // Resolves once the signer's next nonce counts this transaction: chopsticks
    // announces a block before its RPC reads from it, and the signer's next
    // transaction would otherwise take the same nonce (`stale`). At once on a node.
    let settling = false;
    const settleWith = (fn, value) => {
      if (settling) return;
      settling = true;
      waitFor('the signer\'s nonce to move on', async () =>
        (await api.rpc.system.accountNextIndex(signer.address)).toNumber() > used, 10_000, 50)
        .then(() => finish(fn, value), (error) => finish(reject, error));
    };
    tx.signAndSend(signer, { nonce: used }, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        settleWith(reject, new Error(dispatchErrorName(api, dispatchError)));
        return;
      }
      // A `--dev-block-time` node finalizes each block as it imports it: the pool may
      // report a transaction finalized without reporting it in a block first.
      const block = status.isFinalized ? status.asFinalized : status.isInBlock && until === 'inBlock' ? status.asInBlock : null;
      if (block) {
        const sudo = events.find(({ event }) => api.events.sudo?.Sudid?.is(event) && event.data[0].isErr);
        if (sudo) settleWith(reject, new Error(`sudo: ${dispatchErrorName(api, sudo.event.data[0].asErr)}`));
        else settleWith(resolveTx, { blockHash: block.toHex(), events });
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        finish(reject, new Error(`transaction ${status.type}`));
      }
    })
      .then((u) => {
        unsubscribe = u;
        if (settled) u();
      })
      .catch((error) => finish(reject, error));
  });
}

/** `access.NotMember` for a module error, the kind (`BadOrigin`) for any other. */
function dispatchErrorName(api, dispatchError) {
  if (!dispatchError.isModule) return dispatchError.type;
  const { section, name } = api.registry.findMetaError(dispatchError.asModule);
  return `${section}.${name}`;
}

/**
 * Sends every `[signer, tx]` at once, each signer's with consecutive nonces (so one
 * signer's calls run in the order given); one promise per call, as `sendAndInclude`.
 */
async function sendEach(api, calls) {
  const nonces = new Map();
  for (const [signer] of calls) {
    if (!nonces.has(signer.address)) {
      nonces.set(signer.address, (await api.rpc.system.accountNextIndex(signer.address)).toNumber());
    }
  }
  return calls.map(([signer, tx]) => {
    const nonce = nonces.get(signer.address);
    nonces.set(signer.address, nonce + 1);
    return sendAndFinalize(api, tx, signer, { until: 'inBlock', nonce });
  });
}

/** `sendEach`, resolving with every call's block and events; rejects on the first failure. */
export async function sendAll(api, calls) {
  return Promise.all(await sendEach(api, calls));
}

/**
 * `sendEach`, resolving with one answer per call: `ok`, or why it failed
 * (`access.AlreadyVoted`, `BadOrigin`, the pool's refusal).
 */
export async function sendAllAnswers(api, calls) {
  return Promise.all((await sendEach(api, calls)).map((sent) => sent.then(() => 'ok', (error) => error.message)));
}

/** Like `sendAndFinalize`, resolving as soon as the transaction is in a block. */
export function sendAndInclude(api, tx, signer) {
  return sendAndFinalize(api, tx, signer, { until: 'inBlock' });
}

/**
 * Runs the `medchain` CLI; resolves with `{ code, stdout, stderr, json }` whatever the
 * exit code (`json`: the last JSON line printed, for `--json` runs).
 */
export function runCli(args, { timeoutMs = 300_000 } = {}) {
  return new Promise((resolveRun) => {
    execFile(cliBinary(), args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      let code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      // With --json every line of stdout is one JSON object: anything else is a failure.
      const lines = [];
      for (const line of stdout.split('\n').filter((l) => l.trim() !== '')) {
        try {
          lines.push(JSON.parse(line));
        } catch {
          if (args.includes('--json') && code === 0) {
            code = -2;
            stderr += `\nnot a JSON line on stdout: ${line}`;
          }
        }
      }
      if (args.includes('--json') && code === 0 && lines.length === 0) {
        code = -2;
        stderr += '\nno JSON line on stdout';
      }
      const json = lines.length ? lines[lines.length - 1] : undefined;
      resolveRun({ code, stdout, stderr, json, lines });
    });
  });
}

/** Runs the CLI and fails with its stderr unless it succeeds; returns its last JSON line. */
export async function cli(args, options) {
  const run = await runCli(args, options);
  if (run.code !== 0) {
    throw new Error(`medchain ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
  }
  return run.json;
}

/**
 * Starts `medchain store serve` for `manager` (SS58) against `node`, keeping blobs in a
 * fresh directory; stopped by pid like the nodes.
 */
export async function startStore({ manager, node, objects, port: fixedPort }) {
  const dir = objects ?? mkdtempSync(join(tmpdir(), 'medchain-store-'));
  const port = fixedPort ?? (await freePort());
  const child = spawn(cliBinary(), [
    'store', 'serve',
    '--manager', manager,
    '--objects', dir,
    '--listen', `127.0.0.1:${port}`,
    '--node', node.wsUrl,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const store = {
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    dir,
    get output() {
      return output;
    },
    async stop({ keepData = false } = {}) {
      if (exited === null) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        await waitFor('the store to exit', () => exited !== null, 10_000, 100).catch(() => {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        });
      }
      running.delete(store);
      if (!keepData && !objects) rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(store);
  try {
    await waitFor('the store to answer', async () => {
      if (exited) throw Object.assign(new Error(`store exited (${JSON.stringify(exited)}): ${output}`), { fatal: true });
      const response = await fetch(`${store.url}/v1/info`);
      return response.ok;
    }, 60_000);
  } catch (error) {
    await store.stop();
    throw error;
  }
  return store;
}

/** Waits until record `id` is in the finalized state (what the CLI reads). */
export function waitForFinalizedRecord(api, id, timeoutMs = 60_000) {
  return waitFor(`record ${id} to be finalized`, async () => {
    const head = await api.rpc.chain.getFinalizedHead();
    return (await (await api.at(head)).query.medicalRecords.records(id)).isSome;
  }, timeoutMs, 500);
}

/**
 * A store that misbehaves, on a free port of 127.0.0.1 in this process: `error`
 * answers every request with 500 and a JSON error; `hang` accepts every request and
 * never answers. `requests` counts what reached it; `close()` stops it.
 */
export async function startBadStore(mode) {
  const port = await freePort();
  const sockets = new Set();
  const server = createHttpServer((request, response) => {
    bad.requests += 1;
    request.resume();
    if (mode === 'error') {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'the disk is on fire' }));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolveListen) => server.listen(port, '127.0.0.1', resolveListen));
  const bad = {
    url: `http://127.0.0.1:${port}`,
    requests: 0,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolveClose) => server.close(() => resolveClose()));
    },
  };
  return bad;
}

/**
 * Proposes `call` to the council with `threshold`, has `voters` vote aye, closes it;
 * returns the events of the close.
 */
export async function councilMotion(api, call, threshold, proposer, voters) {
  const proposalHash = call.method.hash.toHex();
  const length = call.method.encodedLength;
  const { events } = await sendAndFinalize(api, api.tx.council.propose(threshold, call, length), proposer);
  const proposed = events.find(({ event }) => api.events.council.Proposed.is(event));
  if (!proposed) throw new Error('no Council.Proposed event');
  const index = proposed.event.data.proposalIndex.toNumber();
  // Different signers: the votes go in together.
  await Promise.all(voters.map((voter) => sendAndFinalize(api, api.tx.council.vote(proposalHash, index, true), voter)));
  const weight = { refTime: 1_000_000_000_000n, proofSize: 1_000_000n };
  const closed = await sendAndFinalize(api, api.tx.council.close(proposalHash, index, weight, length), proposer);
  // The events, and the block that executed the motion (`events.blockHash`).
  return Object.assign(closed.events, { blockHash: closed.blockHash });
}

/**
 * The outcome of a closed motion: `'ok'`, the error's name (`'BadOrigin'`,
 * `'validatorSet.TooFewValidators'`, ...) if its call failed, or `null` if it was not
 * executed.
 */
export function motionOutcome(api, events) {
  const executed = events.find(({ event }) => api.events.council.Executed.is(event));
  if (!executed) return null;
  const { result } = executed.event.data;
  if (result.isOk) return 'ok';
  const error = result.asErr;
  if (error.isModule) {
    const { section, name } = api.registry.findMetaError(error.asModule);
    return `${section}.${name}`;
  }
  return error.type;
}
