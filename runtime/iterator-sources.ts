// Which Map an iterator walks. Iterators made by keys()/values()/entries()/[Symbol.iterator]() stay
// the real iterators (identity, util.inspect and toString unchanged), and so do the iterator helpers
// made over them (`m.keys().filter(f).map(g)`, Node 22+): a consumer that the plugin wraps (`iter`)
// or a `next()` it rewrites attributes their steps to the Map remembered here. One table for all
// realms.
export const iteratorMaps = new WeakMap<object, Map<unknown, unknown>>();

/** Whether any helper was made over a Map's iterator: until then a consumer skips the lookup (a
 *  WeakMap lookup for every for...of over an array costs ~2.7 ns on Node 24). */
export const helpers = { overMaps: false };

// The helpers that return a lazy iterator over their receiver; the others (toArray, forEach, reduce,
// some, every, find) consume it at once, inside one segment, where no step can race.
const LAZY_HELPERS = ['map', 'filter', 'take', 'drop', 'flatMap'];
const tracked = new WeakSet<object>();

/**
 * Wraps a realm's lazy iterator helpers so that a helper made over an iterator of a Map is known to
 * walk that Map. The wrapper keeps the method's name, length and property attributes, and returns
 * and throws what the original does.
 */
export function trackIteratorHelpers(iteratorProto: Record<string, unknown>): void {
  if (tracked.has(iteratorProto)) return;
  tracked.add(iteratorProto);
  for (const name of LAZY_HELPERS) {
    const original = iteratorProto[name];
    if (typeof original !== 'function') continue;
    const helper = {
      [name](this: unknown, ...args: unknown[]): unknown {
        const made = Reflect.apply(original, this, args) as object;
        const map = typeof this === 'object' && this !== null ? iteratorMaps.get(this) : undefined;
        if (map !== undefined) {
          iteratorMaps.set(made, map);
          helpers.overMaps = true;
        }
        return made;
      },
    }[name];
    Object.defineProperty(helper, 'length', { value: original.length });
    try {
      Object.defineProperty(iteratorProto, name, { value: helper, writable: true, configurable: true, enumerable: false });
    } catch {
      // a frozen Iterator.prototype (a hardened realm): its helpers go unseen, as before Node 22
    }
  }
}
