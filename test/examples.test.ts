// The programs in examples/ (the README's first command runs one): each racy one is reported with
// the kind it shows, each fixed one runs clean, and the program prints what it prints without mapsan.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');

const EXAMPLES: [file: string, kinds: string[]][] = [
  ['lost-update.js', ['lost-update']],
  ['lost-update-fixed.js', []],
  ['iteration-during-delete.js', ['iteration-during-mutation']],
  ['check-then-use.js', ['stale-read']],
];

describe('examples/', () => {
  it.each(EXAMPLES)('%s', (name, kinds) => {
    const file = join(root, 'examples', name);
    const json = join(mkdtempSync(join(tmpdir(), 'mapsan-example-')), 'report.json');
    const plain = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    const run = spawnSync(process.execPath, [join(root, 'bin', 'mapsan.js'), '--json', json, file], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.stdout).toBe(plain.stdout);
    expect(run.status).toBe(kinds.length > 0 ? 66 : 0);
    const races = JSON.parse(readFileSync(json, 'utf8')).races as { kind: string }[];
    expect(races.map((r) => r.kind)).toEqual(kinds);
    if (kinds.length > 0) expect(run.stderr).toContain(`WARNING: mapsan: ${kinds[0].replaceAll('-', ' ')}`);
  });
});
