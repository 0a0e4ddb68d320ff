// Happens-before across worker_threads (race-model.md rule 6): clocks travel with messages.
//
// Every thread of an instrumented program runs its own runtime (workers inherit the `--require`
// preload), with its own shadow state; chain ids are unique per thread (segment.ts), so clocks from
// any thread can be joined anywhere. Maps never cross threads (they are cloned), so a clock from
// another thread matters only for what it knows about the receiving thread's own segments, carried
// around through other threads.
//
// Edges, and how each travels:
// - `new Worker` → the worker's first segment: the Worker constructor (a Proxy: same name, length,
//   prototype, `instanceof`, subclassing) puts `{ link, table, clock }` in the environment data under
//   'mapsan' for exactly the duration of the original constructor call (workerData, env, execArgv
//   untouched). The worker's runtime reads it at start, checks that the link names its own thread
//   id (environment data is inherited by grandchildren), and joins the clock into its main segment.
// - postMessage → the receipt: an envelope `["__mapsan_envelope__", clock, data]` (ports.ts), sent only
//   when the receiving thread runs mapsan, taken off in the single method every MessagePort hands its
//   messages to (`kHybridDispatch`), before any listener of any style; `receiveMessageOnPort` is
//   wrapped too. Sending is patched on user-facing objects only: `Worker.prototype.postMessage`,
//   `BroadcastChannel.prototype.postMessage`, and own `postMessage` on `parentPort`, on both ends of
//   every `new MessageChannel()` and on ports that arrive in an envelope; never on
//   `MessagePort.prototype` (Node's internal ports use it).
// - port order (receipt n → receipt n+1 on one port): the receipt segment is kept on the port;
//   not for BroadcastChannel, whose handle hears independent senders.
// - the worker's end → its 'exit' event: a worker writes everything it has received into its link (a
//   SharedArrayBuffer) whenever that grows, since `terminate()` runs no exit handler; the parent joins
//   it in `Worker.prototype.emit('exit')`. Its own chains are left out: only its segments compare
//   against them, and it has ended.
// - `Atomics.notify` → the wait it wakes: shared-table mailboxes (atomics.ts; inexact by design).
//
// Who runs mapsan (an envelope must never reach a thread that does not: it would see the wrapper):
// - a worker: yes if it will run mapsan's `--require` preload (inherited: no `execArgv` option, or
//   the preload came from NODE_OPTIONS and its env keeps them; or named in its `execArgv`; the
//   check is conservative, Node versions differ here); otherwise unknown until its runtime's
//   first message on parentPort, HELLO, which the parent's Worker swallows. Until then the parent
//   sends plain and those messages lose their edge (may over-report, never breaks data).
// - a worker's parent: yes if the link checks out.
// - a MessageChannel end: its peer is in this thread until moved; a move through one of the paths
//   above to a thread that runs mapsan carries the channel's link (a shared pair of cells) along; a
//   move to any other thread sets the moved end's cell, and its peer sends plain from then on
//   (messages already queued for it in this thread are re-posted plain first).
// - BroadcastChannel, which anyone may hear: wrapped only while no live worker is of unknown status
//   and this thread's parent runs mapsan.
// Known gaps, chosen over breaking data: wrapped messages already in flight when their port moves on
// from another thread to a thread without mapsan; ports moved by paths mapsan does not see.
//
// Cost (bench/workers.mjs, 10,000 messages of 1 KB between two workers, Node 20, noisy 2-core VM):
// mapsan ~1.7-2.1x plain in ping-pong while plain took 190-440 ms (2026-11-24), 4.4x once plain
// took 60-70 (2026-12-07). Almost all of it is V8 running this module's paths cold and compiling
// them, in each worker (the first ~6,000 messages); later, per message, as fast as plain. The
// one-CPU window is spread over a dozen small steps, the join of a received clock and the
// per-message activation with the wrappers the largest at about a quarter each (README, Speed).
//
// Reports: a worker reports like the main thread (text on its own, through report/ which writes each
// worker's findings to a per-process folder); the main thread merges them into the summary, the
// JSON file and the exit status. Activations name their thread ("worker 2 message handler"), and a
// Worker's messages in its parent run as "message handler for worker 2".
import Module from 'node:module';
import { internalError } from '../failsafe.js';
import { installAtomics } from './atomics.js';
import { installPorts, PatchedBroadcastChannel, PatchedMessageChannel, patchedReceiveMessageOnPort } from './ports.js';
import { installWorkers, notePreload, PatchedWorker } from './workers.js';

let installed = false;

function replaceExport(name: string, value: unknown): void {
  // The CommonJS exports object itself (an `import * as` binding may be a copy of it); ES module
  // importers see the change through syncBuiltinESMExports. The global of the same name too.
  const cjs = require('node:worker_threads') as Record<string, unknown>;
  const before = cjs[name];
  cjs[name] = value;
  const g = globalThis as unknown as Record<string, unknown>;
  if (before !== undefined && g[name] === before) {
    // Node 20 defines these globals as lazy accessors, Node 24 as data properties: a data property either way.
    const enumerable = Object.getOwnPropertyDescriptor(globalThis, name)?.enumerable ?? false;
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable, configurable: true });
  }
}

/** Called once per thread at runtime start (runtime/index.ts), before any user code. */
export function installThreads(): void {
  if (installed) return;
  installed = true;
  try {
    // Without the single receiving path, no envelope may ever be sent: leave everything alone.
    if (!installPorts()) return;
    notePreload();
    replaceExport('Worker', PatchedWorker);
    replaceExport('MessageChannel', PatchedMessageChannel);
    replaceExport('BroadcastChannel', PatchedBroadcastChannel);
    replaceExport('receiveMessageOnPort', patchedReceiveMessageOnPort);
    Module.syncBuiltinESMExports();
    installAtomics();
    installWorkers();
  } catch (e) {
    internalError(e);
  }
}
