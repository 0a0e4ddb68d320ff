// Stacks are captured raw (generated positions, V8's own frame text, no source-map work) because
// capture may run at every Map access (stacks=full) and enabled source maps make every `.stack`
// read slow (nodejs/node#43817). Mapping to the source the user wrote, and dropping mapsan's own
// frames, happens only for a race that is printed.
import { findSourceMap, type SourceMap } from 'node:module';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { toPath, type Position } from './paths.js';

/** Frames of mapsan's own runtime sit above every user frame; this many leaves room for both. */
const CAPTURE_LIMIT = 40;

const holder: { stack?: unknown } = {};
const rawCallSites = (_: Error, callSites: NodeJS.CallSite[]): NodeJS.CallSite[] => callSites;

/** The current stack as V8 frame lines (`fn (file:line:column)`) at generated positions. */
export function captureStack(): string | undefined {
  const ErrorCtor = Error as ErrorConstructor & { prepareStackTrace?: unknown };
  const previousPrepare = ErrorCtor.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  try {
    // Our own prepareStackTrace hands back V8's call sites, so neither Node's source-map support
    // nor a user's override (source-map-support, a test runner) formats anything here.
    ErrorCtor.prepareStackTrace = rawCallSites;
    Error.stackTraceLimit = CAPTURE_LIMIT;
    Error.captureStackTrace(holder, captureStack);
    const callSites = holder.stack as NodeJS.CallSite[];
    holder.stack = undefined;
    let out = '';
    for (let i = 0; i < callSites.length; i++) out += (i === 0 ? '' : '\n') + String(callSites[i]);
    return out;
  } catch {
    return undefined;
  } finally {
    ErrorCtor.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

export interface Frame {
  /** What V8 shows before the location: `bump`, `async bump`, `new Cache`, `Map.forEach`; may be ''. */
  name: string;
  /** Original position when the frame has one. */
  position?: Position;
  /** V8's location text when it is not a file position: `<anonymous>`, `native`, eval origins. */
  where?: string;
  /** A nameless frame that V8 marks as an await continuation (`async file:line:column`). */
  async?: boolean;
}

// `name (file:line:column)` or a bare `file:line:column`; anything else stays as text.
const WITH_NAME = /^(.*?) \((.*):(\d+):(\d+)\)$/;
const BARE = /^(async )?(.*):(\d+):(\d+)$/;
const NAME_ONLY = /^(.*?) \((.*)\)$/;
// The require hook mapsan installs; its frame under a module's top level is loader plumbing.
const PIRATES = `${sep}node_modules${sep}pirates${sep}`;

/** Parses, drops mapsan's own and Node's internal frames, maps the rest to original positions. */
export function userFrames(raw: string, ownDirs: readonly string[]): Frame[] {
  const frames: Frame[] = [];
  for (const line of raw.split('\n')) {
    const text = line.trim().replace(/^at /, '');
    if (text === '') continue;
    const frame = parseFrame(text);
    if (frame.position !== undefined) {
      const file = toPath(frame.position.file);
      if (file.startsWith('node:internal') || file.includes(PIRATES) || ownDirs.some((dir) => file.startsWith(dir))) continue;
      frame.position = original(frame.position);
    }
    frames.push(frame);
  }
  return frames;
}

function parseFrame(text: string): Frame {
  let m = WITH_NAME.exec(text);
  if (m) return { name: m[1], position: { file: m[2], line: Number(m[3]), column: Number(m[4]) } };
  m = BARE.exec(text);
  if (m) return { name: '', async: m[1] !== undefined, position: { file: m[2], line: Number(m[3]), column: Number(m[4]) } };
  m = NAME_ONLY.exec(text);
  if (m) return { name: m[1], where: m[2] };
  return { name: text };
}

// One lookup per generated file: findSourceMap parses the map on first use.
const maps = new Map<string, SourceMap | null>();

function original(p: Position): Position {
  let map = maps.get(p.file);
  if (map === undefined) {
    try {
      map = findSourceMap(p.file) ?? null;
    } catch {
      map = null;
    }
    maps.set(p.file, map);
  }
  if (map === null) return { ...p, file: toPath(p.file) };
  const entry = map.findEntry(p.line - 1, p.column - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) {
    return { ...p, file: toPath(p.file) };
  }
  return { file: sourcePath(entry.originalSource, p.file), line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

function sourcePath(source: string, generated: string): string {
  const path = toPath(source);
  return isAbsolute(path) ? path : resolve(dirname(toPath(generated)), path);
}

/** Frames in here are the sanitizer's, not the user's: the built package (`dist/`: the runtime,
 *  and the register module under a top-level module's frame) or, when tests run the sources, the
 *  runtime folder. */
export function ownDirs(reportDir: string): string[] {
  const runtimeDir = resolve(reportDir, '..');
  const packageDist = resolve(runtimeDir, '..');
  return [(packageDist.endsWith(sep + 'dist') ? packageDist : runtimeDir) + sep];
}
