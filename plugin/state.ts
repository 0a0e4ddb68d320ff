// All mutable state of one file's instrumentation, passed as `this` to every visitor handler
// (istanbul's VisitState). Handlers stay small because building runtime calls, sites and
// temporaries happens here.

import type { NodePath, types as t } from '@babel/core';
import { ANONYMOUS, TOP, functionName } from './function-name';
import { RUNTIME, type RuntimeCall, type SiteOp } from './runtime-names';
import { SiteTable } from './sites';
import { generateUid } from './uid';

export type BabelTypes = typeof t;
type Scope = NodePath['scope'];

export class VisitState {
  readonly sites = new SiteTable();
  /** Nodes already handled; Babel revisits replaced subtrees, so handlers must not run twice. */
  readonly seen = new WeakSet<t.Node>();
  /** Callee text of calls rebuilt from optional chains, whose callee now reads temporaries. */
  readonly calleeTexts = new WeakMap<t.Node, string>();
  /** `...(_ms.dm())` spreads this plugin appended; `.apply(r, a)` rewrites look through them. */
  readonly dmSpreads = new WeakSet<t.Node>();
  /** The activation token variable of each instrumented async function. */
  readonly asyncTokens = new WeakMap<t.Node, string>();
  /** True once any runtime call is emitted: only then does the file get a header. */
  used = false;
  topLevelAwait = false;
  importMeta = false;
  /** A `with` statement makes reading a bound identifier twice observable. */
  sawWith = false;
  /** Names of the header's captures of `Function.prototype.call`/`apply`, when needed. */
  callName: string | undefined;
  applyName: string | undefined;

  private readonly temps = new WeakMap<t.Node, Map<string, string>>();
  private readonly names = new WeakMap<t.Node, string>();
  /** Temporaries made but not declared yet, per function (or program) block, in order made. */
  private readonly undeclared = new Map<t.Node, { scope: Scope; names: string[] }>();
  private readonly tempNames = new Set<string>();

  constructor(
    readonly t: BabelTypes,
    readonly programPath: NodePath<t.Program>,
    /** Unique names of the runtime object and the file's first site id. */
    readonly ms: string,
    readonly msb: string,
  ) {}

  /** `_ms.<name>(...args)` */
  rt(name: RuntimeCall, args: (t.Expression | t.SpreadElement)[]): t.CallExpression {
    const t = this.t;
    this.used = true;
    return t.callExpression(t.memberExpression(t.identifier(this.ms), t.identifier(RUNTIME[name])), args);
  }

  /** Registers a site at `node`'s position and returns its id expression, `_msb + N`. */
  site(path: NodePath, node: t.Node, op: SiteOp, callee: string): t.Expression {
    const t = this.t;
    const start = node.loc!.start;
    const index = this.sites.add(start.line, start.column, op, callee, this.enclosingName(path));
    return t.binaryExpression('+', t.identifier(this.msb), t.numericLiteral(index));
  }

  /** Name of the function a site belongs to: the function itself for its own `async` site. */
  enclosingName(path: NodePath): string {
    const fn = path.isFunction() ? path : path.getFunctionParent();
    if (!fn) return TOP;
    let name = this.names.get(fn.node);
    if (name === undefined) {
      name = functionName(fn) || ANONYMOUS;
      this.names.set(fn.node, name);
    }
    return name;
  }

  /**
   * A temporary shared by every rewrite of one role in the nearest function (or program). Only
   * safe where no code of the same frame runs between its write and its last read, which is
   * how the rewrites use it (`_ms.get(_r = x, _r.get, ...)`).
   */
  temp(path: NodePath, role: string): t.Identifier {
    const scope = path.scope.getFunctionParent() ?? path.scope.getProgramParent();
    let byRole = this.temps.get(scope.block);
    if (!byRole) this.temps.set(scope.block, (byRole = new Map()));
    let name = byRole.get(role);
    if (name === undefined) {
      name = this.declareLater(scope, generateUid(scope, role));
      byRole.set(role, name);
    }
    return this.t.identifier(name);
  }

  /** A temporary of its own, for values that must survive the evaluation of program code. */
  uniqueTemp(path: NodePath, hint: string): t.Identifier {
    const scope = path.scope.getFunctionParent() ?? path.scope.getProgramParent();
    return this.t.identifier(this.declareLater(scope, generateUid(scope, hint)));
  }

  private declareLater(scope: Scope, name: string): string {
    let entry = this.undeclared.get(scope.block);
    if (!entry) this.undeclared.set(scope.block, (entry = { scope, names: [] }));
    entry.names.push(name);
    this.tempNames.add(name);
    return name;
  }

  /**
   * Declares the temporaries after the visit, in the `var` that `scope.push` makes (or an IIFE's
   * parameters), in the order they were made: the code `scope.push` per temporary gave. One push
   * per scope, then one registration of the whole declaration: on Babel 7 every push builds a
   * path for each declarator already there, so n temporaries in one scope cost n² paths.
   */
  declareTemps(): void {
    const t = this.t;
    for (const { scope, names } of this.undeclared.values()) {
      scope.push({ id: t.identifier(names[0]) });
      if (names.length === 1) continue;
      const first = scope.getBinding(names[0]);
      const declaration = first?.path.parentPath;
      if (!first || !first.path.isVariableDeclarator() || !declaration?.isVariableDeclaration()) {
        for (const name of names.slice(1)) scope.push({ id: t.identifier(name) });
        continue;
      }
      declaration.node.declarations.push(...names.slice(1).map((name) => t.variableDeclarator(t.identifier(name))));
      first.scope.registerBinding('var', declaration);
    }
    this.undeclared.clear();
  }

  /**
   * The receiver as an expression that may be evaluated again at once with the same value:
   * `this`, or a local variable (unless a `with` could intercept it); otherwise `_r = x` with
   * `_r` read afterwards.
   */
  receiver(path: NodePath, object: t.Expression): { first: t.Expression; again: () => t.Expression } {
    const t = this.t;
    if (object.type === 'ThisExpression') return { first: object, again: () => t.thisExpression() };
    if (object.type === 'Identifier' && !this.sawWith) {
      // An import may compile to a property read (`_dep.m`); a local variable reads the same twice.
      // Temporaries are declared after the visit (declareTemps) but are local variables already.
      const binding = path.scope.getBinding(object.name);
      if (this.tempNames.has(object.name) || (binding && binding.kind !== 'module')) {
        return { first: object, again: () => t.identifier(object.name) };
      }
    }
    const r = this.temp(path, 'r');
    return { first: t.assignmentExpression('=', r, object), again: () => t.identifier(r.name) };
  }

  /** Gives a generated node the original's position and keeps handlers off it. */
  replacing<N extends t.Node>(original: t.Node, generated: N): N {
    generated.loc = original.loc;
    this.seen.add(generated);
    return generated;
  }
}
