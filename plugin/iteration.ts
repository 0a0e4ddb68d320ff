// Iteration consumers and Map construction. A consumer's iterable goes through `_ms.iter(v, s)`,
// which hands back `v` itself unless it is a Map, so the steps a consumer takes can be
// attributed to its site.

import type { NodePath, types as t } from '@babel/core';
import type { VisitState } from './state';

function iter(state: VisitState, path: NodePath, site: t.Node, value: t.Expression): t.CallExpression {
  return state.rt('iter', [value, state.site(path, site, 'iter', '')]);
}

/** `for (x of v)` (not `for await`, whose protocol the runtime leaves alone). */
export function wrapForOf(this: VisitState, path: NodePath<t.ForOfStatement>): boolean {
  const node = path.node;
  if (node.await) return false;
  this.seen.add(node);
  path.get('right').replaceWith(iter(this, path, node, node.right));
  return true;
}

/** `[...v]`, `f(...v)`, `new F(...v)`; object spread is not iteration. */
export function wrapSpread(this: VisitState, path: NodePath<t.SpreadElement>): boolean {
  const parent = path.parent.type;
  if (parent !== 'ArrayExpression' && parent !== 'CallExpression' && parent !== 'NewExpression' && parent !== 'OptionalCallExpression') {
    return false;
  }
  const node = path.node;
  this.seen.add(node);
  path.get('argument').replaceWith(iter(this, path, node, node.argument));
  return true;
}

/** `yield* v` */
export function wrapYieldStar(this: VisitState, path: NodePath<t.YieldExpression>): boolean {
  const node = path.node;
  if (!node.delegate || !node.argument) return false;
  this.seen.add(node);
  path.get('argument').replaceWith(iter(this, path, node, node.argument));
  return true;
}

/** `Array.from(v, ...)` with the global `Array`. */
export function wrapArrayFrom(this: VisitState, path: NodePath<t.CallExpression>): boolean {
  const node = path.node;
  const callee = node.callee;
  if (
    callee.type !== 'MemberExpression' ||
    callee.computed ||
    callee.object.type !== 'Identifier' ||
    callee.object.name !== 'Array' ||
    callee.property.type !== 'Identifier' ||
    callee.property.name !== 'from' ||
    node.arguments.length === 0 ||
    node.arguments[0].type === 'SpreadElement' ||
    node.arguments[0].type === 'ArgumentPlaceholder' ||
    path.scope.getBinding('Array')
  ) {
    return false;
  }
  this.seen.add(node);
  (path.get('arguments.0') as NodePath).replaceWith(iter(this, path, node, node.arguments[0] as t.Expression));
  return true;
}

/** `const [a, b] = v` */
export function wrapArrayPatternInit(this: VisitState, path: NodePath<t.VariableDeclarator>): boolean {
  const node = path.node;
  if (node.id.type !== 'ArrayPattern' || !node.init) return false;
  this.seen.add(node);
  path.get('init').replaceWith(iter(this, path, node, node.init));
  return true;
}

/**
 * `[a, b] = v`. The assignment's value is `v`, not what `_ms.iter` returns, so where the value
 * is used it is kept in a temporary: `(_v = v, [a, b] = _ms.iter(_v, s), _v)`.
 */
export function wrapArrayPatternAssign(this: VisitState, path: NodePath<t.AssignmentExpression>): boolean {
  const node = path.node;
  if (node.operator !== '=' || node.left.type !== 'ArrayPattern') return false;
  this.seen.add(node);
  const parent = path.parentPath!;
  const unused =
    parent.isExpressionStatement() ||
    (parent.isForStatement() && path.key !== 'test') ||
    (parent.isSequenceExpression() && parent.node.expressions[parent.node.expressions.length - 1] !== node);
  if (unused) {
    path.get('right').replaceWith(iter(this, path, node, node.right));
    return true;
  }
  const t = this.t;
  const v = this.uniqueTemp(path, 'v');
  const assign = this.replacing(node, t.assignmentExpression('=', node.left, iter(this, path, node, t.identifier(v.name))));
  path.replaceWith(t.sequenceExpression([t.assignmentExpression('=', v, node.right), assign, t.identifier(v.name)]));
  return true;
}

/** `new Map(...)` with the global `Map` → `_ms.newMap(new Map(...), s)`. */
export function wrapNewMap(this: VisitState, path: NodePath<t.NewExpression>): boolean {
  const node = path.node;
  if (node.callee.type !== 'Identifier' || node.callee.name !== 'Map' || path.scope.getBinding('Map')) return false;
  this.seen.add(node);
  path.replaceWith(this.replacing(node, this.rt('newMap', [node, this.site(path, node, 'new', '')])));
  return true;
}
