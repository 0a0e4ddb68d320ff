// Engine vs oracle on a batch of programs: one spawn, one verdict per program.
import { generate, runBatch } from './codegen.js';
import { Program, programText, StepRef } from './model.js';
import { buildSegments, countLinearizations, expectedRaces, Finding, findingKey, Kind, Observed, segmentsText } from './oracle.js';

export interface Verdict {
  program: Program;
  expected: string[];
  reported: string[];
  unexplained: string[];
  observed: Observed;
  observedText: string;
  agree: boolean;
  /** Too many linearizations to enumerate with the run's iteration counts: not judged. */
  skipped: boolean;
}

/** Beyond this many linearizations (the generator estimates iterations; runs can visit more), skip. */
const HARD_CAP = 200_000;

export const ALL_KINDS: Kind[] = ['lost-update', 'stale-read', 'iteration-during-mutation'];

const sorted = (fs: Finding[]) => [...new Set(fs.map(findingKey))].sort();

export async function check(programs: Program[], kinds: Kind[] = ALL_KINDS, historySize?: number): Promise<Verdict[]> {
  const run = await runBatch(programs, { historySize });
  return programs.map((program, i) => {
    const r = run.programs[i];
    const need = <T>(m: Map<string, T>, what: string) => (ref: StepRef) => {
      const v = m.get(`${ref.body}[${ref.index}]`);
      if (v === undefined) throw new Error(`the run recorded no ${what} for step ${ref.body}[${ref.index}]`);
      return v;
    };
    const observed: Observed = {
      has: need(r.has, 'has result'),
      membership: need(r.membership, 'membership change'),
      entries: (ref) => r.entries.get(`${ref.body}[${ref.index}]`) ?? 0,
    };
    const observedText = [
      ...[...r.has].map(([k, v]) => `${k} has=${v}`),
      ...[...r.membership].map(([k, v]) => `${k} ${v ? 'changed' : 'kept'} membership`),
      ...[...r.entries].map(([k, v]) => `${k} visited ${v}`),
    ].join(', ');
    if (countLinearizations(buildSegments(program, observed)) > HARD_CAP) {
      return { program, expected: [], reported: [], unexplained: [], observed, observedText, agree: true, skipped: true };
    }
    const expected = sorted(expectedRaces(program, observed, kinds));
    const reported = sorted(r.found.filter((f) => kinds.includes(f.kind)));
    const agree = r.unexplained.length === 0 && expected.join('\n') === reported.join('\n');
    return { program, expected, reported, unexplained: r.unexplained, observed, observedText, agree, skipped: false };
  });
}

const list = (xs: string[]) => (xs.length === 0 ? '    (none)' : xs.map((x) => `    ${x}`).join('\n'));

/** What a failure prints: the program, its segments, the two verdicts and the generated code. */
export function explain(v: Verdict): string {
  return [
    'program:',
    programText(v.program),
    'segments (happens-before closed):',
    segmentsText(v.program, v.observed),
    ...(v.observedText ? [`observed in the run: ${v.observedText}`] : []),
    'oracle expects:',
    list(v.expected),
    'engine reported:',
    list(v.reported),
    ...(v.unexplained.length ? ['engine reports not mapped to a modelled pair:', list(v.unexplained)] : []),
    'generated (hand-instrumented) program:',
    generate([v.program]).source,
  ].join('\n');
}
