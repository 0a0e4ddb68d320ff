// How code in any realm of a thread finds the thread's one engine (engine.ts), loading it in the
// thread's main realm on first use. This module holds no state and requires only core modules, so
// being evaluated again in each Jest test file's `vm` context (Jest's per-file module registry
// does that to everything a test file requires) costs nothing and forks nothing.
//
// What is shared across realms under Jest (measured, Jest 29.7 and 30.5 on Node 20 and 24): core
// modules are the real ones (`node:vm` included), except `process` (a per-file copy) and `module`
// (Jest's own registry; Jest 30 also routes `process.getBuiltinModule('module')` there). So: the
// main realm's global comes from `vm.runInThisContext`, which runs in the thread's main context
// whichever realm calls it, and its real `process` gives Node's own `require`.
import { runInThisContext } from 'node:vm';
import type { Engine } from './engine.js';

const ENGINE = Symbol.for('mapsan.runtime');
type Holder = Record<symbol, Engine | undefined> & { process: NodeJS.Process };

export function engine(): Engine {
  const here = (globalThis as unknown as Holder)[ENGINE];
  if (here !== undefined) return here;
  const main = runInThisContext('globalThis') as Holder;
  const there = main[ENGINE];
  if (there !== undefined) return there;
  const nodeRequire = main.process.getBuiltinModule('node:module').createRequire(__filename);
  return (nodeRequire('./engine.js') as typeof import('./engine.js')).engine;
}
