import { types } from 'node:util';

// Map.prototype as it was when mapsan first saw a realm, uncurried: the runtime calls these, never a
// property the program could have replaced, and compares the program's looked-up methods against
// them.
//
// Realms: a `vm` context (each Jest test file runs in one) has its own `Map`, `Map.prototype.get`,
// `TypeError`. One engine serves every realm of a thread (runtime/engine.ts), and each realm gets its
// own set of originals and its own API object (map-ops.ts is a factory over these). Calling the
// realm's own methods, not the engine's, keeps what the program sees exact: the iterators, iterator
// results and entry arrays it gets back belong to its realm (`entry instanceof Array` stays true).
const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <A extends unknown[], R>(
  f: (...args: A) => R,
) => (self: unknown, ...args: A) => R;

type RealmGlobal = { Map: MapConstructor; TypeError: TypeErrorConstructor };

export function realmOriginals(realm: RealmGlobal) {
  const proto = realm.Map.prototype;
  const mapIteratorProto = Object.getPrototypeOf(proto.entries.call(new realm.Map())) as { next: () => IteratorResult<unknown> };
  const iteratorNext = mapIteratorProto.next;
  return {
    MAP: {
      get: proto.get,
      set: proto.set,
      has: proto.has,
      delete: proto.delete,
      clear: proto.clear,
      forEach: proto.forEach,
      keys: proto.keys,
      values: proto.values,
      entries: proto.entries,
      iterator: proto[Symbol.iterator],
      /** A Map iterator's: a program that steps one by hand iterates the Map. */
      next: iteratorNext,
    },
    mapGet: uncurry(proto.get),
    mapSet: uncurry(proto.set),
    mapHas: uncurry(proto.has),
    mapDelete: uncurry(proto.delete),
    mapClear: uncurry(proto.clear),
    mapForEach: uncurry(proto.forEach as (f: unknown, thisArg?: unknown) => void),
    mapKeys: uncurry(proto.keys),
    mapValues: uncurry(proto.values),
    mapEntries: uncurry(proto.entries),
    mapSize: uncurry(Object.getOwnPropertyDescriptor(proto, 'size')!.get! as () => number),
    mapIteratorNext: uncurry(iteratorNext),
    /** %MapIteratorPrototype%, and above it %IteratorPrototype%, which holds the iterator helpers. */
    mapIteratorProto: mapIteratorProto as object,
    iteratorProto: Object.getPrototypeOf(mapIteratorProto) as object,
    /** A TypeError the program can catch with its own `instanceof TypeError`. */
    TypeError: realm.TypeError,
  };
}

export type RealmOriginals = ReturnType<typeof realmOriginals>;

/** The engine's own realm: the realm of plain Node, and the one the engine uses internally. */
export const ENGINE_REALM: RealmOriginals = realmOriginals(globalThis);

/** What the shadow itself needs of the engine's realm (pruning and clear() walk the real Map). */
export const { mapHas, mapKeys, mapIteratorNext } = ENGINE_REALM;
export const reflectApply = Reflect.apply;
/** `callWithThis(f, self)`: f called with `this = self` and no arguments, by the original
 *  Function.prototype.call (which TurboFan turns into a direct call; Reflect.apply it does not). */
export const callWithThis = uncurry(Function.prototype.call) as (f: unknown, self: unknown) => unknown;

/** Brand checks that run none of the program's code (no Proxy trap, no getter); any realm. */
export const isMap = types.isMap as (value: unknown) => value is Map<unknown, unknown>;
export const isMapIterator = types.isMapIterator;
