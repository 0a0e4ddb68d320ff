// Runs the built reporter in a child process, as the engine will inside a user's program.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, 'fixtures');
export const EMIT = join(FIXTURES, 'emit.js');
export const DIST_REPORT = resolve(__dirname, '../../dist/runtime/report/index.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a user's terminal would pass, minus anything that decides colour. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'MAPSAN_OPTIONS', 'NODE_OPTIONS']) delete env[name];
  return { ...env, ...extra };
}

export function runNode(args: string[], options: { mapsan?: string; env?: Record<string, string>; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? FIXTURES,
    encoding: 'utf8',
    env: cleanEnv({ ...(options.mapsan === undefined ? {} : { MAPSAN_OPTIONS: options.mapsan }), ...options.env }),
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function emit(scenario: string[], options: { mapsan?: string; env?: Record<string, string>; cwd?: string } = {}): Run {
  return runNode([EMIT, ...scenario], options);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mapsan-report-test-'));
}

export const warnings = (text: string) => text.split('\n').filter((l) => l.startsWith('WARNING: mapsan:'));
