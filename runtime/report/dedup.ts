// One report per bug: a race is identified by its kind and the sites of its accesses, in story
// order. Seeing it again (another key, another request) only counts. The identity is built from
// the small site ids so that a repeat costs one string and one Map lookup.
import type { RaceRecord } from './record.js';
import type { RaceFinding } from './types.js';

interface Entry {
  record: RaceRecord;
  suppressed: boolean;
  count: number;
}

export class RaceRegistry {
  private readonly entries = new Map<string, Entry>();
  private reportedCount = 0;

  static identity(finding: RaceFinding): string {
    let id: string = finding.kind;
    for (const access of finding.accesses) id += ',' + access.site;
    return id;
  }

  /** Counts a repeat; false when this race has not been seen yet. */
  countRepeat(identity: string): boolean {
    const entry = this.entries.get(identity);
    if (entry === undefined) return false;
    entry.count++;
    return true;
  }

  add(identity: string, record: RaceRecord, suppressed: boolean): void {
    this.entries.set(identity, { record, suppressed, count: 1 });
    if (!suppressed) this.reportedCount++;
  }

  /** Distinct races reported (not suppressed). */
  get reported(): number {
    return this.reportedCount;
  }

  /** Occurrences of suppressed races, repeats included. */
  get suppressed(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.suppressed) n += entry.count;
    return n;
  }

  /** Reported races in the order they were first seen, with their counts. */
  *races(): IterableIterator<{ record: RaceRecord; count: number }> {
    for (const entry of this.entries.values()) if (!entry.suppressed) yield entry;
  }
}
