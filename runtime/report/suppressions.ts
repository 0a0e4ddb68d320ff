// Suppression files, as ThreadSanitizer's: one `kind:pattern` per line, `#` starts a comment line.
// The pattern is a file glob or a function name; it silences a race when it matches any access.
import { readFileSync } from 'node:fs';
import { OptionsError } from '../options.js';
import type { RaceKind } from './types.js';

export const RACE_KINDS: readonly RaceKind[] = ['lost-update', 'iteration-during-mutation', 'stale-read', 'write-write', 'read-write'];
const RULE_KINDS: readonly string[] = ['race', ...RACE_KINDS];

export interface Rule {
  kind: RaceKind | 'race';
  pattern: string;
  file: RegExp;
  fn: RegExp;
}

/** What a rule is matched against: each access's site. */
export interface Subject {
  file: string;
  fn: string;
}

export function loadSuppressions(path: string): Rule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new OptionsError(`mapsan: MAPSAN_OPTIONS: suppressions: cannot read '${path}': ${why}`);
  }
  return parseSuppressions(text, path);
}

export function parseSuppressions(text: string, source: string): Rule[] {
  const rules: Rule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `mapsan: suppressions file '${source}' line ${i + 1}`;
    const colon = line.indexOf(':');
    if (colon < 0) throw new OptionsError(`${where}: expected kind:pattern, got '${line}'`);
    const kind = line.slice(0, colon).trim();
    const pattern = line.slice(colon + 1).trim();
    if (!RULE_KINDS.includes(kind)) throw new OptionsError(`${where}: unknown kind '${kind}' (known: ${RULE_KINDS.join(', ')})`);
    if (pattern === '') throw new OptionsError(`${where}: empty pattern after '${kind}:'`);
    rules.push({ kind: kind as Rule['kind'], pattern, file: fileGlob(pattern), fn: nameGlob(pattern) });
  });
  return rules;
}

export function isSuppressed(rules: readonly Rule[], kind: RaceKind, subjects: readonly Subject[]): boolean {
  return rules.some(
    (rule) => (rule.kind === 'race' || rule.kind === kind) && subjects.some((s) => rule.file.test(s.file.replace(/\\/g, '/')) || rule.fn.test(s.fn)),
  );
}

// A file glob matches whole path components at the end of the absolute path, so `src/cache.ts`,
// `*.ts` and `**/vendor/**` all work without knowing the directory the program ran from.
function fileGlob(pattern: string): RegExp {
  const body = pattern.replace(/^\.\//, '').replace(/\*\*\/|\*\*|\*|\?|[.+^${}()|[\]\\]/g, (t) => {
    if (t === '**/') return '(?:.*/)?';
    if (t === '**') return '.*';
    if (t === '*') return '[^/]*';
    if (t === '?') return '[^/]';
    return '\\' + t;
  });
  return new RegExp(`(?:^|/)${body}$`);
}

// Function names hold dots (`Cache.get`), so `*` crosses them.
function nameGlob(pattern: string): RegExp {
  const body = pattern.replace(/\*|\?|[.+^${}()|[\]\\/]/g, (t) => (t === '*' ? '.*' : t === '?' ? '.' : '\\' + t));
  return new RegExp(`^${body}$`);
}
