// A small glob matcher for include/exclude. Node 20 has `path.matchesGlob`, but it prints an
// ExperimentalWarning into the user's program; this covers what test-exclude users write:
// `*`, `**`, `?`, `[...]`, `{a,b}`. A pattern also matches everything below a directory it names,
// so `exclude: ['generated']` works without `/**`.

/** Compiles globs into one predicate over '/'-separated paths. */
export function compileGlobs(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  const sources = patterns.flatMap(expandBraces).map((p) => globToRegExpSource(p.replace(/^\.\//, '')));
  const re = new RegExp(`^(?:${sources.join('|')})(?:/.*)?$`);
  return (path) => re.test(path);
}

function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && --depth === 0) {
      if (commas.length === 0) break; // `{a}` is literal, as in bash
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const bounds = [open, ...commas, i];
      const out: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        for (const alt of expandBraces(head + pattern.slice(bounds[k] + 1, bounds[k + 1]) + tail)) out.push(alt);
      }
      return out;
    }
  }
  return [pattern];
}

function findUnescaped(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function globToRegExpSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (i + 2 === glob.length) out += '.*';
          else {
            out += '(?:.*/)?';
            i += 2; // the '/' after '**' is part of the optional group
            continue;
          }
          i += 1;
          continue;
        }
        i += 1; // `a**b` behaves as `a*b`
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body[0] === '!') body = '^' + body.slice(1);
        out += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[++i]);
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
