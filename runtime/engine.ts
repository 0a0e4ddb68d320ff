// The engine: one per thread. Hooks (`v8.promiseHooks`, async_hooks: process-wide, per thread), the
// current context, shadow state, site tables and the reporter all live here, in the thread's main
// realm, and are loaded once whatever loads mapsan and however often.
//
// Realms: a `vm` context (Jest runs each test file in one) has its own `Map`, `Promise`,
// `TypeError`. Each realm gets its own API object (`apiFor`), made by map-ops.ts over that realm's
// Map.prototype originals and cached on the realm's global; all of them record into this engine.
// The per-file header reaches it through runtime/index.ts and main-realm.ts.
import { writeSync } from 'node:fs';
import { dm, enter, fa, gr, leave, ret } from './activation.js';
import { config } from './config.js';
import { aw, installHooks, patchRealmPromise } from './hooks.js';
import { trackIteratorHelpers } from './iterator-sources.js';
import { createMapOps, helperSourceSteps, type MapOps } from './map-ops.js';
import { OptionsError, parseOptions } from './options.js';
import { ENGINE_REALM, realmOriginals } from './originals.js';
import { configureReports, installExitHandler, validateReportOptions } from './report/index.js';
import * as runner from './runner.js';
import { registerFile } from './sites.js';
import { installThreads } from './threads/index.js';

/** What every instrumented file's header binds (`_ms`); the call names are the plugin's contract. */
export type Api = { file: typeof registerFile } & MapOps & {
  enter: typeof enter;
  leave: typeof leave;
  aw: typeof aw;
  dm: typeof dm;
  ret: typeof ret;
  fa: typeof fa;
  gr: typeof gr;
};

export interface Engine {
  /** The API object of the realm whose global is `realm`, made on first use and cached there. */
  apiFor(realm: typeof globalThis): Api;
  /** For mapsan/jest and mapsan/vitest. */
  runner: typeof runner;
}

const API = Symbol.for('mapsan.api');
const ENGINE = Symbol.for('mapsan.runtime');

function makeApi(ops: MapOps): Api {
  return { file: registerFile, ...ops, enter, leave, aw, dm, ret, fa, gr };
}

function apiFor(realm: typeof globalThis): Api {
  const holder = realm as unknown as Record<symbol, Api | undefined>;
  const cached = holder[API];
  if (cached !== undefined) return cached;
  const own = realm === globalThis;
  const originals = own ? ENGINE_REALM : realmOriginals(realm);
  const api = makeApi(createMapOps(originals));
  if (!own) {
    patchRealmPromise(realm.Promise);
    trackIteratorHelpers(originals.iteratorProto, helperSourceSteps(originals));
  }
  // Not enumerable: the test runner's view of its global stays as it was.
  Object.defineProperty(realm, API, { value: api, configurable: true, writable: false, enumerable: false });
  return api;
}

function start(): Engine {
  try {
    const options = parseOptions(process.env.MAPSAN_OPTIONS);
    config.strict = options.strict;
    config.historySize = options.history_size;
    config.fullStacks = options.stacks === 'full';
    configureReports(options, validateReportOptions(options));
    installExitHandler();
    installHooks();
    trackIteratorHelpers(ENGINE_REALM.iteratorProto, helperSourceSteps(ENGINE_REALM));
    installThreads();
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    writeSync(2, error.message + '\n');
    process.exit(2);
  }
  return { apiFor, runner };
}

// A second copy of mapsan in the same thread (another install path) hands out the first engine.
const holder = globalThis as unknown as Record<symbol, Engine | undefined>;
export const engine: Engine = (holder[ENGINE] ??= start());
