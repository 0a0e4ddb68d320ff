import { types } from 'node:util';

// Map.prototype as it was when mapsan loaded, uncurried: the runtime calls these, never a property
// the program could have replaced, and compares the program's looked-up methods against them.
const proto = Map.prototype;
const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <A extends unknown[], R>(
  f: (...args: A) => R,
) => (self: unknown, ...args: A) => R;

export const MAP = {
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
};

export const mapGet = uncurry(proto.get);
export const mapSet = uncurry(proto.set);
export const mapHas = uncurry(proto.has);
export const mapDelete = uncurry(proto.delete);
export const mapClear = uncurry(proto.clear);
export const mapForEach = uncurry(proto.forEach as (f: unknown, thisArg?: unknown) => void);
export const mapKeys = uncurry(proto.keys);
export const mapValues = uncurry(proto.values);
export const mapEntries = uncurry(proto.entries);
export const mapSize = uncurry(Object.getOwnPropertyDescriptor(proto, 'size')!.get! as () => number);
export const mapIteratorNext = uncurry(
  Object.getPrototypeOf(new Map().entries()).next as () => IteratorResult<unknown>,
);
export const reflectApply = Reflect.apply;

/** Brand checks that run none of the program's code (no Proxy trap, no getter). */
export const isMap = types.isMap as (value: unknown) => value is Map<unknown, unknown>;
export const isMapIterator = types.isMapIterator;
