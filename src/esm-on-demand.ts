// When register.js registers its ES module hooks with module.register (Node < 24).
//
// module.register starts Node's module-hooks thread and waits for it: 35-45 ms of every start on
// Node 20 (an empty hooks file costs the same), paid by a CommonJS program that never loads an ES
// module. So in the main thread of a program run from a file, the hooks are registered at the first
// sign that the ESM loader may be used, and always before it resolves anything:
//   - the entry (Module.runMain, which Node calls for the main script after the preloads, and the
//     CLI calls itself) is an ES module by Node's own rules, for the path as given and for the file
//     Node resolves it to (a directory's "main", a symlink's target): .mjs or .mts, or .js/.ts in a
//     "type": "module" package;
//   - a CommonJS module about to be compiled, the program's or a package's, mentions `import`,
//     `export` or `repl`: an `import()` call is written in the text of some module (`new
//     Function('s', 'return import(s)')` and vm's `importModuleDynamically` included), ES module
//     syntax is what makes Node's syntax detection load a file as a module (and a transformed one
//     gets mapsan's header as an import), and a REPL imports whatever is typed into it;
//   - the program registers hooks of its own (module.register): mapsan's go first, as when they
//     were registered at start, so the order of the chain is what it always was.
// The hooks are registered at once, as before, where the loader can be reached some other way:
// in a worker (an eval worker's ES module body goes to the loader through nothing a preload sees),
// for code given by -e, -p, stdin or the REPL, when the loader is in play from the start (--import,
// --loader, --experimental-default-type, in execArgv or NODE_OPTIONS), and when modules were loaded
// before mapsan (a preload ahead of it), whose text was not seen.
// Not seen: an `import()` whose text is put together at run time (eval of a built string), which
// then loads its module without mapsan. Words in comments count too: a false sign only costs the
// time saved.
import { realpathSync } from 'node:fs';
import Module from 'node:module';
import { extname, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { packageType } from './package-type.js';

const LOADER_FLAGS = /(?:^|\s)(?:--import|--loader|--experimental-loader|--experimental-default-type|--interactive|-i)(?:[\s=]|$)/;
const MAY_REACH_LOADER = /\bimport|\bexport\b|\brepl\b/;

type Compile = (this: unknown, content: unknown, filename: unknown, ...rest: unknown[]) => unknown;
type Loader = typeof Module & {
  _findPath?(request: string, paths: null, isMain: boolean): string | false;
  _cache: Record<string, unknown>;
  runMain(this: unknown, main?: string, ...rest: unknown[]): unknown;
  register?(this: unknown, ...args: unknown[]): unknown;
  prototype: { _compile: Compile };
};

/**
 * Why the ESM loader can be used before anything on-demand would see it coming, or null.
 * `ours(file)`: the modules mapsan itself loaded so far.
 */
export function loaderReachableUnseen(ours: (filename: string) => boolean): string | null {
  if (!isMainThread) return 'at start, in a worker';
  const main = process.argv[1];
  if ((process as { _eval?: unknown })._eval !== undefined || main === undefined || main === '-') return 'at start, for code not from a file';
  if (LOADER_FLAGS.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) return 'at start, for the options';
  const before = Object.keys((Module as Loader)._cache).find((filename) => !ours(filename));
  return before === undefined ? null : `at start, after ${before}`;
}

function isModuleFile(file: string): boolean {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  return packageType(file) === 'module';
}

/** The entry as given, and as Node's resolveMainPath finds it (extension, directory, symlink). */
function isModuleEntry(main: unknown): boolean {
  if (typeof main !== 'string') return false;
  if (isModuleFile(main)) return true;
  try {
    const found = (Module as Loader)._findPath?.(resolve(main), null, true);
    if (typeof found === 'string') return isModuleFile(found) || isModuleFile(realpathSync(found));
  } catch {
    // Node reports a missing entry itself.
  }
  return false;
}

/**
 * Calls `register(why)` at the first sign above; `ours(filename)`: mapsan's own modules, not signs.
 */
export function registerOnDemand(register: (why: string) => void, ours: (filename: string) => boolean): void {
  const M = Module as Loader;
  const { runMain, register: programRegister } = M;
  const compile = M.prototype._compile;
  let done = false;

  const now = (why: string): void => {
    if (done) return;
    done = true;
    // Put back what no one wrapped since: nothing is left to watch.
    if (M.runMain === watchedRunMain) M.runMain = runMain;
    if (M.prototype._compile === watchedCompile) M.prototype._compile = compile;
    if (M.register === watchedRegister) M.register = programRegister;
    register(why);
  };

  function watchedRunMain(this: unknown, ...args: [main?: string, ...rest: unknown[]]): unknown {
    const main = args[0] ?? process.argv[1];
    if (isModuleEntry(main)) now(`for the entry ${main}`);
    return Reflect.apply(runMain, this, args);
  }
  function watchedCompile(this: unknown, ...args: [content: unknown, filename: unknown, ...rest: unknown[]]): unknown {
    // `done`: a wrapper put over this one since keeps it in the chain once the hooks are in.
    const [content, filename] = args;
    if (!done && typeof content === 'string' && MAY_REACH_LOADER.test(content) && !(typeof filename === 'string' && ours(filename))) {
      now(`for ${String(filename)}`);
    }
    return Reflect.apply(compile, this, args);
  }
  function watchedRegister(this: unknown, ...args: unknown[]): unknown {
    now("before the program's own");
    return Reflect.apply(programRegister!, this, args);
  }

  M.runMain = watchedRunMain;
  M.prototype._compile = watchedCompile;
  if (typeof programRegister === 'function') M.register = watchedRegister;
}
