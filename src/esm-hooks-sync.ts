// The ES module hooks of esm-hooks.mts, run synchronously in the thread itself through
// `module.registerHooks` (Node >= 22.15 / 23.5) instead of on Node's hooks thread through
// `module.register`. Same decisions, same results; register.ts picks this on Node >= 24.
//
// Why: `module.register` starts Node's hooks thread and blocks until it has loaded the hooks module,
// 35-60 ms of every startup (measured on Node 20.20 and 24.21, `waitForWorker`); registerHooks costs
// well under 1 ms. Only on Node >= 24, the versions this is tested on (the hooks API changed through
// 22.x and 23.x).
//
// Hooks registered this way also run for `require()` (the CommonJS loader), which
// `module.register` hooks do not on Node 24: those calls (their conditions have no "import") go
// straight to the next hook, so CommonJS keeps its own resolution and pirates (register.ts) keeps
// transforming it, exactly as before. Hooks never cross threads; each worker runs register.js itself.
//
// The cost moves: with any hook registered, Node takes its slower hooked path for every require
// (measured on 24.21, 500 small CommonJS files from node_modules: +46 ms over plain node, against
// +76 ms with module.register), and an ES module loads without a round trip to the hooks thread
// (500 ES modules: +42 ms against +210 ms). Past a few thousand CommonJS modules the hooks thread
// would be the cheaper of the two.

// What to load and how is decided in esm-loading.ts, shared with esm-hooks.mts; only calling the
// next hooks and reading files, without awaiting, is done here.

import { readFileSync } from 'node:fs';
import {
  needsFileText, nextLoaded, noTypeScriptLoader, planLoad, resolved, typeScriptResult, typeScriptSpecifier,
  type LoadContext, type LoadResult, type ResolveContext, type ResolveResult,
} from './esm-loading.js';

type NextResolve = (specifier: string, context?: ResolveContext) => ResolveResult;
type NextLoad = (url: string, context?: LoadContext) => LoadResult;

/** The ESM loader asks with the "import" condition; the CommonJS loader (require) without. */
const fromImport = (context: { conditions?: string[] }) => context.conditions?.includes('import') === true;

function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): ResolveResult {
  if (!fromImport(context)) return nextResolve(specifier, context);
  try {
    return resolved(nextResolve(specifier, context), context);
  } catch (e) {
    const retry = typeScriptSpecifier(e, specifier, context);
    if (retry === null) throw e;
    try {
      return nextResolve(retry, context);
    } catch {
      throw e;
    }
  }
}

function load(url: string, context: LoadContext, nextLoad: NextLoad): LoadResult {
  if (!fromImport(context)) return nextLoad(url, context);
  const plan = planLoad(url, context);
  switch (plan.kind) {
    case 'next': return nextLoad(url, context);
    case 'done': return plan.result;
    case 'typescript': {
      let loaded: LoadResult | undefined;
      try {
        loaded = nextLoad(url, context);
      } catch (e) {
        if (!noTypeScriptLoader(e)) throw e;
      }
      const fileText = loaded === undefined || needsFileText(loaded) ? readFileSync(plan.filename, 'utf8') : undefined;
      return typeScriptResult(loaded ?? { source: fileText }, fileText, plan, url, withoutFrames);
    }
    case 'loaded': return nextLoaded(nextLoad(url, context), plan, url, withoutFrames);
  }
}

/**
 * The same error, created with no stack frames. Node prints an uncaught error with a header that
 * shows the source line V8 locates it at, taken from the first frame of the stack captured when the
 * error was created: here a line of transform.ts. From the hooks thread (esm-hooks.mts) the error is
 * re-created in Node's internals; here it gets no header, and its `stack` text (Babel's message and
 * code frame, one frame at the error's position) is all that is printed.
 */
function withoutFrames(e: Error): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let fresh: Error;
  try {
    fresh = new SyntaxError(e.message);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const key of Object.getOwnPropertyNames(e)) {
    if (key !== 'message') Object.defineProperty(fresh, key, Object.getOwnPropertyDescriptor(e, key)!);
  }
  return fresh;
}

export type RegisterHooks = (hooks: { resolve: typeof resolve; load: typeof load }) => unknown;

export function registerSyncHooks(registerHooks: RegisterHooks): void {
  registerHooks({ resolve, load });
}
