// Workers of a program that the mapsan CLI runs in its own process (cli.ts).
//
// Under `node --require register.js app.js` a `new Worker(file)` given no `execArgv` inherits the
// options Node parsed at startup, the preload among them, so every worker runs mapsan too. The CLI
// process was started without it, and those inherited options cannot be changed from JavaScript
// (process.execArgv is only a copy: pushing `--require` there reaches child_process.fork, not
// workers). So the Worker export is wrapped: a Worker given no `execArgv` gets one, this process's
// execArgv with the preload appended (what it would have inherited from the child node the CLI used
// to spawn); one given `execArgv` is left alone, as under `node --require`. The runtime's own Worker
// wrapper (runtime/threads/workers.ts) wraps this one and learns from MARK that such a worker runs
// mapsan.
//
// Node rejects in a worker's execArgv what is process-wide (V8 flags such as --expose-gc or
// --max-old-space-size=N, per-process options such as --title): ERR_WORKER_INVALID_EXEC_ARGV naming
// them. Those apply to every thread anyway, so the worker is created again without them; should
// that fail too, with the preload alone. Such a worker's process.execArgv lacks those flags.
import Module from 'node:module';

/** Read by runtime/threads/workers.ts: workers created without execArgv run mapsan. */
const MARK = Symbol.for('mapsan.workerPreload');

function invalidFlags(message: string): Set<string> {
  const at = message.indexOf(': ');
  return new Set(at < 0 ? [] : message.slice(at + 2).split(', '));
}

function without(execArgv: readonly string[], invalid: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    if (!invalid.has(execArgv[i])) {
      out.push(execArgv[i]);
      continue;
    }
    // A separate value (`--title x`): every entry of execArgv that is no option is a value.
    if (!execArgv[i].includes('=') && i + 1 < execArgv.length && !execArgv[i + 1].startsWith('-')) i++;
  }
  return out;
}

/** `execArgv` is this process's execArgv, ending with `--require <register.js>`. */
export function giveWorkersThePreload(execArgv: string[]): void {
  const preloadOnly = execArgv.slice(-2);
  // The module's exports object itself (what `require` hands everyone), not a namespace copy.
  const wt = require('node:worker_threads') as { Worker: typeof import('node:worker_threads').Worker };
  const Original = wt.Worker;
  const Preloading = new Proxy(Original, {
    construct(target, args, newTarget) {
      const options = args[1] as { execArgv?: unknown } | null | undefined;
      // null: Node's own TypeError. Given execArgv: what the program asked for, as under node --require.
      if (options === null || (options !== undefined && options.execArgv !== undefined)) {
        return Reflect.construct(target, args, newTarget) as object;
      }
      // The program's options object stays as it is (and still provides every other option,
      // inherited ones included): the worker gets a view of it with execArgv set.
      const base = options === undefined ? null : (Object(options) as object);
      const make = (argv: string[]) => {
        const opts = Object.create(base, { execArgv: { value: argv, enumerable: true, writable: true, configurable: true } });
        return Reflect.construct(target, [args[0], opts, ...args.slice(2)], newTarget) as object;
      };
      let argv = execArgv;
      for (;;) {
        try {
          return make(argv);
        } catch (e) {
          if ((e as { code?: unknown })?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || argv === preloadOnly) throw e;
          const next = without(argv, invalidFlags(String((e as Error).message)));
          argv = next.length < argv.length && next.length >= 2 ? next : preloadOnly;
        }
      }
    },
  });
  wt.Worker = Preloading;
  // `import { Worker } from 'node:worker_threads'` sees it too.
  Module.syncBuiltinESMExports();
  Object.defineProperty(globalThis, MARK, { value: true, configurable: true, enumerable: false, writable: false });
}
