// mapsan/runtime: the object every instrumented file's header binds (`_ms`): the API of the realm
// this module is evaluated in, over the thread's one engine (engine.ts). In plain Node that is one
// object per thread; under Jest, one per test file (each runs in its own `vm` context, with its own
// Map.prototype), all recording into the same engine. Evaluating this module again (Jest's
// per-file registry, `jest.resetModules`, a second install path) hands out the realm's cached
// object.
import type { Api } from './engine.js';
import { engine } from './main-realm.js';

const API = Symbol.for('mapsan.api');

export = ((globalThis as unknown as Record<symbol, Api | undefined>)[API] ?? engine().apiFor(globalThis)) as Api;
