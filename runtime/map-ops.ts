// The calls the plugin emits in place of Map operations. Each does exactly what the original
// expression did (same return value, same exception), then records the access. A receiver that is
// not a Map, or a method that is not the original one, is the program's own business: called
// through, nothing recorded. Recording never throws into the program: an internal error switches
// detection off for the process, with one line on stderr.
//
// `createMapOps(realm)` makes the calls for one realm (see originals.ts): the engine's own realm
// once, and each `vm` context (a Jest test file) once more. The calls close over that realm's
// originals as constants, so the hot path costs what module-level functions did: one comparison
// with the realm's method, one call of it, then recording into the one shared engine.
import { config } from './config.js';
import { internalError } from './failsafe.js';
import { IteratorSource, iteratorSources } from './iterator-sources.js';
import { callWithThis, isMap, isMapIterator, reflectApply, type RealmOriginals } from './originals.js';
import { clearAll, iterationStep, membershipRead, membershipWrite, recordRead, recordWrite, startIteration } from './rules.js';
import { Iteration, MapShadow, shadowOf } from './shadow.js';
import { calleeText } from './sites.js';

type AnyMap = Map<unknown, unknown>;

function recordMembershipRead(map: AnyMap, op: string, s: number): void {
  try {
    membershipRead(shadowOf(map), op, s);
  } catch (e) {
    internalError(e);
  }
}

// An iterator the program steps by hand (`it.next()`) is one iteration, from its first step to the
// result that is done; after that, V8 has let go of the Map and a step observes nothing, so the
// iterator leaves iteratorSources. An iterator helper's steps of its source count the same
// (iterator-sources.ts).
const steppedByHand = new WeakMap<object, Iteration>();

function recordHandStep(it: object, result: IteratorResult<unknown>, s: number): void {
  try {
    const source = iteratorSources.get(it);
    if (source === undefined) return;
    const shadow = shadowOf(source.map);
    let iteration = steppedByHand.get(it);
    if (iteration === undefined) steppedByHand.set(it, (iteration = startIteration(shadow, s)));
    iterationStep(shadow, iteration);
    if (result.done === true) iteratorSources.delete(it);
  } catch (e) {
    internalError(e);
  }
}

// Captured: helperSourceSteps runs when the program makes an iterator helper.
const { hasOwn, getPrototypeOf, getOwnPropertyDescriptor } = Object;

/**
 * For trackIteratorHelpers: the `next` to lend to a Map iterator of the program (one that
 * keys/values/entries/[Symbol.iterator] made, not yet done) while an iterator helper is made over
 * it, so that the helper's steps of it are recorded, as steps by hand at the site that made it.
 * Undefined when the helper would not step it with the original `next`: the program gave the
 * iterator a `next` of its own or another prototype, or replaced %MapIteratorPrototype%'s.
 */
export function helperSourceSteps(realm: RealmOriginals): (source: unknown) => (() => unknown) | undefined {
  const { MAP, mapIteratorNext, mapIteratorProto } = realm;
  return (source) => {
    if (!config.enabled || typeof source !== 'object' || source === null) return undefined;
    const from = iteratorSources.get(source);
    // The `next` the helper would read: looked up as V8 would, by hand, so that no getter or Proxy
    // trap of the program's runs (a remembered iterator is a real Map iterator, never a Proxy).
    if (from === undefined || hasOwn(source, 'next') || getPrototypeOf(source) !== mapIteratorProto) return undefined;
    if (getOwnPropertyDescriptor(mapIteratorProto, 'next')?.value !== MAP.next) return undefined;
    return function next(this: unknown): unknown {
      const result = mapIteratorNext(this);
      recordHandStep(this as object, result, from.site);
      return result;
    };
  };
}

// Every generator's `next()` goes through `next`: with no arguments, the method is called by
// callWithThis rather than Reflect.apply, and no argument array is made (bench/generator-next.js,
// Node 20, one CPU, medians of 9: plain 16.8 ns per step; through Reflect.apply 28.0 ns; through
// callWithThis 21.5 ns).
const NO_ARGS: readonly unknown[] = Object.freeze([]);

export type MapOps = ReturnType<typeof createMapOps>;

export function createMapOps(realm: RealmOriginals) {
  const {
    MAP,
    mapClear,
    mapDelete,
    mapEntries,
    mapForEach,
    mapGet,
    mapHas,
    mapIteratorNext,
    mapKeys,
    mapSet,
    mapSize,
    mapValues,
    TypeError,
  } = realm;

  function callThrough(r: unknown, m: unknown, s: number, args: readonly unknown[]): unknown {
    if (typeof m !== 'function') throw new TypeError(`${calleeText(s)} is not a function`);
    return args.length === 0 ? callWithThis(m, r) : reflectApply(m, r, args);
  }

  function get(r: unknown, m: unknown, s: number, k: unknown): unknown {
    if (m !== MAP.get || !config.enabled) return callThrough(r, m, s, [k]);
    const v = mapGet(r, k);
    recordRead(r as AnyMap, k, 'get', s, false);
    return v;
  }

  function has(r: unknown, m: unknown, s: number, k: unknown): unknown {
    if (m !== MAP.has || !config.enabled) return callThrough(r, m, s, [k]);
    const v = mapHas(r, k);
    recordRead(r as AnyMap, k, 'has', s, v);
    return v;
  }

  function set(r: unknown, m: unknown, s: number, k: unknown, v: unknown): unknown {
    const before = m === MAP.set && config.enabled ? sizeOrMinusOne(r) : -1;
    if (before < 0) return callThrough(r, m, s, [k, v]);
    const out = mapSet(r, k, v);
    recordWrite(r as AnyMap, k, 'set', s, mapSize(r) !== before);
    return out;
  }

  /** Doubles as the brand check on the hot path: cheaper than util.types.isMap, a call into C++. */
  function sizeOrMinusOne(r: unknown): number {
    try {
      return mapSize(r);
    } catch {
      return -1;
    }
  }

  function del(r: unknown, m: unknown, s: number, k: unknown): unknown {
    if (m !== MAP.delete || !config.enabled) return callThrough(r, m, s, [k]);
    const had = mapDelete(r, k);
    recordWrite(r as AnyMap, k, 'delete', s, had);
    return had;
  }

  function clear(r: unknown, m: unknown, s: number): unknown {
    if (m !== MAP.clear || !config.enabled || !isMap(r)) return callThrough(r, m, s, NO_ARGS);
    let keys: ReturnType<MapShadow['clearedKeys']> = [];
    try {
      keys = shadowOf(r).clearedKeys(r);
    } catch (e) {
      internalError(e);
    }
    const out = mapClear(r);
    try {
      const ms = shadowOf(r);
      clearAll(ms, keys, s);
      membershipWrite(ms, 'clear', s);
    } catch (e) {
      internalError(e);
    }
    return out;
  }

  function forEach(r: unknown, m: unknown, s: number, f: unknown): unknown {
    return forEachWith(r, m, s, [f]);
  }

  function forEachWith(r: unknown, m: unknown, s: number, args: unknown[]): unknown {
    if (m !== MAP.forEach || !config.enabled || !isMap(r)) return callThrough(r, m, s, args);
    recordMembershipRead(r, 'forEach', s);
    return mapForEach(r, args[0], args[1]);
  }

  function makeIterator(
    original: unknown,
    make: (map: unknown) => IterableIterator<unknown>,
    op: string,
  ): (r: unknown, m: unknown, s: number) => unknown {
    return (r, m, s) => {
      if (m !== original || !config.enabled) return callThrough(r, m, s, NO_ARGS);
      const it = make(r);
      recordMembershipRead(r as AnyMap, op, s);
      iteratorSources.set(it, new IteratorSource(r as AnyMap, s));
      return it;
    };
  }

  const keys = makeIterator(MAP.keys, mapKeys, 'keys');
  const values = makeIterator(MAP.values, mapValues, 'values');
  const entries = makeIterator(MAP.entries, mapEntries, 'entries');
  const iterator = makeIterator(MAP.iterator, mapEntries, 'iterate');

  function next(r: unknown, m: unknown, s: number): unknown {
    if (m !== MAP.next || !config.enabled) return callThrough(r, m, s, NO_ARGS);
    const result = mapIteratorNext(r);
    recordHandStep(r as object, result, s);
    return result;
  }

  function size(r: unknown, s: number): unknown {
    const v = (r as { size: unknown }).size;
    if (config.enabled && isMap(r) && mapSize(r) === v) recordMembershipRead(r, 'size', s);
    return v;
  }

  /** The consumer side of iteration: `for...of`, spread, `Array.from`, `yield*`, destructuring. */
  function iter(v: unknown, s: number): unknown {
    if (!config.enabled) return v;
    if (isMap(v)) {
      if ((v as AnyMap)[Symbol.iterator] !== MAP.iterator) return v;
      return new IterationView(v, null, s);
    }
    if (isMapIterator(v)) {
      const source = iteratorSources.get(v as object);
      if (source !== undefined) return new IterationView(source.map, v as Iterator<unknown>, s);
    }
    return v;
  }

  /** A one-shot iterable the consumer sees instead of the Map; steps through the real iterator. */
  class IterationView {
    private iteration: Iteration | null = null;
    private shadow: MapShadow | null = null;
    constructor(
      private readonly map: AnyMap,
      private source: Iterator<unknown> | null,
      private readonly site: number,
    ) {}
    [Symbol.iterator](): this {
      this.source ??= mapEntries(this.map);
      try {
        this.shadow = shadowOf(this.map);
        this.iteration = startIteration(this.shadow, this.site);
      } catch (e) {
        internalError(e);
      }
      return this;
    }
    next(): IteratorResult<unknown> {
      const result = mapIteratorNext(this.source);
      if (this.iteration !== null && config.enabled) {
        try {
          iterationStep(this.shadow!, this.iteration);
        } catch (e) {
          internalError(e);
        }
      }
      return result;
    }
  }

  const BY_METHOD = new Map<unknown, (r: unknown, m: unknown, s: number, args: unknown[]) => unknown>([
    [MAP.get, (r, m, s, a) => get(r, m, s, a[0])],
    [MAP.has, (r, m, s, a) => has(r, m, s, a[0])],
    [MAP.set, (r, m, s, a) => set(r, m, s, a[0], a[1])],
    [MAP.delete, (r, m, s, a) => del(r, m, s, a[0])],
    [MAP.clear, (r, m, s) => clear(r, m, s)],
    [MAP.forEach, forEachWith],
    [MAP.keys, (r, m, s) => keys(r, m, s)],
    [MAP.values, (r, m, s) => values(r, m, s)],
    [MAP.entries, (r, m, s) => entries(r, m, s)],
    [MAP.iterator, (r, m, s) => iterator(r, m, s)],
    [MAP.next, (r, m, s) => next(r, m, s)],
  ]);

  /** Any other arity, spread arguments, `Map.prototype.get.call(m, k)`: the op is the method's. */
  function apply(r: unknown, m: unknown, s: number, args: unknown[]): unknown {
    const op = config.enabled ? BY_METHOD.get(m) : undefined;
    return op === undefined ? callThrough(r, m, s, args) : op(r, m, s, args);
  }

  function newMap(map: unknown, s: number): unknown {
    if (config.enabled && isMap(map)) {
      try {
        shadowOf(map).createdAt = s;
      } catch (e) {
        internalError(e);
      }
    }
    return map;
  }

  return { get, has, set, del, clear, forEach, keys, values, entries, iterator, next, apply, size, iter, newMap };
}
