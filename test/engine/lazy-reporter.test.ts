// The reporter (report/reporter.ts and the dozen modules under it) is loaded on the first race or at
// an exit with something to write, never on the start of a run: it was 7 ms of every start on Node 24.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(__dirname, '..', '..', 'bin', 'mapsan.js');

// The program's own exit listener runs after mapsan's (registered first): what is loaded by then
// is what the whole run loaded.
const program = (racy: boolean, prelude = '') => `${prelude}
const m = new Map([['n', 0]]);
async function bump() { const v = m.get('n'); await null; m.set('n', v + 1); }
${racy ? 'Promise.all([bump(), bump()]);' : 'bump().then(bump);'}
process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((f) => /dist[\\\\/]runtime[\\\\/]report[\\\\/]/.test(f));
  console.log(JSON.stringify(loaded.map((f) => f.split(/[\\\\/]/).pop()).sort()));
});
`;

function run(racy: boolean, prelude = ''): { code: number | null; loaded: string[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mapsan-lazy-'));
  const file = join(dir, racy ? 'racy.js' : 'fixed.js');
  writeFileSync(file, program(racy, prelude));
  const env = { ...process.env, MAPSAN_CACHE: '0' };
  for (const name of ['MAPSAN_OPTIONS', 'FORCE_COLOR', 'NO_COLOR']) delete env[name];
  const r = spawnSync(process.execPath, [cli, file], { encoding: 'utf8', env });
  return { code: r.status, loaded: JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

describe('the reporter', () => {
  it('is not loaded by a run without races', () => {
    const r = run(false);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.loaded).toContain('index.js');
    for (const m of ['reporter.js', 'format-text.js', 'format-json.js', 'dedup.js', 'record.js', 'suppressions.js', 'sink.js']) expect(r.loaded).not.toContain(m);
  });

  it('is loaded by the first race, and reports it', () => {
    const r = run(true);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('WARNING: mapsan: lost update');
    expect(r.loaded).toContain('reporter.js');
    expect(r.loaded).toContain('format-text.js');
  });

  it('decides colour from the environment the program started with, not the one it made', () => {
    const r = run(true, "process.env.FORCE_COLOR = '1';");
    expect(r.stderr).toContain('WARNING: mapsan: lost update');
    expect(r.stderr).not.toContain('\u001b[');
  });
});
