// Where mapsan's own files are, computed from this file's location (dist/src/paths.js).
import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** The mapsan package root (the folder holding package.json, bin/ and dist/). */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
/** dist/ of this install: compiled plugin, runtime and entry points; never instrumented. */
export const DIST_DIR = join(PACKAGE_ROOT, 'dist') + sep;
export const BIN_DIR = join(PACKAGE_ROOT, 'bin') + sep;
export const REGISTER_PATH = join(__dirname, 'register.js');
export const ESM_HOOKS_PATH = join(__dirname, 'esm-hooks.mjs');
export const RUNTIME_PATH = join(PACKAGE_ROOT, 'dist', 'runtime', 'index.js');
export const PLUGIN_DIR = join(PACKAGE_ROOT, 'dist', 'plugin');

/**
 * The Babel plugin. `MAPSAN_PLUGIN` (an absolute path) replaces it: for mapsan's own tests and
 * for debugging a plugin build; not a user option.
 */
export function pluginPath(): string {
  return process.env.MAPSAN_PLUGIN || join(PLUGIN_DIR, 'index.js');
}

let version: string | undefined;
export function mapsanVersion(): string {
  if (version === undefined) {
    version = String(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version);
  }
  return version;
}

/** True for files that belong to this mapsan install (compiled code, the bin script). */
export function isOwnFile(filename: string): boolean {
  return filename.startsWith(DIST_DIR) || filename.startsWith(BIN_DIR);
}
