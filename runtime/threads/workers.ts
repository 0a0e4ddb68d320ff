// Workers: `new Worker` → the worker's first segment, the worker's end → its 'exit' event, and which
// threads run mapsan (the handshake).
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import * as wt from 'node:worker_threads';
import { internalError } from '../failsafe.js';
import { adoptResource } from '../hooks.js';
import { receive, receiveWire, sendWire, setExitRecord } from './clocks.js';
import { adoptInOrder, findPorts, HELLO, HELLO_MESSAGE, isTracked, linksFor, nameReceipt, send, setEveryThreadRuns, tagOf, taint, trackParentPort } from './ports.js';
import { ExitRecord, LINK_CHILD, newLink, SharedTable } from './shared.js';

/** Environment data key; the value is set only while the Worker constructor runs. */
export const ENV_KEY = 'mapsan';

interface EnvData {
  v: 1;
  link: SharedArrayBuffer;
  table: SharedArrayBuffer;
  clock: string;
  /** Links of the ports in workerData, in findPorts order (null: untracked); absent when it holds
   *  none. */
  ports?: ([SharedArrayBuffer, number] | null)[];
}

// --- the process's shared table, and whether every thread runs mapsan --------------------------------
let table: SharedTable | null = null;
/** This worker's parent does not run mapsan (or could not be confirmed to). */
let parentUnknown = false;

export function sharedTable(): SharedTable {
  return (table ??= SharedTable.create());
}

/** The table if this thread has one (no notify, no worker: nothing to collect). */
export function existingTable(): SharedTable | null {
  return table;
}

setEveryThreadRuns(() => !parentUnknown && (table === null || table.unknownWorkers() === 0));

// --- per-Worker state, in a private field ---------------------------------------------------------------
interface WorkerState {
  exit: ExitRecord;
  /** The worker runs mapsan: its parentPort unwraps envelopes. Inferred at creation, else from HELLO. */
  runs: boolean;
  /** Counted in the table's unknown workers until HELLO or exit. */
  counted: boolean;
  threadId: number;
}

class Stamp {
  constructor(target: object) {
    return target;
  }
}
class WorkerFields extends Stamp {
  #state: WorkerState | undefined;
  constructor(target: object, st: WorkerState) {
    super(target);
    this.#state = st;
  }
  static of(w: object): WorkerState | undefined {
    return #state in w ? (w as WorkerFields).#state : undefined;
  }
}

function uncount(st: WorkerState): void {
  if (!st.counted) return;
  st.counted = false;
  sharedTable().addUnknown(-1);
}

// --- will the new worker run mapsan? ---------------------------------------------------------------------
// Only a certain "yes" lets the parent wrap its first messages; anything else waits for HELLO (and the
// parent's messages until then travel plain, losing their edges). Yes when this thread's runtime came
// from a `--require` preload that the worker inherits: in execArgv and the Worker given no execArgv
// (it inherits ours) or one that has it too, or in NODE_OPTIONS and the worker's env carrying the
// same NODE_OPTIONS.
let preloadViaArgv = false;
let preloadViaNodeOptions = false;

const REGISTER = resolvePath(__dirname, '../../src/register.js');

function isOurPreload(spec: string): boolean {
  try {
    return createRequire(resolvePath(process.cwd(), 'x.js')).resolve(spec) === REGISTER;
  } catch {
    return false;
  }
}

function preloadsIn(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^(?:-r|--require)(?:=(.*))?$/.exec(a);
    if (m === null) continue;
    const spec = m[1] ?? args[i + 1];
    if (typeof spec === 'string' && isOurPreload(spec)) return true;
  }
  return false;
}

/** Was this thread's runtime started by a `--require` preload? (Its loader is on the stack now.) */
function startedByPreload(): boolean {
  const saveLimit = Error.stackTraceLimit;
  const savePrepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = 100;
    Error.prepareStackTrace = (_e, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    return Array.isArray(sites) && sites.some((s) => s.getFunctionName() === 'loadPreloadModules');
  } finally {
    Error.stackTraceLimit = saveLimit;
    Error.prepareStackTrace = savePrepare;
  }
}

export function notePreload(): void {
  // The mapsan CLI runs the program in its own process and gives every Worker created without
  // execArgv the preload itself (src/preloads.ts): as good as a preload in execArgv.
  if ((globalThis as Record<symbol, unknown>)[Symbol.for('mapsan.workerPreload')] === true) {
    preloadViaArgv = true;
    return;
  }
  if (!startedByPreload()) return;
  preloadViaArgv = preloadsIn(process.execArgv);
  preloadViaNodeOptions = preloadsIn((process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean));
}

function inheritsPreload(options: unknown): boolean {
  const o = (typeof options === 'object' && options !== null ? options : {}) as { execArgv?: unknown; env?: unknown };
  // Given execArgv replaces ours; NODE_OPTIONS preloads then apply on some Node versions only.
  if (o.execArgv !== undefined) return Array.isArray(o.execArgv) && preloadsIn(o.execArgv.filter((a) => typeof a === 'string'));
  if (preloadViaArgv) return true;
  if (!preloadViaNodeOptions) return false;
  const env = o.env;
  if (env === undefined || env === null || env === process.env || env === wt.SHARE_ENV) return true;
  return typeof env === 'object' && (env as Record<string, unknown>).NODE_OPTIONS === process.env.NODE_OPTIONS;
}

// --- parent side -------------------------------------------------------------------------------------------
const OriginalWorker = wt.Worker;
const workerPost = OriginalWorker.prototype.postMessage;

interface Pending {
  link: SharedArrayBuffer;
  runs: boolean;
  counted: boolean;
}

function beforeWorker(args: unknown[]): Pending | null {
  try {
    const options = args[1] as { transferList?: unknown; workerData?: unknown } | undefined;
    const runs = inheritsPreload(options);
    const t = sharedTable();
    const data: EnvData = { v: 1, link: newLink(), table: t.sab, clock: sendWire() };
    const transfer = options?.transferList;
    if (Array.isArray(transfer) && transfer.some((p) => p instanceof wt.MessagePort)) {
      if (runs) data.ports = linksFor(findPorts(options!.workerData));
      else for (const p of transfer) if (isTracked(p)) taint(p);
    }
    wt.setEnvironmentData(ENV_KEY, data as unknown as wt.Serializable);
    if (!runs) t.addUnknown(1);
    return { link: data.link, runs, counted: !runs };
  } catch (e) {
    internalError(e);
    return null;
  }
}

export const PatchedWorker = new Proxy(OriginalWorker, {
  construct(target, args, newTarget) {
    const pending = beforeWorker(args);
    let w: wt.Worker;
    try {
      w = Reflect.construct(target, args, newTarget) as wt.Worker;
    } catch (e) {
      if (pending?.counted) sharedTable().addUnknown(-1);
      throw e;
    } finally {
      if (pending !== null) wt.setEnvironmentData(ENV_KEY, undefined as unknown as wt.Serializable);
    }
    if (pending !== null) {
      try {
        const exit = new ExitRecord(pending.link);
        Atomics.store(exit.i32, LINK_CHILD, w.threadId);
        Atomics.notify(exit.i32, LINK_CHILD);
        new WorkerFields(w, { exit, runs: pending.runs, counted: pending.counted, threadId: w.threadId });
      } catch (e) {
        internalError(e);
      }
    }
    return w;
  },
});

function patchWorkerPrototype(): void {
  const proto = OriginalWorker.prototype;
  const post = {
    postMessage(this: wt.Worker, ...args: unknown[]): unknown {
      const st = WorkerFields.of(this);
      if (st === undefined) return Reflect.apply(workerPost, this, args);
      return send(this, workerPost as (...a: unknown[]) => unknown, args, st.runs);
    },
  }.postMessage;
  Object.defineProperty(post, 'length', { value: workerPost.length });
  Object.defineProperty(proto, 'postMessage', { value: post, writable: true, configurable: true, enumerable: false });

  // Every event of a Worker goes through emit: 'message' (from its public port, already unwrapped)
  // and 'exit' (from its handle). The EventEmitter emit is looked up at each call, so later patches
  // of EventEmitter.prototype.emit (APM agents) still apply.
  const emit = {
    emit(this: wt.Worker, type: unknown, ...rest: unknown[]): unknown {
      const st = WorkerFields.of(this);
      if (st !== undefined) {
        try {
          if (type === 'message') {
            if (tagOf(rest[0]) === HELLO) {
              st.runs = true;
              uncount(st);
              return false;
            }
            nameReceipt(`message handler for worker ${st.threadId}`);
          } else if (type === 'exit') {
            uncount(st);
            receive(st.exit.read());
          }
        } catch (e) {
          internalError(e);
        }
      }
      const superEmit = (Object.getPrototypeOf(proto) as { emit: (...a: unknown[]) => unknown }).emit;
      return Reflect.apply(superEmit, this, [type, ...rest]);
    },
  }.emit;
  Object.defineProperty(proto, 'emit', { value: emit, writable: true, configurable: true, enumerable: false });
}

// --- worker side --------------------------------------------------------------------------------------------
function startInWorker(): void {
  const env = wt.getEnvironmentData(ENV_KEY) as unknown as EnvData | undefined;
  if (env !== undefined) wt.setEnvironmentData(ENV_KEY, undefined as unknown as wt.Serializable);
  let parentRuns = false;
  let dataPorts: wt.MessagePort[] | null = null;
  if (typeof env === 'object' && env !== null && env.v === 1 && env.link instanceof SharedArrayBuffer && env.table instanceof SharedArrayBuffer) {
    const exit = new ExitRecord(env.link);
    // The parent writes our thread id as soon as its constructor returns; data inherited from a
    // grandparent (through a parent that does not run mapsan) names another thread.
    if (Atomics.load(exit.i32, LINK_CHILD) === 0) Atomics.wait(exit.i32, LINK_CHILD, 0, 2000);
    if (Atomics.load(exit.i32, LINK_CHILD) === wt.threadId) {
      parentRuns = true;
      table = new SharedTable(env.table);
      setExitRecord(exit);
      receiveWire(env.clock); // new Worker → this worker's first segment
      if (Array.isArray(env.ports)) adoptInOrder((dataPorts = findPorts(wt.workerData)), env.ports);
      else dataPorts = [];
    }
  }
  parentUnknown = !parentRuns;
  // A parent without mapsan does not say whether workerData holds ports: it is searched.
  for (const p of dataPorts ?? findPorts(wt.workerData)) adoptResource(p, 'MESSAGEPORT');
  const port = wt.parentPort;
  if (port === null) return;
  adoptResource(port, 'MESSAGEPORT');
  trackParentPort(port, parentRuns);
  if (parentRuns) Reflect.apply(wt.MessagePort.prototype.postMessage, port, [HELLO_MESSAGE]);
}

export function installWorkers(): void {
  patchWorkerPrototype();
  if (!wt.isMainThread) startInWorker();
}
