// Static sites registered by each instrumented file's header. Ids are small integers so the hot
// path passes numbers, never strings; everything else is looked up only when a report is built.

export interface Site {
  file: string;
  line: number;
  column: number;
  op: string;
  callee: string;
  fn: string;
}

type SiteTuple = [line: number, column: number, op: string, callee: string, fn: string];

const files: string[] = [];
const tuples: SiteTuple[] = [];
const fileOf: number[] = [];

/** Registers a file's site table; returns the id of its first site. */
export function registerFile(file: string, sites: SiteTuple[]): number {
  const base = tuples.length;
  const fileIndex = files.push(file) - 1;
  for (const s of sites) {
    tuples.push(s);
    fileOf.push(fileIndex);
  }
  return base;
}

const UNKNOWN: Site = { file: '<unknown>', line: 0, column: 0, op: '?', callee: '', fn: '<unknown>' };

export function siteOf(id: number): Site {
  const t = tuples[id];
  if (t === undefined) return UNKNOWN;
  return { file: files[fileOf[id]], line: t[0], column: t[1], op: t[2], callee: t[3], fn: t[4] };
}

/** The callee text for a TypeError message identical to V8's (`x.get is not a function`). */
export function calleeText(id: number): string {
  const t = tuples[id];
  return t === undefined ? 'expression' : t[3];
}
