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

/** On every promise created while the hooks are on. */
export class PromiseTags extends Stamp {
  /** Context at creation; after a run, the context of that run (a thenable job starts from it). */
  #ctx: Context | undefined = undefined;
  /** The promise a reaction or an await continuation hangs on. */
  #parent: object | undefined = undefined;
  /** The segment that resolved or rejected it. */
  #settled: Segment | undefined = undefined;
  /** Inputs of Promise.all / allSettled, all joined at settle. */
  #joins: object[] | undefined = undefined;
  /** The segment of an async `return` of this promise. */
  #handoff: Segment | undefined = undefined;
  /** A hand-off to join when this reaction runs. */
  #extra: Segment | undefined = undefined;

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
  static settled(p: object): Segment | undefined {
    return #ctx in p ? p.#settled : undefined;
  }
  static setSettled(p: object, seg: Segment): void {
    if (#ctx in p) p.#settled = seg;
  }
  static joins(p: object): object[] | undefined {
    return #ctx in p ? p.#joins : undefined;
  }
  static setJoins(p: object, inputs: object[]): void {
    if (#ctx in p) p.#joins = inputs;
  }
  static handoff(p: object): Segment | undefined {
    return #ctx in p ? p.#handoff : undefined;
  }
  static setHandoff(p: object, seg: Segment): void {
    if (#ctx in p) p.#handoff = seg;
  }
  static extra(p: object): Segment | undefined {
    return #ctx in p ? p.#extra : undefined;
  }
  static setExtra(p: object, seg: Segment): void {
    if (#ctx in p) p.#extra = seg;
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
