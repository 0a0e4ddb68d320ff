// How a file name is shown. Text is for a person at a terminal (short, relative, clickable); JSON is
// for tools, which need a name they can open from anywhere (absolute), unless the user asked for a
// prefix to be stripped (reports compared across machines).
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Position {
  file: string;
  line: number;
  /** 1-based, like stack frames and editors. */
  column: number;
}

export class Paths {
  private readonly under: string;

  constructor(
    private readonly cwd: string,
    private readonly stripPrefix: string,
  ) {
    this.under = cwd.endsWith(sep) ? cwd : cwd + sep;
  }

  forJson(file: string): string {
    const path = toPath(file);
    return this.stripPrefix !== '' && path.startsWith(this.stripPrefix) ? path.slice(this.stripPrefix.length) : path;
  }

  forText(file: string): string {
    const path = this.forJson(file);
    if (!isAbsolute(path) || !path.startsWith(this.under)) return path;
    return relative(this.cwd, path);
  }

  json(p: Position): string {
    return `${this.forJson(p.file)}:${p.line}:${p.column}`;
  }

  text(p: Position): string {
    return `${this.forText(p.file)}:${p.line}:${p.column}`;
  }
}

/** ES modules name themselves by URL; people and editors want paths. */
export function toPath(file: string): string {
  if (!file.startsWith('file://')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}
