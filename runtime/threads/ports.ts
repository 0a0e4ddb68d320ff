// Messages: the envelope, the sending side on user-facing objects, and the one receiving path every
// MessagePort of this thread goes through.
import { executionAsyncResource } from 'node:async_hooks';
import { BroadcastChannel, MessageChannel, MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { current, rootToken, setToken } from '../context.js';
import { internalError } from '../failsafe.js';
import type { Context, Segment } from '../segment.js';
import { follow, receiveWire, sendWire } from './clocks.js';

// --- envelope -------------------------------------------------------------------------------------
// `[KEY, clock, data]`, or `[KEY, clock, data, ports, links]` when tracked ports move with it: the
// clock in wire form (a string, clocks.ts), `data` the user's value, cloned by the same postMessage
// call with the user's own transfer list, so it arrives exactly as it would alone (SharedArrayBuffers
// shared, transferred buffers and ports moved, identities inside it preserved); `ports` are the
// tracked ports in the transfer list (the same objects as inside `data`) and `links` their links.
// An array, not an object: it is the cheapest wrapper to clone (measured, CPU time per 1 KB message
// over a MessageChannel: +0.35 µs as an array, +0.6 µs as {key: clock, d: data}).
export const KEY = '__mapsan_envelope__';
export const ENVELOPE = 1;
/** A worker's first message on parentPort: "mapsan runs here". Swallowed by the parent's Worker. */
export const HELLO = 2;
const HELLO_WIRE = '!hello';
export const HELLO_MESSAGE = [KEY, HELLO_WIRE];

type Envelope = [typeof KEY, string, unknown, MessagePort[]?, [SharedArrayBuffer, number][]?];

export function tagOf(data: unknown): number {
  if (!Array.isArray(data) || data.length < 2 || data[0] !== KEY) return 0;
  const wire = data[1];
  if (typeof wire !== 'string') return 0;
  return wire === HELLO_WIRE ? HELLO : ENVELOPE;
}

// --- per-port state, in private fields (invisible to util.inspect and reflection) -----------------
class Stamp {
  constructor(target: object) {
    return target;
  }
}

/**
 * Where a MessageChannel's two ends are. `cells[end]` becomes 1 (never back) once that end was
 * moved to a thread that may not run mapsan; a sender wraps only while its peer's cell is 0. The
 * SharedArrayBuffer is made when one end first leaves this thread (it travels in the envelope);
 * until then both ends are here. `ports[end]` is the end's object in this thread, while it is here.
 */
interface Link {
  cells: Int32Array | null;
  ports: (MessagePort | null)[];
}

/** What mapsan knows about a port of this thread. */
class PortState {
  /** null: the peer is fixed (`parentPort`: `fixedSafe`); else the channel this port is one end of. */
  link: Link | null = null;
  end = 0;
  fixedSafe = false;
  constructor(link: Link | null, end: number, fixedSafe: boolean) {
    this.link = link;
    this.end = end;
    this.fixedSafe = fixedSafe;
  }
}

class PortFields extends Stamp {
  #state: PortState | undefined;
  #last: Segment | undefined;
  #unordered: boolean | undefined;
  constructor(target: object) {
    super(target);
  }
  static stateOf(port: object): PortState | undefined {
    return #state in port ? (port as PortFields).#state : undefined;
  }
  static setState(port: object, st: PortState): void {
    if (!(#state in port)) new PortFields(port);
    (port as PortFields).#state = st;
  }
  /** Port order: the previous receipt on this port, swapped for the current one. */
  static swapLast(port: object, seg: Segment): Segment | undefined {
    if (!(#state in port)) new PortFields(port);
    const p = port as PortFields;
    if (p.#unordered === true) return undefined;
    const last = p.#last;
    p.#last = seg;
    return last;
  }
  static setUnordered(port: object): void {
    if (!(#state in port)) new PortFields(port);
    (port as PortFields).#unordered = true;
  }
}

// --- where messages may go ---------------------------------------------------------------------------
/** Set by workers.ts: may a message that any thread could end up receiving carry an envelope? */
let everyThreadRuns: () => boolean = () => true;
export function setEveryThreadRuns(f: () => boolean): void {
  everyThreadRuns = f;
}

function peerSafe(st: PortState): boolean {
  const link = st.link;
  if (link === null) return st.fixedSafe;
  if (link.cells === null) return true; // both ends are still in this thread
  return Atomics.load(link.cells, 1 - st.end) === 0;
}

const protoPost = MessagePort.prototype.postMessage;
const originalReceive = receiveMessageOnPort;
// Uncurried: `post(port, value)` calls Node's own postMessage with no argument array to build.
const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <A extends unknown[], R>(
  f: (...args: A) => R,
) => (self: unknown, ...args: A) => R;
const post = uncurry(protoPost as (value: unknown) => void);

function transferListOf(arg: unknown): unknown[] | null {
  if (Array.isArray(arg)) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const t = (arg as { transfer?: unknown }).transfer;
    if (Array.isArray(t)) return t;
  }
  return null;
}

/** Tracked ports in a transfer list. */
function trackedPorts(transfer: unknown[] | null): MessagePort[] | null {
  if (transfer === null) return null;
  let out: MessagePort[] | null = null;
  for (const x of transfer) {
    if (x instanceof MessagePort && PortFields.stateOf(x)?.link != null) (out ??= []).push(x);
  }
  return out;
}

function linkCells(link: Link): Int32Array {
  return (link.cells ??= new Int32Array(new SharedArrayBuffer(8)));
}

/** The port leaves this thread for a thread that runs mapsan: its link goes along. */
function leaving(port: MessagePort): [SharedArrayBuffer, number] {
  const st = PortFields.stateOf(port)!;
  const link = st.link!;
  const cells = linkCells(link);
  link.ports[st.end] = null;
  return [cells.buffer as SharedArrayBuffer, st.end];
}

/**
 * The port leaves for a thread that may not run mapsan: its peer stops wrapping from now on. Messages
 * its peer already wrapped and that wait in its queue would arrive wrapped: when the peer is a port of
 * this thread, they are taken out and posted again, plain, in order. (When the peer is in another
 * thread, such messages in flight are not recalled: an accepted gap.)
 */
export function taint(port: MessagePort): void {
  const st = PortFields.stateOf(port);
  if (st === undefined || st.link === null) return;
  const link = st.link;
  Atomics.store(linkCells(link), st.end, 1);
  link.ports[st.end] = null;
  const peer = link.ports[1 - st.end];
  if (peer == null) return;
  const queued: unknown[] = [];
  try {
    for (let m = originalReceive(port); m !== undefined; m = originalReceive(port)) queued.push(m.message);
  } catch {
    return; // a port closed or moved by a path mapsan does not see: nothing to take back
  }
  for (let data of queued) {
    if (tagOf(data) === ENVELOPE) {
      const env = data as Envelope;
      data = env[2];
      // The ports inside go where this one goes.
      if (Array.isArray(env[4])) {
        for (const l of env[4]) if (Array.isArray(l) && l[0] instanceof SharedArrayBuffer) Atomics.store(new Int32Array(l[0]), l[1] === 1 ? 1 : 0, 1);
      }
    }
    try {
      Reflect.apply(protoPost, peer, [data, findPorts(data)]);
    } catch {
      return; // the peer was closed meanwhile: the rest would not be delivered either
    }
  }
}

/**
 * The common send path. `safe`: the receiving end runs mapsan. Returns what `original` returns, throws
 * what it throws; a failure inside mapsan sends the message plain.
 */
export function send(target: object, original: (...args: unknown[]) => unknown, args: unknown[], safe: boolean): unknown {
  if (args.length === 0) return Reflect.apply(original, target, args);
  let wrapped: Envelope | null = null;
  try {
    const ports = args.length > 1 ? trackedPorts(transferListOf(args[1])) : null;
    if (!safe) {
      if (ports !== null) for (const p of ports) taint(p);
    } else {
      wrapped = ports === null ? [KEY, sendWire(), args[0]] : [KEY, sendWire(), args[0], ports, ports.map(leaving)];
    }
  } catch (e) {
    internalError(e);
    wrapped = null;
  }
  if (wrapped === null) return Reflect.apply(original, target, args);
  if (args.length === 1) return Reflect.apply(original, target, [wrapped]);
  const out = args.slice();
  out[0] = wrapped;
  return Reflect.apply(original, target, out);
}

// The postMessage put on user-facing ports (MessageChannel ends, parentPort, ports that arrived in
// an envelope), as an own, non-enumerable property: MessagePort.prototype.postMessage stays Node's
// (internal ports use it; wrapping there breaks Node, happens-before.md §3 item 9).
const portPostMessage = {
  postMessage(this: MessagePort, value?: unknown): unknown {
    const st = PortFields.stateOf(this);
    // The common case without a transfer list, without the general path's allocations.
    if (arguments.length === 1 && st !== undefined && peerSafe(st)) {
      let wire: string;
      try {
        wire = sendWire();
      } catch (e) {
        internalError(e);
        return post(this, value);
      }
      return post(this, [KEY, wire, value]);
    }
    const args = Array.prototype.slice.call(arguments) as unknown[];
    if (st === undefined) return Reflect.apply(protoPost, this, args);
    return send(this, protoPost as (...a: unknown[]) => unknown, args, peerSafe(st));
  },
}.postMessage;
Object.defineProperty(portPostMessage, 'length', { value: protoPost.length });

function track(port: MessagePort, st: PortState): void {
  PortFields.setState(port, st);
  Object.defineProperty(port, 'postMessage', { value: portPostMessage, writable: true, configurable: true, enumerable: false });
}

/** parentPort in a worker: its peer is the parent's Worker object. */
export function trackParentPort(port: MessagePort, parentRuns: boolean): void {
  track(port, new PortState(null, 0, parentRuns));
}

/** Ports that arrived in an envelope, with their links. */
function adopt(ports: unknown, links: unknown): void {
  if (!Array.isArray(ports) || !Array.isArray(links)) return;
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i];
    const l = links[i];
    if (!(p instanceof MessagePort) || !Array.isArray(l) || !(l[0] instanceof SharedArrayBuffer)) continue;
    const end = l[1] === 1 ? 1 : 0;
    const ends: (MessagePort | null)[] = [null, null];
    ends[end] = p;
    track(p, new PortState({ cells: new Int32Array(l[0]), ports: ends }, end, false));
  }
}

/** workerData ports, matched by their order in the data (see workers.ts). */
export function adoptInOrder(ports: MessagePort[], links: unknown): void {
  if (!Array.isArray(links) || links.length !== ports.length) return;
  adopt(ports, links);
}

export function linksFor(ports: MessagePort[]): ([SharedArrayBuffer, number] | null)[] {
  return ports.map((p) => (PortFields.stateOf(p)?.link != null ? leaving(p) : null));
}

export function isTracked(port: unknown): port is MessagePort {
  return port instanceof MessagePort && PortFields.stateOf(port)?.link != null;
}

/**
 * MessagePorts inside a value, in a fixed depth-first order that structured clone preserves (own
 * enumerable properties in order, array elements, Map and Set entries), so that both threads find
 * the same list. Bounded: a huge value is not walked in full (its later ports are then not tracked).
 */
export function findPorts(value: unknown, limit = 100_000): MessagePort[] {
  const out: MessagePort[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  let budget = limit;
  while (stack.length > 0 && budget-- > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof MessagePort) {
      out.push(v);
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) continue;
    const children: unknown[] = [];
    if (v instanceof Map) for (const [k, x] of v) children.push(k, x);
    else if (v instanceof Set) for (const x of v) children.push(x);
    else for (const k of Object.keys(v)) children.push((v as Record<string, unknown>)[k]);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}

// --- receiving -------------------------------------------------------------------------------------------
/** The context right after the last receipt was set up, and its port (see nameReceipt). */
let receiptRoot: Context | null = null;
let receiptPort: object | null = null;

/**
 * One message reaches this thread's code: unwrap, join the sender's clock and the previous receipt
 * on this port. Returns the user's data. HELLO passes through (the Worker swallows it).
 */
function onMessage(port: object, data: unknown): unknown {
  const tag = tagOf(data);
  if (tag === HELLO) return data;
  const last = PortFields.swapLast(port, current.ctx.seg);
  if (last !== undefined) follow(last);
  if (tag !== ENVELOPE) return data;
  const env = data as Envelope;
  receiveWire(env[1]);
  if (env.length > 3) adopt(env[3], env[4]);
  return env[2];
}

const kHybridDispatch = Symbol.for('nodejs.internal.kHybridDispatch');

// Every message a MessagePort of this thread receives (a Worker's messages come through its public
// port, BroadcastChannel's through its handle) is handed by Node's per-context `emitMessage` to
// `port[kHybridDispatch](data, type, event)`, before any listener of any style: `on`/`once`/
// `addListener`/`prependListener`, `addEventListener`, `onmessage`, `events.once`, `events.on`. That
// one method, shadowed on MessagePort.prototype, is where envelopes come off. Internal ports pass
// through it too; they never receive an envelope, so their data is untouched.
function installDispatch(): boolean {
  const proto = MessagePort.prototype as unknown as Record<symbol, unknown>;
  const inherited = proto[kHybridDispatch];
  if (typeof inherited !== 'function') return false;
  const dispatchInherited = uncurry(inherited as (data: unknown, type: unknown, event: unknown) => unknown);
  const dispatch = {
    [kHybridDispatch](this: MessagePort, data: unknown, type: unknown, event: unknown): unknown {
      if (type === 'message') {
        try {
          data = onMessage(this, data);
          receiptRoot = current.ctx;
          receiptPort = this;
        } catch (e) {
          internalError(e);
          if (tagOf(data) === ENVELOPE) data = (data as Envelope)[2];
        }
      }
      return dispatchInherited(this, data, type, event);
    },
  }[kHybridDispatch];
  Object.defineProperty(proto, kHybridDispatch, { value: dispatch, writable: true, configurable: true, enumerable: false });
  return true;
}

/**
 * Names the root activation a Worker's message starts: only when nothing ran since the receipt was set
 * up, at the root of the port's own callback (a message drained inside another callback keeps its
 * activation).
 */
export function nameReceipt(kind: string): void {
  if (receiptRoot !== null && current.ctx === receiptRoot && executionAsyncResource() === receiptPort) {
    setToken(rootToken(kind, -1, current.ctx.tok.act.owner));
    receiptRoot = current.ctx;
  }
}

// --- user-facing constructors and functions -----------------------------------------------------------
/** A class wrapped in a Proxy: same name, length, prototype, statics; `instanceof` and subclassing work. */
export function wrapClass<T extends abstract new (...args: never[]) => unknown>(
  cls: T,
  after: (made: InstanceType<T>, args: unknown[]) => void,
  before?: (args: unknown[]) => (() => void) | void,
): T {
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      const undo = before?.(args);
      let made: InstanceType<T>;
      try {
        made = Reflect.construct(target, args, newTarget) as InstanceType<T>;
      } finally {
        if (typeof undo === 'function') undo();
      }
      try {
        after(made, args);
      } catch (e) {
        internalError(e);
      }
      return made as object;
    },
  });
}

export const PatchedMessageChannel = wrapClass(MessageChannel, (ch) => {
  const link: Link = { cells: null, ports: [ch.port1, ch.port2] };
  track(ch.port1, new PortState(link, 0, false));
  track(ch.port2, new PortState(link, 1, false));
});

const bcPost = BroadcastChannel.prototype.postMessage;

export const PatchedBroadcastChannel = wrapClass(BroadcastChannel, (bc) => {
  // Its handle is a MessagePort that hears every sender of the name: no port order.
  for (const s of Object.getOwnPropertySymbols(bc)) {
    const v = (bc as unknown as Record<symbol, unknown>)[s];
    if (v instanceof MessagePort) PortFields.setUnordered(v);
  }
});

function patchBroadcastPost(): void {
  const post = {
    postMessage(this: BroadcastChannel, ...args: unknown[]): unknown {
      // Any thread may listen: wrap only while every thread of the process runs mapsan.
      if (args.length === 0) return Reflect.apply(bcPost, this, args);
      return send(this, bcPost as (...a: unknown[]) => unknown, args, everyThreadRuns());
    },
  }.postMessage;
  Object.defineProperty(post, 'length', { value: bcPost.length });
  Object.defineProperty(BroadcastChannel.prototype, 'postMessage', { value: post, writable: true, configurable: true, enumerable: false });
}

export const patchedReceiveMessageOnPort = {
  receiveMessageOnPort(port: MessagePort | BroadcastChannel): { message: unknown } | undefined {
    const r = originalReceive(port as MessagePort);
    if (r === undefined) return r;
    try {
      r.message = onMessage(port as object, r.message);
    } catch (e) {
      internalError(e);
      if (tagOf(r.message) === ENVELOPE) r.message = (r.message as Envelope)[2];
    }
    return r;
  },
}.receiveMessageOnPort;
Object.defineProperty(patchedReceiveMessageOnPort, 'length', { value: originalReceive.length });

export function installPorts(): boolean {
  if (!installDispatch()) return false;
  patchBroadcastPost();
  return true;
}
