// Worker threads have their own reporter (their own site ids and activations), but one process has
// one exit status, one summary and one JSON file. Each worker leaves its races in a file of a
// per-process folder; the main thread folds them in at exit. Files, not messages: a message sent
// while a worker ends, or while the main thread exits, may never be delivered.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonRace } from './types.js';

export interface ThreadReport {
  races: JsonRace[];
  suppressed: number;
}

function folder(pid: number): string {
  return join(tmpdir(), `mapsan-${pid}`);
}

/** A folder left by an earlier process that had the same pid must not add its races to ours. */
export function clearWorkerReports(pid: number): void {
  rmSync(folder(pid), { recursive: true, force: true });
}

/** Whether any worker left races for the main thread to fold in. */
export function hasWorkerReports(pid: number): boolean {
  return existsSync(folder(pid));
}

/** Rewritten whole on each change; the rename keeps the main thread from reading half a file. */
export function publishWorkerReport(pid: number, threadId: number, report: ThreadReport): void {
  const dir = folder(pid);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `thread-${threadId}.json`);
  writeFileSync(file + '.tmp', JSON.stringify(report));
  renameSync(file + '.tmp', file);
}

export function collectWorkerReports(pid: number): ThreadReport[] {
  const dir = folder(pid);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const reports: ThreadReport[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      reports.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as ThreadReport);
    } catch {
      // A worker killed mid-write leaves only a .tmp file; a bad file here is not ours.
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return reports;
}
