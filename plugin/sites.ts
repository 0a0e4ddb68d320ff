// The per-file site table. Positions are taken from the AST while visiting and moved to the
// original source at the end, through the input source map when there is one, so the runtime
// never resolves maps on its hot path.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { SiteOp } from './runtime-names';

export type SiteTuple = [line: number, column: number, op: SiteOp, calleeText: string, functionName: string];

export interface ResolvedSites {
  file: string;
  sites: SiteTuple[];
}

export class SiteTable {
  private readonly tuples: SiteTuple[] = [];

  get size(): number {
    return this.tuples.length;
  }

  /** Adds a site at a generated position; returns its index in the file's table. */
  add(line: number, column: number, op: SiteOp, calleeText: string, functionName: string): number {
    return this.tuples.push([line, column, op, calleeText, functionName]) - 1;
  }

  /**
   * Moves every site to original coordinates. A file maps to one original source; when an input
   * map mixes several (a bundle), the source holding most sites names the file.
   */
  resolve(filename: string, inputMap: object | undefined): ResolvedSites {
    if (inputMap === undefined) return { file: filename, sites: this.tuples };
    let map: TraceMap;
    try {
      map = new TraceMap(inputMap as ConstructorParameters<typeof TraceMap>[0], filename);
    } catch {
      return { file: filename, sites: this.tuples };
    }
    const votes = new Map<string, number>();
    const sites = this.tuples.map((tuple): SiteTuple => {
      const needle = { line: tuple[0], column: tuple[1] };
      let pos = originalPositionFor(map, { ...needle, bias: GREATEST_LOWER_BOUND });
      if (pos.source === null) pos = originalPositionFor(map, { ...needle, bias: LEAST_UPPER_BOUND });
      if (pos.source === null) return tuple;
      const source = sourcePath(pos.source, filename);
      votes.set(source, (votes.get(source) ?? 0) + 1);
      return [pos.line, pos.column, tuple[2], tuple[3], tuple[4]];
    });
    let file = filename;
    let best = 0;
    for (const [source, count] of votes) {
      if (count > best) [file, best] = [source, count];
    }
    return { file, sites };
  }
}

function sourcePath(source: string, filename: string): string {
  if (source.startsWith('file:')) return fileURLToPath(source);
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)) return source; // webpack://, etc.
  return path.resolve(path.dirname(filename), source);
}
