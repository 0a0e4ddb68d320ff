// Transform cache on disk, keyed by content (as nyc's caching-transform), never by mtime.
//
// Layout: one JSON file per transformed (file, source, options) triple,
//   <dir>/<sha256 hex>.json   {"v":1,"code":"...","sourceType":"script"|"module"}
// where <dir> is, in order: $MAPSAN_CACHE_DIR; <cwd>/node_modules/.cache/mapsan when <cwd>/node_modules
// exists and is writable; else <os.tmpdir()>/mapsan-cache. The code carries its inline source map.
// Entries are written to a temporary name and renamed, so concurrent processes and threads never
// read half a file. Every read or write failure is a miss: the cache is only ever an optimisation.
//
// Env: MAPSAN_CACHE=0 disables it; MAPSAN_DEBUG=cache prints one line per lookup to stderr
// (`mapsan: cache hit|miss <file>`), which the tests use to count hits.

import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { debugLine } from './debug.js';

export interface CacheEntry {
  code: string;
  sourceType: 'script' | 'module';
}

const FORMAT_VERSION = 1;

export function cacheEnabled(): boolean {
  const v = process.env.MAPSAN_CACHE;
  return !(v === '0' || v === 'false');
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Where the cache lives for a process started in `cwd` (the directory may not exist yet). */
export function cacheDir(cwd: string = process.cwd()): string {
  if (process.env.MAPSAN_CACHE_DIR) return process.env.MAPSAN_CACHE_DIR;
  const nodeModules = join(cwd, 'node_modules');
  if (writable(nodeModules)) return join(nodeModules, '.cache', 'mapsan');
  return join(tmpdir(), 'mapsan-cache');
}

/** Every directory a cache may have been written to from `cwd`: what `--clear-cache` removes. */
export function cacheDirCandidates(cwd: string = process.cwd()): string[] {
  const dirs = [join(cwd, 'node_modules', '.cache', 'mapsan'), join(tmpdir(), 'mapsan-cache')];
  if (process.env.MAPSAN_CACHE_DIR) dirs.unshift(process.env.MAPSAN_CACHE_DIR);
  return [...new Set(dirs)];
}

export function cacheKey(salt: string, filename: string, optionsJson: string, source: string): string {
  return createHash('sha256')
    .update(salt).update('\0')
    .update(filename).update('\0')
    .update(optionsJson).update('\0')
    .update(source)
    .digest('hex');
}

function debug(what: string, filename: string): void {
  debugLine('cache', `cache ${what} ${filename}`);
}

let dir: string | undefined;
function currentDir(): string {
  // Fixed per thread on first use, so a program that calls process.chdir() keeps one cache.
  return (dir ??= cacheDir());
}

export function readCache(key: string, filename: string): CacheEntry | undefined {
  try {
    const doc = JSON.parse(readFileSync(join(currentDir(), key + '.json'), 'utf8'));
    if (doc && doc.v === FORMAT_VERSION && typeof doc.code === 'string') {
      debug('hit', filename);
      return { code: doc.code, sourceType: doc.sourceType === 'module' ? 'module' : 'script' };
    }
  } catch {
    // missing or unreadable: a miss
  }
  debug('miss', filename);
  return undefined;
}

let made = false;
export function writeCache(key: string, entry: CacheEntry): void {
  const d = currentDir();
  const file = join(d, key + '.json');
  const tmp = `${file}.${process.pid}.${threadId}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    if (!made) {
      mkdirSync(d, { recursive: true });
      made = true;
    }
    writeFileSync(tmp, JSON.stringify({ v: FORMAT_VERSION, code: entry.code, sourceType: entry.sourceType }));
    renameSync(tmp, file);
  } catch {
    try { unlinkSync(tmp); } catch { /* never written */ }
  }
}

export interface Cleared {
  dir: string;
  files: number;
}

/** Deletes every cache directory for `cwd`; returns the ones that existed. */
export function clearCache(cwd: string = process.cwd()): Cleared[] {
  const out: Cleared[] = [];
  for (const d of cacheDirCandidates(cwd)) {
    if (!existsSync(d)) continue;
    let files = 0;
    try { files = readdirSync(d).length; } catch { /* not a directory */ }
    rmSync(d, { recursive: true, force: true });
    out.push({ dir: d, files });
  }
  return out;
}
