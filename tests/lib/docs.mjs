// Runs the documentation's commands as written: code blocks of a Markdown page, each
// optionally marked by an HTML comment on the line above (`<!-- quick-start: background -->`,
// `<!-- apps-call: //Alice -->`), run by bash with the `medchain` CLI on the PATH.
// Only the ports and the store's folder change, so that tests never collide with a
// developer's own dev chain or store.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliBinary, freePort, waitFor } from './nodes.mjs';

/** The fenced code blocks of `markdown`, in order: `{ lang, text, marker }`. */
export function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = lines[i].match(/^```(\w*)\s*$/);
    if (!open) continue;
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous -= 1;
    const marker = previous >= 0 ? lines[previous].match(/^<!--\s*(.+?)\s*-->$/)?.[1] : undefined;
    const body = [];
    for (i += 1; i < lines.length && !lines[i].startsWith('```'); i += 1) body.push(lines[i]);
    blocks.push({ lang: open[1], text: body.join('\n'), marker });
  }
  return blocks;
}

/** A fresh working directory. */
export function workDir(name) {
  return mkdtempSync(join(tmpdir(), `medchain-docs-${name}-`));
}

/**
 * The documentation's store address (127.0.0.1:8700) and folder (/tmp/medchain-blobs)
 * made the test's: `storeUrl`, or a free port, and a folder in `dir`.
 */
export async function substitute(dir, storeUrl) {
  const url = storeUrl ?? `http://127.0.0.1:${await freePort()}`;
  const change = (text) => text
    .replaceAll('http://127.0.0.1:8700', url)
    .replaceAll('127.0.0.1:8700', url.replace('http://', ''))
    .replaceAll('/tmp/medchain-blobs', join(dir, 'blobs'));
  change.storeUrl = url;
  return change;
}

/** The test's environment without the developer's own MEDCHAIN_* settings (an account!). */
function environment(env) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MEDCHAIN_')));
  return { ...inherited, ...env, PATH: `${dirname(cliBinary())}:${process.env.PATH}` };
}

/**
 * Runs `script` with `bash -euo pipefail` in its own process group (a timeout ends every
 * command it started, by the group's pid); resolves with `{ code, stdout, stderr }`.
 */
export function runShell(script, { cwd, env = {}, timeoutMs = 300_000 }) {
  return new Promise((resolveRun) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: environment(env), detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      stderr += `\ntimed out after ${timeoutMs} ms`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    let settled = false;
    const settle = (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveRun({ code: code ?? -1, signal, stdout, stderr });
    };
    child.on('close', settle);
    // A stray process may hold the pipes open after bash exits: never wait on it.
    child.on('exit', (code, signal) => setTimeout(() => settle(code, signal), 2_000));
  });
}

/**
 * Starts `script` (a server: `medchain store serve`) in its own process group and waits
 * until `ready`/v1/info answers; `stop()` ends the group by its pid.
 */
export async function startShell(script, { cwd, env = {}, ready }) {
  const command = script.replaceAll('\\\n', ' ').trim();
  if (/[\n;&|]/.test(command)) throw new Error(`a background block must be one command: ${script}`);
  const child = spawn('bash', ['-c', `exec ${command}`], {
    cwd, env: environment(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const stop = async () => {
    if (exited !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    await waitFor('the background command to exit', () => exited !== null, 10_000, 100)
      .catch(() => process.kill(-child.pid, 'SIGKILL'));
  };
  try {
    await waitFor(`${ready} to answer`, async () => {
      if (exited) throw Object.assign(new Error(`exited (${JSON.stringify(exited)}): ${output}`), { fatal: true });
      return (await fetch(`${ready}/v1/info`).catch(() => ({ ok: false }))).ok;
    }, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid, stop, get output() { return output; } };
}
