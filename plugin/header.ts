// The per-file header: loads the runtime once and registers the file's site table, so each
// rewritten operation passes only a small integer. Also recognises a header already present.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodePath, types as t } from '@babel/core';
import { RUNTIME } from './runtime-names';
import type { ResolvedSites } from './sites';
import type { VisitState } from './state';

/**
 * A file already instrumented declares `_msb = <runtime>.file("<file>", [sites])` near its top:
 * in the first statement as emitted, a few statements down once a module transform has added
 * its prologue and renamed the runtime's binding (`_RT.default.file(...)`).
 */
export function isInstrumented(program: t.Program): boolean {
  const body = program.body;
  for (let i = 0; i < body.length && i < 8; i++) {
    const stmt = body[i];
    if (stmt.type !== 'VariableDeclaration') continue;
    for (const d of stmt.declarations) {
      const init = d.init;
      if (
        d.id.type === 'Identifier' &&
        d.id.name.startsWith('_ms') &&
        init?.type === 'CallExpression' &&
        init.callee.type === 'MemberExpression' &&
        init.callee.property.type === 'Identifier' &&
        init.callee.property.name === RUNTIME.file &&
        init.arguments.length === 2 &&
        init.arguments[0].type === 'StringLiteral' &&
        init.arguments[1].type === 'ArrayExpression'
      ) {
        return true;
      }
    }
  }
  return false;
}

/** ES module syntax decides the header's form; a file that has none may still run as CommonJS. */
export function isModule(state: VisitState, program: t.Program, filename: string | undefined): boolean {
  if (program.sourceType === 'script') return false;
  if (state.topLevelAwait || state.importMeta) return true;
  if (filename !== undefined && /\.m[jt]s$/.test(filename)) return true;
  return program.body.some(
    (s) =>
      s.type === 'ImportDeclaration' ||
      s.type === 'ExportNamedDeclaration' ||
      s.type === 'ExportDefaultDeclaration' ||
      s.type === 'ExportAllDeclaration',
  );
}

export function insertHeader(state: VisitState, programPath: NodePath<t.Program>, runtime: string, esm: boolean, resolved: ResolvedSites): void {
  const t = state.t;
  const table = t.callExpression(t.memberExpression(t.identifier(state.ms), t.identifier(RUNTIME.file)), [
    t.stringLiteral(resolved.file),
    t.valueToNode(resolved.sites),
  ]);
  const declarators = [t.variableDeclarator(t.identifier(state.msb), table)];
  for (const [name, method] of [
    [state.callName, 'call'],
    [state.applyName, 'apply'],
  ] as const) {
    if (name === undefined) continue;
    // The original Function.prototype.call/apply, captured before the program can replace them.
    declarators.push(
      t.variableDeclarator(
        t.identifier(name),
        t.memberExpression(t.memberExpression(t.identifier('Function'), t.identifier('prototype')), t.identifier(method)),
      ),
    );
  }
  let statements: t.Statement[];
  if (esm) {
    const specifier = path.isAbsolute(runtime) && process.platform === 'win32' ? pathToFileURL(runtime).href : runtime;
    statements = [
      t.importDeclaration([t.importDefaultSpecifier(t.identifier(state.ms))], t.stringLiteral(specifier)),
      t.variableDeclaration('var', declarators),
    ];
  } else {
    const load = t.variableDeclarator(t.identifier(state.ms), t.callExpression(t.identifier('require'), [t.stringLiteral(runtime)]));
    statements = [t.variableDeclaration('var', [load, ...declarators])];
  }
  // Babel sorts top-level statements by `_blockHoist` (temporaries from scope.push carry 2):
  // the header stays first, where isInstrumented and readers of the output look for it.
  for (const statement of statements) (statement as t.Statement & { _blockHoist?: number })._blockHoist = 3;
  programPath.unshiftContainer('body', statements);
}
