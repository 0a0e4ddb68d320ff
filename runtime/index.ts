// mapsan/runtime: the object every instrumented file's header binds (`_ms`). One per thread: a second
// copy of this module (another path, Jest's per-file registry) hands out the first one's object.
import { writeSync } from 'node:fs';
import { aw, dm, enter, leave, ret } from './activation.js';
import { config } from './config.js';
import { installHooks } from './hooks.js';
import * as ops from './map-ops.js';
import { OptionsError, parseOptions } from './options.js';
import { configureReports, installExitHandler } from './report/index.js';
import { registerFile } from './sites.js';

const api = {
  file: registerFile,
  get: ops.get,
  has: ops.has,
  set: ops.set,
  del: ops.del,
  clear: ops.clear,
  forEach: ops.forEach,
  keys: ops.keys,
  values: ops.values,
  entries: ops.entries,
  iterator: ops.iterator,
  apply: ops.apply,
  size: ops.size,
  iter: ops.iter,
  newMap: ops.newMap,
  enter,
  leave,
  aw,
  dm,
  ret,
};

function start(): typeof api {
  try {
    const options = parseOptions(process.env.MAPSAN_OPTIONS);
    config.strict = options.strict;
    config.historySize = options.history_size;
    config.fullStacks = options.stacks === 'full';
    configureReports(options);
    installExitHandler();
    installHooks();
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    writeSync(2, error.message + '\n');
    process.exit(2);
  }
  return api;
}

const RUNTIME = Symbol.for('mapsan.runtime');
const holder = globalThis as unknown as Record<symbol, typeof api | undefined>;

export = holder[RUNTIME] ??= start();
