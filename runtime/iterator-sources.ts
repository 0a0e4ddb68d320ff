// Which Map an iterator walks, and where the program got it. Iterators made by keys()/values()/
// entries()/[Symbol.iterator]() stay the real iterators (identity, util.inspect and toString
// unchanged); a consumer that the plugin wraps (`iter`) or a `next()` it rewrites attributes their
// steps to the Map remembered here. One table for all realms.
import { interpose } from './interpose.js';
import { reflectApply } from './originals.js';

// Captured: these run when the program makes a helper, and the program may have replaced the globals.
const { defineProperty, getOwnPropertyDescriptor } = Object;
const { deleteProperty } = Reflect;

export class IteratorSource {
  constructor(
    readonly map: Map<unknown, unknown>,
    /** The site of the keys()/values()/entries()/[Symbol.iterator]() call that made it. */
    readonly site: number,
  ) {}
}

export const iteratorSources = new WeakMap<object, IteratorSource>();

// Iterator helpers (`m.keys().filter(f).map(g)`, Node 22+) step their source with the `next` they
// read from it when they are made. The lazy ones, made now and stepped later, possibly across awaits,
// are made with a `next` lent to the source for that moment that records each step of the Map
// iterator, whichever consumer drives the helper and whenever it does. So a step is recorded exactly
// when the Map is read: not when `take(1)` finishes without reading it, not after `return()`. The
// others (toArray, forEach, reduce, some, every, find) run inside one segment, where no step can race.
const LAZY_HELPERS = ['map', 'filter', 'take', 'drop', 'flatMap'];
const tracked = new WeakSet<object>();

/**
 * Wraps the lazy helpers of a realm's Iterator.prototype. `recordingNext(source)` is the `next` to
 * lend to a helper's source, or undefined to leave the source as it is.
 */
export function trackIteratorHelpers(iteratorProto: object, recordingNext: (source: unknown) => (() => unknown) | undefined): void {
  if (tracked.has(iteratorProto)) return;
  tracked.add(iteratorProto);
  for (const name of LAZY_HELPERS) {
    // take and drop convert their argument to a number before they read `next`: an object's valueOf
    // would run while the `next` is lent and could see it, so a helper made so is left unseen. map,
    // filter and flatMap only check that theirs is callable, which runs none of the program's code.
    const converts = name === 'take' || name === 'drop';
    interpose(iteratorProto, name, (original, self, args) => {
      const arg = args[0];
      const next = converts && ((typeof arg === 'object' && arg !== null) || typeof arg === 'function') ? undefined : recordingNext(self);
      if (next === undefined || !lend(self as object, next)) return reflectApply(original, self, args);
      try {
        return reflectApply(original, self, args);
      } finally {
        if (getOwnPropertyDescriptor(self, 'next')?.value === next) deleteProperty(self as object, 'next');
      }
    });
  }
}

function lend(source: object, next: () => unknown): boolean {
  try {
    defineProperty(source, 'next', { value: next, writable: true, configurable: true, enumerable: false });
    return true;
  } catch {
    return false; // a frozen iterator: its helper steps it unseen
  }
}
