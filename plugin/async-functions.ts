// Activations: every async function or async generator body runs between `_ms.enter(s)` and
// `_ms.leave(t)`; each `await` and `return` tells the runtime where the activation suspends or
// hands its result on; and a call awaited directly (`await C`, `return C`, C a call possibly
// followed by `.then/.catch/.finally`) passes `...(_ms.dm())` so that the async function it
// enters joins the caller's activation.

import type { NodePath, types as t } from '@babel/core';
import type { VisitState } from './state';
import { generateUid } from './uid';

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/** Appends `...(_ms.dm())` to the innermost call of `C.then(...).catch(...)`. */
function markDirectlyAwaited(state: VisitState, expr: t.Expression): void {
  let call: t.Node = expr;
  while (call.type === 'TSNonNullExpression' || call.type === 'TSAsExpression' || call.type === 'TSSatisfiesExpression' || call.type === 'ParenthesizedExpression') {
    call = call.expression;
  }
  if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return;
  for (;;) {
    const callee: t.Node = call.callee;
    if (
      (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') &&
      !callee.computed &&
      callee.property.type === 'Identifier' &&
      PROMISE_METHODS.has(callee.property.name) &&
      (callee.object.type === 'CallExpression' || callee.object.type === 'OptionalCallExpression')
    ) {
      call = callee.object;
    } else break;
  }
  // `import(...)` takes no spread, `super(...)` never appears in an async function.
  if (!call.loc || call.callee.type === 'Import' || call.callee.type === 'Super' || state.seen.has(call)) return;
  const spread = state.t.spreadElement(state.rt('dm', []));
  state.dmSpreads.add(spread);
  call.arguments.push(spread);
}

/** `return x` in an async function → `return _ms.ret(x)`. */
function returnValue(state: VisitState, value: t.Expression): t.Expression {
  markDirectlyAwaited(state, value);
  return state.rt('ret', [value]);
}

/** Names declared with `var` in a function body, outside nested functions. */
function collectVarNames(state: VisitState, node: t.Node | null | undefined, into: Set<string>): void {
  if (!node) return;
  switch (node.type) {
    case 'VariableDeclaration':
      if (node.kind === 'var') for (const d of node.declarations) for (const name of Object.keys(state.t.getBindingIdentifiers(d.id))) into.add(name);
      return;
    case 'BlockStatement':
      for (const s of node.body) collectVarNames(state, s, into);
      return;
    case 'IfStatement':
      collectVarNames(state, node.consequent, into);
      collectVarNames(state, node.alternate, into);
      return;
    case 'ForStatement':
      collectVarNames(state, node.init, into);
      collectVarNames(state, node.body, into);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      collectVarNames(state, node.left, into);
      collectVarNames(state, node.body, into);
      return;
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      collectVarNames(state, node.body, into);
      return;
    case 'TryStatement':
      collectVarNames(state, node.block, into);
      collectVarNames(state, node.handler?.body, into);
      collectVarNames(state, node.finalizer, into);
      return;
    case 'SwitchStatement':
      for (const c of node.cases) for (const s of c.consequent) collectVarNames(state, s, into);
      return;
  }
}

/**
 * Inside the `try` block a function declaration is block-scoped, and one that shares its name
 * with a `var` or with another function declaration of the body is a SyntaxError there. Those
 * become `var g = function () {...}` at the top of the block: where and when the declaration
 * would have been initialised, still function-scoped, still named `g`.
 */
function hoistConflictingFunctions(state: VisitState, body: t.Statement[]): t.Statement[] {
  const t = state.t;
  const seen = new Map<string, number>();
  for (const s of body) if (s.type === 'FunctionDeclaration' && s.id) seen.set(s.id.name, (seen.get(s.id.name) ?? 0) + 1);
  if (seen.size === 0) return body;
  const vars = new Set<string>();
  for (const s of body) collectVarNames(state, s, vars);
  const conflicting = [...seen].filter(([name, count]) => count > 1 || vars.has(name)).map(([name]) => name);
  if (conflicting.length === 0) return body;
  const hoisted: t.Statement[] = [];
  const rest: t.Statement[] = [];
  for (const s of body) {
    if (s.type === 'FunctionDeclaration' && s.id && conflicting.includes(s.id.name)) {
      const fn = t.functionExpression(null, s.params, s.body, s.generator, s.async);
      fn.loc = s.loc;
      hoisted.push(t.variableDeclaration('var', [t.variableDeclarator(t.identifier(s.id.name), fn)]));
    } else {
      rest.push(s);
    }
  }
  return [...hoisted, ...rest];
}

export function instrumentAsyncFunction(this: VisitState, path: NodePath<t.Function>): boolean {
  const node = path.node;
  if (!node.async || !node.body) return false;
  this.seen.add(node);
  const t = this.t;
  const token = t.identifier(generateUid(path.scope, 't'));
  this.asyncTokens.set(node, token.name);
  const site = this.site(path, node, 'async', '');
  let body: t.Statement[];
  let directives: t.Directive[] = [];
  if (node.body.type === 'BlockStatement') {
    body = hoistConflictingFunctions(this, node.body.body);
    directives = node.body.directives;
  } else {
    body = [t.returnStatement(returnValue(this, node.body))];
  }
  const block = t.blockStatement(
    [
      t.variableDeclaration('const', [t.variableDeclarator(token, this.rt('enter', [site]))]),
      t.tryStatement(t.blockStatement(body), null, t.blockStatement([t.expressionStatement(this.rt('leave', [t.identifier(token.name)]))])),
    ],
    directives,
  );
  (path.get('body') as NodePath).replaceWith(block);
  return true;
}

/** `await x` → `await _ms.aw(x)`, in async functions and at the top of an ES module. */
export function rewriteAwait(this: VisitState, path: NodePath<t.AwaitExpression>): boolean {
  const node = path.node;
  this.seen.add(node);
  if (!path.getFunctionParent()) this.topLevelAwait = true;
  markDirectlyAwaited(this, node.argument);
  path.get('argument').replaceWith(this.rt('aw', [node.argument]));
  return true;
}

export function rewriteReturn(this: VisitState, path: NodePath<t.ReturnStatement>): boolean {
  const node = path.node;
  if (!node.argument) return false;
  const fn = path.getFunctionParent();
  if (!fn || !fn.node.async) return false;
  this.seen.add(node);
  path.get('argument').replaceWith(returnValue(this, node.argument));
  return true;
}

/**
 * `for await (x of v)` → `for await (x of _ms.fa(v))`: its implicit awaits are suspension points
 * like `await`, and the first one hands the segment back to the caller.
 */
export function rewriteForAwait(this: VisitState, path: NodePath<t.ForOfStatement>): boolean {
  const node = path.node;
  if (!node.await) return false;
  this.seen.add(node);
  path.get('right').replaceWith(this.rt('fa', [node.right]));
  return true;
}

/**
 * `yield v` in an async generator → `_ms.gr(_t, yield _ms.aw(v))`: the yield awaits v (a suspension
 * point), and the consumer's next `next()` resumes the body inside the consumer's segment, where
 * the body must be the generator's activation again.
 */
export function rewriteAsyncYield(this: VisitState, path: NodePath<t.YieldExpression>): boolean {
  const node = path.node;
  if (node.delegate) return false;
  const fn = path.getFunctionParent();
  const token = fn && fn.node.async && fn.node.generator ? this.asyncTokens.get(fn.node) : undefined;
  if (token === undefined) return false;
  this.seen.add(node);
  const t = this.t;
  const awaited = this.rt('aw', [node.argument ?? t.unaryExpression('void', t.numericLiteral(0))]);
  path.replaceWith(this.rt('gr', [t.identifier(token), t.yieldExpression(awaited)]));
  return true;
}
