// The visitor: a flat table from node type to small named handlers (istanbul's codeVisitor).
// It runs once per file, as a nested traversal from Program, before any other plugin has
// changed the code; `entries` adds what every handler needs.

import type { NodePath, Visitor, types as t } from '@babel/core';
import { instrumentAsyncFunction, rewriteAsyncYield, rewriteAwait, rewriteForAwait, rewriteReturn } from './async-functions';
import { wrapArrayFrom, wrapArrayPatternAssign, wrapArrayPatternInit, wrapForOf, wrapNewMap, wrapSpread, wrapYieldStar } from './iteration';
import { rewriteCallThrough, rewriteMapCall, rewriteSizeRead } from './map-calls';
import { lowerOptionalChain } from './optional-chain';
import type { VisitState } from './state';

/** Returns true when it replaced or consumed the node: later handlers for the node are skipped. */
type Handler<N extends t.Node> = (this: VisitState, path: NodePath<N>) => boolean;

/**
 * Nodes without a position were made by another plugin or by this one and are never rewritten;
 * nodes already handled are skipped when Babel visits a replaced subtree again.
 */
function entries<N extends t.Node>(...handlers: Handler<N>[]) {
  return function enter(this: VisitState, path: NodePath<N>): void {
    const node = path.node;
    if (!node.loc || this.seen.has(node)) return;
    for (const handler of handlers) {
      if (handler.call(this, path)) return;
    }
  };
}

function noteWith(this: VisitState): boolean {
  this.sawWith = true;
  return true;
}

function noteImportMeta(this: VisitState, path: NodePath<t.MetaProperty>): boolean {
  if (path.node.meta.name === 'import') this.importMeta = true;
  return true;
}

export const codeVisitor: Visitor<VisitState> = {
  CallExpression: entries<t.CallExpression>(rewriteMapCall, rewriteCallThrough, wrapArrayFrom),
  OptionalCallExpression: entries<t.OptionalCallExpression>(lowerOptionalChain),
  OptionalMemberExpression: entries<t.OptionalMemberExpression>(lowerOptionalChain),
  MemberExpression: entries<t.MemberExpression>(rewriteSizeRead),
  NewExpression: entries<t.NewExpression>(wrapNewMap),
  ForOfStatement: entries<t.ForOfStatement>(rewriteForAwait, wrapForOf),
  SpreadElement: entries<t.SpreadElement>(wrapSpread),
  YieldExpression: entries<t.YieldExpression>(rewriteAsyncYield, wrapYieldStar),
  VariableDeclarator: entries<t.VariableDeclarator>(wrapArrayPatternInit),
  AssignmentExpression: entries<t.AssignmentExpression>(wrapArrayPatternAssign),
  Function: entries<t.Function>(instrumentAsyncFunction),
  AwaitExpression: entries<t.AwaitExpression>(rewriteAwait),
  ReturnStatement: entries<t.ReturnStatement>(rewriteReturn),
  WithStatement: entries<t.WithStatement>(noteWith),
  MetaProperty: entries<t.MetaProperty>(noteImportMeta),
};
