// What the engine keeps on the program's own objects (promises, async resources, Maps) lives in
// private fields: invisible to util.inspect, Object.getOwnPropertySymbols and Reflect.ownKeys, so
// `console.log(promise)` prints the same with and without mapsan, and as fast as a property.
// `Stamp` returns its argument, so a subclass's private fields land on that object.
import type { Context, Segment } from './segment.js';

export class Stamp {
  constructor(target: object) {
    return target;
  }
}

/** The inputs of a pending Promise.all / allSettled result, joined when it settles. */
export class JoinInputs {
  constructor(readonly inputs: readonly object[]) {}
}

/** On every promise created while the hooks are on. Three fields, because a promise has no spare
 *  in-object room: they take one property array per promise, allocated once (rare facts live in
 *  the hooks' WeakMaps). */
export class PromiseTags extends Stamp {
  /** Context at creation; after a run, the context of that run (a thenable job starts from it). */
  #ctx: Context | undefined = undefined;
  /** The promise a reaction or an await continuation hangs on. */
  #parent: object | undefined = undefined;
  /** The segment that resolved or rejected it; before that, a Promise.all result's inputs. */
  #settled: Segment | JoinInputs | undefined = undefined;

  static tag(p: object, ctx: Context, parent: object | undefined): void {
    try {
      new PromiseTags(p);
    } catch {
      return; // already tagged, or not extensible for private fields on some future V8
    }
    const t = p as PromiseTags;
    t.#ctx = ctx;
    t.#parent = parent;
  }
  static ctx(p: object): Context | undefined {
    return #ctx in p ? p.#ctx : undefined;
  }
  static setCtx(p: object, ctx: Context): void {
    if (#ctx in p) p.#ctx = ctx;
  }
  static parent(p: object): object | undefined {
    return #ctx in p ? p.#parent : undefined;
  }
  /** Makes a promise the reaction to `parent` that its init hook was not told it is. */
  static setReaction(p: object, ctx: Context, parent: object): void {
    if (!(#ctx in p)) return;
    p.#ctx = ctx;
    p.#parent = parent;
  }
  /** The segment that settled it (for a Promise.all result, one with the join of its inputs). */
  static settled(p: object): Segment | undefined {
    if (!(#ctx in p)) return undefined;
    const s = p.#settled;
    return s instanceof JoinInputs ? undefined : s;
  }
  static setSettled(p: object, seg: Segment): void {
    if (#ctx in p) p.#settled = seg;
  }
  /** Before it settles: the inputs of a Promise.all / allSettled result. */
  static joinInputs(p: object): JoinInputs | undefined {
    if (!(#ctx in p)) return undefined;
    const s = p.#settled;
    return s instanceof JoinInputs ? s : undefined;
  }
  static setJoins(p: object, inputs: readonly object[]): void {
    if (#ctx in p && p.#settled === undefined) p.#settled = new JoinInputs(inputs);
  }
}

/** On every non-promise async resource (timers, immediates, I/O requests, sockets, ports). */
export class ResourceTags extends Stamp {
  #ctx: Context | undefined = undefined;
  /** Activation kind of a repeating resource, whose every run is a root activation. */
  #repeat: string | undefined = undefined;
  /** The segment of an interval's previous tick. */
  #last: Segment | undefined = undefined;

  static tag(r: object, ctx: Context, repeat: string | undefined): void {
    try {
      new ResourceTags(r);
    } catch {
      return;
    }
    const t = r as ResourceTags;
    t.#ctx = ctx;
    t.#repeat = repeat;
  }
  static ctx(r: object): Context | undefined {
    return #ctx in r ? r.#ctx : undefined;
  }
  static repeat(r: object): string | undefined {
    return #ctx in r ? r.#repeat : undefined;
  }
  static last(r: object): Segment | undefined {
    return #ctx in r ? r.#last : undefined;
  }
  static setLast(r: object, seg: Segment): void {
    if (#ctx in r) r.#last = seg;
  }
}
