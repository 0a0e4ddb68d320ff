// The "type" field of the nearest package.json, as Node reads it to decide a file's module format.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type PackageType = 'module' | 'commonjs' | 'none';

const byDir = new Map<string, PackageType>();

export function packageType(filename: string): PackageType {
  const seen: string[] = [];
  let dir = dirname(filename);
  let type: PackageType | undefined;
  for (;;) {
    type = byDir.get(dir);
    if (type !== undefined) break;
    seen.push(dir);
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      // no package.json here
    }
    if (text !== undefined) {
      try {
        const t = JSON.parse(text).type;
        type = t === 'module' ? 'module' : t === 'commonjs' ? 'commonjs' : 'none';
      } catch {
        type = 'none';
      }
      break;
    }
    const parent = dirname(dir);
    if (parent === dir || dir.endsWith('node_modules')) {
      type = 'none';
      break;
    }
    dir = parent;
  }
  for (const d of seen) byDir.set(d, type);
  return type;
}
