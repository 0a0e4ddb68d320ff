// mapsan [--strict] [--json FILE] [--clear-cache] [--help] [--version] [--] SCRIPT [ARGS...]
//
// Runs `node [its own execArgv] --require <dist/src/register.js> SCRIPT ARGS` with stdio inherited.
// Flags reach the child as MAPSAN_OPTIONS with ` strict=1` / ` json=<abs FILE>` appended (a later
// key wins, so flags override the variable). The runtime in the child reports races and sets exit
// status 66; the CLI only exits with the child's status, or re-raises the signal that killed it.

import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { OptionsError, parseOptions } from '../runtime/options.js';
import { clearCache } from './cache.js';
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

  const env = { ...process.env };
  if (options === '') delete env.MAPSAN_OPTIONS;
  else env.MAPSAN_OPTIONS = options;
  const child = spawn(process.execPath, [...process.execArgv, '--require', REGISTER_PATH, p.script, ...p.args], {
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
