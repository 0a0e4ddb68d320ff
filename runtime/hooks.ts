// Happens-before from Node's hooks.
//
// Why this mix (measured on Node 20.20 and 24.21, bench/promise-heavy.js, 2000 async functions x 400
// awaits; plain 0.30 s): async_hooks alone with empty init/before/after costs 0.75-0.9 s on Node 20,
// because Node then tracks every promise itself (asyncId properties, its own promise hooks), and
// 0.30 s on Node 24 with `trackPromises: false`; `v8.promiseHooks` with one property per promise
// costs 0.38 s. So promises go through `v8.promiseHooks`, which hands over the promise object itself
// at init/before/after/settled, and the engine's clocks live on the promises (private fields,
// tags.ts): no asyncId-keyed maps, no `destroy` hook (both 15-30x, shared/notes/happens-before.md
// §4). async_hooks is used only for what promise hooks cannot see (timers, immediates, ticks, I/O,
// messages), with Node's promise tracking off (direct-promise-hooks.ts on Node 20).
// AsyncLocalStorage is not an option: it carries link context, not causality (happens-before.md §3
// item 8).
// Queue order is never an edge: every callback forks from the segment that scheduled it, and
// repeating resources (sockets, servers, ports, intervals) start a root activation on every run,
// forked from their creation only.
import { createHook, executionAsyncResource } from 'node:async_hooks';
import { promiseHooks } from 'node:v8';
import { types } from 'node:util';
import { EMPTY_CLOCK, join, joinAll, VectorClock } from './clock.js';
import { current, rootToken, setToken, switchContext, Token } from './context.js';
import { directPromiseHooks } from './direct-promise-hooks.js';
import { interpose } from './interpose.js';
import { reflectApply } from './originals.js';
import { Context, Segment } from './segment.js';
import { type JoinInputs, PromiseTags, ResourceTags } from './tags.js';

// Repeating resources: each run is a root activation of its own (race-model.md, "Root activations").
const REPEATING: Readonly<Record<string, string>> = {
  TCPSERVERWRAP: 'connection handler',
  PIPESERVERWRAP: 'connection handler',
  TCPWRAP: 'socket event handler',
  PIPEWRAP: 'socket event handler',
  TLSWRAP: 'socket event handler',
  UDPWRAP: 'socket event handler',
  HTTPINCOMINGMESSAGE: 'request handler',
  HTTPCLIENTREQUEST: 'response handler',
  HTTP2SESSION: 'request handler',
  MESSAGEPORT: 'message handler',
  WORKER: 'worker event handler',
  SIGNALWRAP: 'signal handler',
  TTYWRAP: 'stream event handler',
  FSEVENTWRAP: 'file watcher',
  STATWATCHER: 'file watcher',
  PROCESSWRAP: 'child process handler',
};
const INTERVAL = 'interval tick';

// Saved contexts of the callbacks we are nested in.
const saved: (Context | undefined)[] = [];
let depth = 0;

function enterSegment(clock: VectorClock, tok: Token): void {
  saved[depth++] = current.ctx;
  switchContext(new Segment(clock, tok));
  current.direct = false;
  awaiting = false;
}

function leaveSegment(): void {
  if (depth === 0) return;
  switchContext(saved[--depth]!);
  saved[depth] = undefined;
}

// --- await suspension: `await _ms.aw(x)` ---------------------------------------------------------
// After `aw(x)`, the await's continuation is the first promise created with parent `x` (x a native
// promise), or with parent the wrapper promise the await makes for any other x. Seeing it is seeing
// the async function suspend: the caller resumes next, so the caller's token comes back.
let awaiting = false;
let awaitTarget: unknown = undefined;
let awaitWrapper: unknown = undefined;

export function aw(x: unknown): unknown {
  current.direct = false;
  awaiting = true;
  awaitTarget = x;
  awaitWrapper = undefined;
  return x;
}

function suspended(): void {
  awaiting = false;
  awaitTarget = awaitWrapper = undefined;
  const tok = current.ctx.tok;
  if (tok.sync) {
    tok.sync = false;
    setToken(tok.prev!);
  }
}

// --- async `return thenable` hand-off -------------------------------------------------------------
// The async function's promise adopts the thenable in a later job, which Node's hooks attribute to
// the function's first segment: the segment that returned is lost (happens-before.md §3 item 2).
// Rare, and looked up only in thenable jobs: a WeakMap, not a field on every promise.
const handoffs = new WeakMap<object, Segment>();

export function handOff(x: unknown): void {
  // isPromise, not instanceof: the promise may come from another realm (a Jest test file awaiting
  // a promise made by a Node API, or the reverse).
  if (typeof x === 'object' && x !== null && isPromise(x)) handoffs.set(x, current.ctx.seg);
}
const isPromise = types.isPromise;
const isProxy = types.isProxy;

let inThenableJob = false;

// --- Promise.all / allSettled join every input ------------------------------------------------------
let collecting: unknown[] | null = null;

function settleClock(p: object): VectorClock {
  const seg = PromiseTags.settled(p);
  return seg === undefined ? EMPTY_CLOCK : seg.clock;
}

/** A combinator's result settles with its inputs' clocks joined in: once, in one merge. */
function joinedSettle(seg: Segment, pending: JoinInputs): Segment {
  const clocks = [seg.clock];
  for (const q of pending.inputs) clocks.push(settleClock(q));
  return new Segment(joinAll(clocks), seg.tok);
}

function patchJoiningCombinator(P: PromiseConstructor, name: 'all' | 'allSettled'): void {
  interpose(P, name, (original, self, args) => {
    const outer = collecting;
    const inputs: unknown[] = [];
    collecting = inputs;
    try {
      const result = reflectApply(original, self, args);
      if (isPromise(result)) PromiseTags.setJoins(result as object, inputs as object[]);
      return result;
    } finally {
      collecting = outer;
    }
  });
}

// Each realm has its own Promise (a Jest test file runs in a `vm` context): the engine patches the
// combinators of every realm it serves, once. The hooks themselves are process-wide (per thread)
// and see every context's promises: Node installs promise hooks in each vm context it creates
// (measured on Node 20.20 and 24, contexts made before and after the hook was created).
const patchedRealms = new WeakSet<object>();

export function patchRealmPromise(P: PromiseConstructor): void {
  if (patchedRealms.has(P)) return;
  patchedRealms.add(P);
  nativeProtos.add(P.prototype);
  patchJoiningCombinator(P, 'all');
  patchJoiningCombinator(P, 'allSettled');
}

// --- promises of subclasses ------------------------------------------------------------------------
// `then` on a promise of a Promise subclass makes its result with the subclass's constructor, and V8
// then gives that result's init hook no parent: its reaction would run without the clock of the
// promise it waits on, and `await` of such a promise, `Sub.all` and `Sub.resolve(p).then` would lose
// their edges (false lost updates). Once a promise of a subclass is seen in a realm, that realm's
// Promise.prototype.then is interposed on: a result made without a parent becomes a reaction to the
// receiver (before the reaction can run: reactions run in later jobs), and inside Promise.all/
// allSettled the receiver is an input. Only then: it takes V8's Promise.all off its fast path and
// costs ~150 ns per `then` (Node 24).
const nativeProtos = new WeakSet<object>();
/** The prototype of the last parentless promise looked at: the next ones usually share it. */
let lastProto: object = Promise.prototype;
const thenTracked = new WeakSet<object>();
const { getPrototypeOf } = Object;

function subclassSeen(promise: object): void {
  const proto = getPrototypeOf(promise) as object;
  lastProto = proto;
  if (nativeProtos.has(proto)) return; // a realm's own promises (a Jest test file's)
  // The native prototype its class extends, found without running the program's code (a Proxy on
  // the chain is not walked through).
  for (let p: object | null = proto, depth = 0; p !== null && depth < 16 && !isProxy(p); p = getPrototypeOf(p), depth++) {
    if (nativeProtos.has(p)) {
      trackThen(p);
      return;
    }
  }
}

function trackThen(nativeProto: object): void {
  if (thenTracked.has(nativeProto)) return;
  thenTracked.add(nativeProto);
  interpose(nativeProto, 'then', (original, self, args) => {
    if (collecting !== null) collecting.push(self);
    const result = reflectApply(original, self, args);
    if (isPromise(result) && isPromise(self) && PromiseTags.parent(result as object) === undefined) {
      PromiseTags.setReaction(result as object, reactionContext(PromiseTags.ctx(result as object) ?? current.ctx, self as object), self as object);
    }
    return result;
  });
}

// --- the hooks ----------------------------------------------------------------------------------------
/** The context a reaction to `parent` starts from: where it was made; for a reaction to a
 *  handed-off promise, a context of its own with the returning segment's clock too. */
function reactionContext(ctx: Context, parent: object): Context {
  const handoff = inThenableJob ? handoffs.get(parent) : undefined;
  return handoff === undefined ? ctx : new Segment(join(ctx.seg.clock, handoff.clock), ctx.tok);
}

function promiseInit(promise: Promise<unknown>, parent: Promise<unknown> | undefined): void {
  const ctx = current.ctx;
  if (parent === undefined) {
    PromiseTags.tag(promise, ctx, parent);
    if (getPrototypeOf(promise) !== lastProto) subclassSeen(promise);
    return;
  }
  PromiseTags.tag(promise, reactionContext(ctx, parent), parent);
  if (collecting !== null) collecting.push(parent);
  if (awaiting) {
    if (parent === awaitTarget || parent === awaitWrapper) suspended();
    else if (awaitWrapper === undefined) awaitWrapper = promise;
  }
}

function promiseBefore(promise: Promise<unknown>): void {
  const ctx = PromiseTags.ctx(promise) ?? current.ctx;
  let clock = ctx.seg.clock;
  const parent = PromiseTags.parent(promise);
  if (parent !== undefined) clock = join(clock, settleClock(parent));
  enterSegment(clock, ctx.tok);
  // A promise with no parent runs only a thenable job (adopting what an executor or async function
  // resolved it with).
  inThenableJob = parent === undefined;
  promiseBeforeDone = nodeTracksPromises;
  promiseAfterDone = false;
}

function promiseAfter(promise: Promise<unknown>): void {
  // A promise runs twice when its reaction returned a thenable: the adoption job then starts from
  // this run, which caused it (not from the promise's creation).
  PromiseTags.setCtx(promise, current.ctx);
  inThenableJob = false;
  leaveSegment();
  promiseBeforeDone = false;
  promiseAfterDone = nodeTracksPromises;
}

function promiseSettled(promise: Promise<unknown>): void {
  const seg = current.ctx.seg;
  const pending = PromiseTags.joinInputs(promise);
  PromiseTags.setSettled(promise, pending === undefined ? seg : joinedSettle(seg, pending));
}

function resourceInit(_id: number, type: string, _trigger: number, resource: object): void {
  if (type === 'PROMISE') return;
  const kind = REPEATING[type] ?? (type === 'Timeout' && (resource as { _repeat?: unknown })._repeat ? INTERVAL : undefined);
  ResourceTags.tag(resource, current.ctx, kind);
}

/**
 * A resource made before the hooks were installed, tagged as if made now: a worker's parentPort and
 * the ports in its workerData exist before any preload runs, and a port without tags would run its
 * messages inside whatever segment came last instead of each in a root activation of its own.
 */
export function adoptResource(resource: object, type: string): void {
  resourceInit(0, type, 0, resource);
}

// Where Node ignores `trackPromises: false` (Node 20) and its tracking could not be left out,
// async_hooks also reports every promise reaction; ours (v8.promiseHooks, registered first) runs
// just before it for the same promise, so a flag tells that event apart without the resource
// lookup, which costs more than the rest of the hook (measured on Node 20 and 24). The flag is
// false when Node's tracking was left out: should it come back (a hook enabled later), promise
// events then take the lookup, which finds no resource tags on a promise.
let nodeTracksPromises = true;
let promiseBeforeDone = false;
let promiseAfterDone = false;

function resourceBefore(): void {
  if (promiseBeforeDone) {
    promiseBeforeDone = false;
    return;
  }
  const r = executionAsyncResource();
  const ctx = ResourceTags.ctx(r);
  if (ctx === undefined) return;
  const kind = ResourceTags.repeat(r);
  if (kind === undefined) {
    enterSegment(ctx.seg.clock, ctx.tok);
    return;
  }
  const last = kind === INTERVAL ? ResourceTags.last(r) : undefined;
  enterSegment(last === undefined ? ctx.seg.clock : join(ctx.seg.clock, last.clock), rootToken(kind, -1, ctx.tok.act.owner));
}

function resourceAfter(): void {
  if (promiseAfterDone) {
    promiseAfterDone = false;
    return;
  }
  const r = executionAsyncResource();
  if (ResourceTags.ctx(r) === undefined) return;
  if (ResourceTags.repeat(r) === INTERVAL) ResourceTags.setLast(r, current.ctx.seg);
  leaveSegment();
}

let installed = false;

export function installHooks(): void {
  if (installed) return;
  installed = true;
  patchRealmPromise(Promise);
  const setDirectly = directPromiseHooks();
  promiseHooks.createHook({ init: promiseInit, before: promiseBefore, after: promiseAfter, settled: promiseSettled });
  // Promises are tracked by the promise hooks above: Node's own promise tracking (async_hooks'
  // largest cost) is turned off where Node supports that (24.x: 2x → 1.1x on promise-heavy code),
  // and left out of V8's hooks where it does not (direct-promise-hooks.ts).
  const options = { init: resourceInit, before: resourceBefore, after: resourceAfter, trackPromises: false };
  createHook(options).enable();
  nodeTracksPromises = tracksPromises(options);
  if (nodeTracksPromises && setDirectly !== null) {
    setDirectly(promiseInit, promiseBefore, promiseAfter, promiseSettled);
    nodeTracksPromises = false;
  }
}

/** Whether async_hooks still reports promises with these options (Node 20 ignores trackPromises). */
function tracksPromises(options: object): boolean {
  let seen = false;
  const probe = createHook({ ...options, init: (_id: number, type: string) => void (type === 'PROMISE' && (seen = true)) }).enable();
  void Promise.resolve();
  probe.disable();
  return seen;
}
