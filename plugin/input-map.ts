// The input source map of a file: the plugin option, else what Babel loaded, else a
// `sourceMappingURL` comment in the code. Babel 8 loads maps only when `sourceMaps` is on, and
// sites must point into the original source whether or not the caller wants an output map.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as convert from 'convert-source-map';
import type { PluginPass } from '@babel/core';

interface LoadedMap {
  toObject?(): object;
  sourcemap?: object;
}

export function inputMapOf(pass: PluginPass, fromOptions: object | undefined): object | undefined {
  if (fromOptions !== undefined) return fromOptions;
  const file = pass.file as unknown as { inputMap?: LoadedMap | null; code: string; opts: { filename?: string | null; inputSourceMap?: unknown } };
  const loaded = file.inputMap;
  if (loaded) return typeof loaded.toObject === 'function' ? loaded.toObject() : loaded.sourcemap;
  if (file.opts.inputSourceMap === false || typeof file.code !== 'string' || !file.code.includes('sourceMappingURL=')) return undefined;
  try {
    const inline = convert.fromSource(file.code);
    if (inline) return inline.toObject();
    const filename = file.opts.filename;
    if (!filename) return undefined;
    const external = convert.fromMapFileSource(file.code, (name: string) => fs.readFileSync(path.resolve(path.dirname(filename), name), 'utf8'));
    return external ? external.toObject() : undefined;
  } catch {
    return undefined; // an unreadable map only costs original positions
  }
}
