// mapsan's Babel plugin (Babel 7 and 8): rewrites Map operations, async function bodies, awaits
// and returns into calls of mapsan's runtime, with one static site table per file. Loaded by
// Babel with require(): `plugins: ['mapsan/babel']` or `[require.resolve('mapsan/babel'), opts]`.

import type { ConfigAPI, NodePath, PluginObj, PluginPass, types as t } from '@babel/core';
import { insertHeader, isInstrumented, isModule } from './header';
import { inputMapOf } from './input-map';
import { resolveOptions } from './options';
import { VisitState } from './state';
import { codeVisitor } from './visitor';

interface PluginApi extends ConfigAPI {
  types: typeof t;
}

function mapsanPlugin(api: PluginApi, rawOptions: unknown): PluginObj {
  api.assertVersion('^7.22.0 || ^8.0.0');
  const options = resolveOptions(rawOptions);
  const types = api.types;
  const states = new WeakMap<object, VisitState>();

  return {
    name: 'mapsan',
    visitor: {
      Program: {
        // Everything is rewritten here, before other plugins see the program, so positions and
        // syntax are the author's. The header waits for exit: a TypeScript pass would otherwise
        // drop `import _ms` as an import with no (registered) value references.
        enter(path: NodePath<t.Program>, pass: PluginPass) {
          const opts = pass.file.opts;
          if (!options.shouldInstrument(opts.filename ?? undefined, opts.cwd ?? process.cwd())) return;
          if (isInstrumented(path.node)) return;
          const state = new VisitState(types, path, path.scope.generateUid('ms'), path.scope.generateUid('msb'));
          path.traverse(codeVisitor, state);
          state.declareTemps();
          if (state.used) states.set(pass.file, state);
        },
        exit(path: NodePath<t.Program>, pass: PluginPass) {
          const state = states.get(pass.file);
          if (!state) return;
          states.delete(pass.file);
          const filename = pass.file.opts.filename ?? undefined;
          const resolved = state.sites.resolve(filename ?? 'unknown', inputMapOf(pass, options.inputSourceMap));
          insertHeader(state, path, options.runtime, isModule(state, path.node, filename), resolved);
        },
      },
    },
  };
}

const plugin = Object.assign(mapsanPlugin, { default: mapsanPlugin });
export = plugin;
