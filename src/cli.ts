// mapsan [--strict] [--json FILE] [--clear-cache] [--help] [--version] [--] SCRIPT [ARGS...]
//
// Runs SCRIPT in this process, as `node [its own execArgv] --require <dist/src/register.js> SCRIPT
// ARGS` would: flags become MAPSAN_OPTIONS with ` strict=1` / ` json=<abs FILE>` appended (a later
// key wins, so flags override the variable); then register.js is loaded, `--require <register.js>`
// is appended to process.execArgv, process.argv becomes [node, <abs SCRIPT>, ...ARGS] and the entry
// starts through Node's own `Module.runMain` (CommonJS or ESM as Node decides, `require.main ===
// module`). Reports and exit status 66 come from the runtime, as under `node --require`.
//
// Why in-process and not a child `node --require register.js SCRIPT` (the first design): the child
// cost one more Node startup (50-60 ms on Node 20, 30-40 ms on Node 24) on every run; the bound is
// "a transform-cache hit adds under 100 ms to startup". What had to be rebuilt by hand:
// - workers: a Worker created without `execArgv` inherits the options Node parsed at startup, not
//   process.execArgv (pushing `--require` there reaches only child_process.fork), so the Worker
//   export is wrapped to pass `execArgv: [...execArgv, '--require', register.js]` (preloads.ts);
// - signals and exit status need nothing: the program's process is this one (no forwarding);
// - `mapsan -` (the program on stdin) still spawns a child: Node's stdin evaluation is not public.
// What still shows: a stack that reaches below the entry module (an error thrown while it loads, a
// missing SCRIPT) ends in frames of dist/src/cli.js and bin/mapsan.js instead of
// node:internal/main/run_main_module; process.argv0 is what started mapsan ('node'), not the full
// path of node; a worker created with no execArgv gets ours minus what Node refuses in a worker's
// execArgv (V8 flags such as --expose-gc, which apply to every thread anyway: preloads.ts).

import { writeSync } from 'node:fs';
import Module from 'node:module';
import { resolve } from 'node:path';
import { OptionsError, parseOptions } from '../runtime/options.js';
import { mapsanVersion, REGISTER_PATH } from './paths.js';

const USAGE = `usage: mapsan [--strict] [--json FILE] [--clear-cache] [--help] [--version] [--] SCRIPT [ARGS...]

Runs a Node.js program (.js .cjs .mjs .ts .mts .cts) with its Map operations checked for races.

  --strict        also report write-write, read-write and general stale reads (MAPSAN_OPTIONS strict=1)
  --json FILE     write the races found to FILE as {"races": [...]} at exit (MAPSAN_OPTIONS json=FILE)
  --clear-cache   delete the transform cache, print what was removed; exit unless SCRIPT is given
  --help          print this help
  --version       print mapsan's version

Environment: MAPSAN_OPTIONS (key=value pairs separated by spaces), MAPSAN_INCLUDE / MAPSAN_EXCLUDE
(comma-separated globs), MAPSAN_CACHE=0 (no transform cache), MAPSAN_CACHE_DIR (cache location).
Exit status: the program's own, 66 when races were reported, 2 on a usage or option error.
`;

interface Parsed {
  strict: boolean;
  json?: string;
  clearCache: boolean;
  help: boolean;
  version: boolean;
  script?: string;
  args: string[];
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Parsed {
  const p: Parsed = { strict: false, clearCache: false, help: false, version: false, args: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--strict') p.strict = true;
    else if (a === '--clear-cache') p.clearCache = true;
    else if (a === '--help' || a === '-h') p.help = true;
    else if (a === '--version' || a === '-v') p.version = true;
    else if (a === '--json') {
      if (i + 1 >= argv.length) throw new UsageError('mapsan: --json needs a file name');
      p.json = argv[++i];
    } else if (a.startsWith('--json=')) p.json = a.slice('--json='.length);
    else throw new UsageError(`mapsan: unknown option '${a}'`);
  }
  if (p.json === '') throw new UsageError('mapsan: --json needs a file name');
  if (i < argv.length) {
    p.script = argv[i];
    p.args = argv.slice(i + 1);
  }
  return p;
}

function err(text: string): void {
  try { writeSync(2, text); } catch { /* stderr closed */ }
}

function out(text: string): void {
  try { writeSync(1, text); } catch { /* stdout closed */ }
}

export function main(argv: string[]): void {
  let p: Parsed;
  try {
    p = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}\n${USAGE}`);
    return process.exit(2);
  }
  if (p.help) {
    out(USAGE);
    return process.exit(0);
  }
  if (p.version) {
    out(mapsanVersion() + '\n');
    return process.exit(0);
  }
  if (p.clearCache) {
    const { clearCache } = require('./cache.js') as typeof import('./cache.js');
    const cleared = clearCache();
    if (cleared.length === 0) out('mapsan: no transform cache to remove\n');
    for (const c of cleared) out(`mapsan: removed ${c.dir} (${c.files} cached file${c.files === 1 ? '' : 's'})\n`);
    if (p.script === undefined) return process.exit(0);
  }
  if (p.script === undefined) {
    err(`mapsan: no script given\n${USAGE}`);
    return process.exit(2);
  }

  let options = process.env.MAPSAN_OPTIONS ?? '';
  if (p.strict) options += ' strict=1';
  if (p.json !== undefined) {
    const file = resolve(p.json);
    if (/\s/.test(file)) {
      err(`mapsan: --json: the path must not contain whitespace (MAPSAN_OPTIONS is space-separated): '${file}'\n`);
      return process.exit(2);
    }
    options += ` json=${file}`;
  }
  options = options.trim();
  try {
    parseOptions(options);
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    err(e.message + '\n');
    return process.exit(2);
  }

  if (p.script === '-') return spawnChild(p.script, p.args, options);

  if (options === '') delete process.env.MAPSAN_OPTIONS;
  else process.env.MAPSAN_OPTIONS = options;
  // What Node does with its own argv[1] before running it (lib/internal/process/pre_execution.js).
  const main = resolve(p.script);
  process.argv.splice(1, process.argv.length - 1, main, ...p.args);
  process.execArgv.push('--require', REGISTER_PATH);
  (require('./preloads.js') as typeof import('./preloads.js')).giveWorkersThePreload(process.execArgv.slice());
  require(REGISTER_PATH);
  Module.runMain(main);
}

/** `mapsan -`: node reads the program from stdin; only a child node can do that as node does. */
function spawnChild(script: string, args: string[], options: string): void {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const { constants } = require('node:os') as typeof import('node:os');
  const env = { ...process.env };
  if (options === '') delete env.MAPSAN_OPTIONS;
  else env.MAPSAN_OPTIONS = options;
  const child = spawn(process.execPath, [...process.execArgv, '--require', REGISTER_PATH, script, ...args], {
    stdio: 'inherit',
    env,
  });

  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal: NodeJS.Signals) => {
    try { child.kill(signal); } catch { /* already gone */ }
  };
  for (const s of signals) process.on(s, forward);

  child.on('error', (e) => {
    err(`mapsan: could not start ${process.execPath}: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.removeListener(s, forward);
    if (signal) {
      // Die of the same signal so our own parent sees what the program did; a signal Node ignores
      // (SIGPIPE) falls back to the shell's convention, 128 + signal number.
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 200);
      return;
    }
    process.exit(code ?? 1);
  });
}
