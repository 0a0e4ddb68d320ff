// Calls of Map methods on any receiver, `.size` reads, and `Map.prototype.m.call/apply`.
// Each becomes one runtime call that receives the receiver, the method the program looked up
// (exactly once, after the receiver and before the arguments) and the arguments; the runtime
// decides at run time whether it is a Map operation at all.

import type { NodePath, types as t } from '@babel/core';
import { calleeText } from './callee-text';
import { MAP_METHOD_ARITY, type MapMethod } from './runtime-names';
import type { VisitState } from './state';

type Member = t.MemberExpression | t.OptionalMemberExpression;
type Args = t.CallExpression['arguments'];

function staticKey(member: Member): string | undefined {
  const key = member.property;
  if (!member.computed) return key.type === 'Identifier' ? key.name : undefined;
  if (key.type === 'StringLiteral') return key.value;
  return undefined;
}

/** The Map method a member expression names (`x.get`, `x['get']`, `x[Symbol.iterator]`). */
export function mapMethodOf(member: t.Node, path: NodePath): MapMethod | undefined {
  if (member.type !== 'MemberExpression' && member.type !== 'OptionalMemberExpression') return undefined;
  const name = staticKey(member);
  if (name !== undefined) {
    return name !== 'iterator' && Object.prototype.hasOwnProperty.call(MAP_METHOD_ARITY, name)
      ? (name as MapMethod)
      : undefined;
  }
  const key = member.property;
  if (
    member.computed &&
    key.type === 'MemberExpression' &&
    !key.computed &&
    key.object.type === 'Identifier' &&
    key.object.name === 'Symbol' &&
    key.property.type === 'Identifier' &&
    key.property.name === 'iterator' &&
    !path.scope.getBinding('Symbol')
  ) {
    return 'iterator';
  }
  return undefined;
}

/** `_ms.<op>(r, m, s, ...args)` when the arity matches, else `_ms.apply(r, m, s, [args])`. */
export function mapCall(
  state: VisitState,
  path: NodePath,
  site: t.Node,
  method: MapMethod,
  receiver: t.Expression,
  looked: t.Expression,
  args: Args,
  callee: string,
): t.CallExpression {
  const t = state.t;
  const exact =
    args.length === MAP_METHOD_ARITY[method] && args.every((a) => a.type !== 'SpreadElement' && a.type !== 'ArgumentPlaceholder');
  if (exact) {
    return state.rt(method, [receiver, looked, state.site(path, site, method, callee), ...(args as t.Expression[])]);
  }
  return state.rt('apply', [receiver, looked, state.site(path, site, 'apply', callee), t.arrayExpression(args as t.Expression[])]);
}

/** `x.get(k)` → `_ms.get(_r = x, _r.get, _msb + 0, k)`; `super.get(k)` → `_ms.get(this, super.get, ...)`. */
export function rewriteMapCall(this: VisitState, path: NodePath<t.CallExpression>): boolean {
  const node = path.node;
  const callee = node.callee;
  if (callee.type !== 'MemberExpression') return false;
  const method = mapMethodOf(callee, path);
  if (method === undefined) return false;
  if (node.arguments.some((a) => a.type === 'ArgumentPlaceholder')) return false;
  const t = this.t;
  const text = this.calleeTexts.get(node) ?? calleeText(callee);
  let receiver: t.Expression;
  let looked: t.Expression;
  if (callee.object.type === 'Super') {
    receiver = t.thisExpression();
    looked = t.memberExpression(t.super(), callee.property as t.Expression, callee.computed);
  } else {
    const r = this.receiver(path, callee.object);
    receiver = r.first;
    looked = t.memberExpression(r.again(), callee.property as t.Expression, callee.computed);
  }
  path.replaceWith(this.replacing(node, mapCall(this, path, node, method, receiver, looked, node.arguments, text)));
  return true;
}

/**
 * `Map.prototype.get.call(m, k)`: `F = Map.prototype.get` and `C = F.call` are looked up once;
 * when `C` is the `Function.prototype.call` captured by the header the runtime sees the Map
 * call, otherwise the program's own `C` runs (through `_ms.apply`, which calls it with `this = F`
 * and throws V8's TypeError when `C` is not callable).
 */
export function rewriteCallThrough(this: VisitState, path: NodePath<t.CallExpression>): boolean {
  const node = path.node;
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.object.type !== 'MemberExpression') return false;
  const via = staticKey(callee);
  if (via !== 'call' && via !== 'apply') return false;
  if (mapMethodOf(callee.object, path) === undefined) return false;
  if (this.programPath.scope.getBinding('Function')) return false;
  const args = node.arguments;
  if (args.some((a) => a.type === 'ArgumentPlaceholder')) return false;
  const own = args.filter((a) => !this.dmSpreads.has(a));
  const dm = args.filter((a) => this.dmSpreads.has(a)) as t.SpreadElement[];
  if (own.length > 0 && own[0].type === 'SpreadElement') return false;
  if (via === 'apply' && (own.length > 2 || own.some((a) => a.type === 'SpreadElement'))) return false;

  const t = this.t;
  const fnTemp = this.uniqueTemp(path, 'f');
  const viaTemp = this.uniqueTemp(path, 'c');
  const original = via === 'call' ? (this.callName ??= this.programPath.scope.generateUid('msc')) : (this.applyName ??= this.programPath.scope.generateUid('msa'));
  const text = this.calleeTexts.get(node) ?? calleeText(callee);
  const site = this.site(path, node, 'apply', text);
  const siteAgain = t.cloneNode(site);

  const test = t.binaryExpression(
    '===',
    t.sequenceExpression([
      t.assignmentExpression('=', fnTemp, callee.object),
      t.assignmentExpression('=', t.identifier(viaTemp.name), t.memberExpression(t.identifier(fnTemp.name), t.identifier(via))),
    ]),
    t.identifier(original),
  );
  const thisArg = (own[0] as t.Expression | undefined) ?? t.unaryExpression('void', t.numericLiteral(0));
  let mapArgs: t.Expression;
  if (via === 'call') {
    mapArgs = t.arrayExpression([...(own.slice(1) as (t.Expression | t.SpreadElement)[]), ...dm]);
  } else {
    // Function.prototype.apply takes null/undefined as "no arguments"; Reflect.apply does not.
    const list = own.length === 2 ? (own[1] as t.Expression) : t.unaryExpression('void', t.numericLiteral(0));
    const a = this.temp(path, 'a');
    const parts: t.Expression[] = [t.assignmentExpression('=', a, list), ...dm.map((s) => s.argument)];
    parts.push(t.conditionalExpression(t.binaryExpression('==', t.identifier(a.name), t.nullLiteral()), t.arrayExpression([]), t.identifier(a.name)));
    mapArgs = t.sequenceExpression(parts);
  }
  const mapBranch = this.rt('apply', [thisArg, t.identifier(fnTemp.name), site, mapArgs]);
  const ownBranch = this.rt('apply', [
    t.identifier(fnTemp.name),
    t.identifier(viaTemp.name),
    siteAgain,
    t.arrayExpression(args.map((a) => t.cloneNode(a)) as (t.Expression | t.SpreadElement)[]),
  ]);
  path.replaceWith(this.replacing(node, t.conditionalExpression(test, mapBranch, ownBranch)));
  return true;
}

/** A read of `x.size` → `_ms.size(x, s)`; writes, deletes, calls and patterns are left alone. */
export function rewriteSizeRead(this: VisitState, path: NodePath<t.MemberExpression>): boolean {
  const node = path.node;
  if (staticKey(node) !== 'size' || node.object.type === 'Super') return false;
  const parent = path.parent;
  const key = path.key;
  switch (parent.type) {
    case 'AssignmentExpression':
    case 'AssignmentPattern':
    case 'ForInStatement':
    case 'ForOfStatement':
      if (key === 'left') return false;
      break;
    case 'CallExpression':
    case 'OptionalCallExpression':
      if (key === 'callee') return false; // `x.size()` calls with `this = x`
      break;
    case 'TaggedTemplateExpression':
      if (key === 'tag') return false;
      break;
    case 'UpdateExpression':
    case 'ArrayPattern':
    case 'RestElement':
      return false;
    case 'UnaryExpression':
      if (parent.operator === 'delete') return false;
      break;
    case 'ObjectProperty':
      if (key === 'value' && path.parentPath!.parent.type === 'ObjectPattern') return false;
      break;
  }
  path.replaceWith(this.replacing(node, this.rt('size', [node.object, this.site(path, node, 'size', '')])));
  return true;
}
