// ESM load hooks, registered by register.js with module.register(); they run on Node's hooks thread.
//
// Only the async side lives here: awaiting the next hooks and reading files with fs/promises.
// What to load and how is decided in esm-loading.ts, shared with esm-hooks-sync.ts (the same
// hooks, run in the thread itself on Node >= 24).

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as LoadingModule from './esm-loading.js';
import type { LoadContext, LoadResult, ResolveContext, ResolveResult } from './esm-loading.js';

const require = createRequire(import.meta.url);
const { resolved, typeScriptSpecifier, planLoad, typeScriptResult, noTypeScriptLoader, needsFileText, nextLoaded } =
  require('./esm-loading.js') as typeof LoadingModule;

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

/** An imported module's syntax error is thrown as it is: Node prints it after the internal frame
 * that rethrows errors from the hooks thread. */
const asIs = (e: Error) => e;

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    return resolved(await nextResolve(specifier, context), context);
  } catch (e) {
    const retry = typeScriptSpecifier(e, specifier, context);
    if (retry === null) throw e;
    try {
      return await nextResolve(retry, context);
    } catch {
      throw e;
    }
  }
}

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  const plan = planLoad(url, context);
  switch (plan.kind) {
    case 'next': return nextLoad(url, context);
    case 'done': return plan.result;
    case 'typescript': {
      let loaded: LoadResult | undefined;
      try {
        loaded = await nextLoad(url, context);
      } catch (e) {
        if (!noTypeScriptLoader(e)) throw e;
      }
      const fileText = loaded === undefined || needsFileText(loaded) ? await readFile(plan.filename, 'utf8') : undefined;
      return typeScriptResult(loaded ?? { source: fileText }, fileText, plan, url, asIs);
    }
    case 'loaded': return nextLoaded(await nextLoad(url, context), plan, url, asIs);
  }
}
