// The whole of what the plugin knows about the runtime: the names of the calls it emits. The
// contract (arguments, return values, exceptions) lives in docs/architecture.md.

export const RUNTIME = {
  file: 'file',
  get: 'get',
  has: 'has',
  set: 'set',
  delete: 'del',
  clear: 'clear',
  forEach: 'forEach',
  keys: 'keys',
  values: 'values',
  entries: 'entries',
  iterator: 'iterator',
  next: 'next',
  apply: 'apply',
  size: 'size',
  iter: 'iter',
  newMap: 'newMap',
  enter: 'enter',
  leave: 'leave',
  aw: 'aw',
  dm: 'dm',
  ret: 'ret',
  fa: 'fa',
  gr: 'gr',
} as const;

export type RuntimeCall = keyof typeof RUNTIME;

/** Map methods rewritten at call sites, with the only argument count that has a dedicated call.
 *  `next` is a Map iterator's: a program that steps one by hand iterates the Map too. */
export const MAP_METHOD_ARITY = {
  get: 1,
  has: 1,
  set: 2,
  delete: 1,
  clear: 0,
  forEach: 1,
  keys: 0,
  values: 0,
  entries: 0,
  iterator: 0,
  next: 0,
} as const;

export type MapMethod = keyof typeof MAP_METHOD_ARITY;

/** Ops that may appear in a site tuple. */
export type SiteOp = MapMethod | 'size' | 'apply' | 'iter' | 'new' | 'async';
