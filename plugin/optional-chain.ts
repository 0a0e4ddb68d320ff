// Optional chains that contain a Map operation are lowered into conditionals before the
// operation is rewritten: `a?.b.get(k).c` → `(_o = a) == null ? void 0 : <_o.b.get(k).c>`, where
// the part in angle brackets is made of ordinary member and call nodes carrying the original
// positions, so the ordinary handlers rewrite them next. Each part is still evaluated once and
// in order, and a short-circuit still skips the rest of the chain. Chains without a Map
// operation are left as written.

import type { NodePath, types as t } from '@babel/core';
import { calleeText } from './callee-text';
import { mapCall, mapMethodOf } from './map-calls';
import type { VisitState } from './state';

type Optional = t.OptionalMemberExpression | t.OptionalCallExpression;
/** One link of the chain: the base member is included when the first link calls it. */
type Link = Optional | t.MemberExpression;

function isOptional(node: t.Node): node is Optional {
  return node.type === 'OptionalMemberExpression' || node.type === 'OptionalCallExpression';
}

function keyOf(member: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  const key = member.property;
  if (!member.computed) return key.type === 'Identifier' ? key.name : undefined;
  return key.type === 'StringLiteral' ? key.value : undefined;
}

/** TypeScript's `!` does not end a chain (`a?.b!.get(k)`); it has no run-time meaning. */
function skipNonNull(node: t.Node): t.Node {
  while (node.type === 'TSNonNullExpression' && isOptional(node.expression)) node = node.expression;
  return node;
}

function links(top: Optional): { chain: Link[]; base: t.Expression | t.Super } {
  const chain: Link[] = [];
  let cur: t.Node = top;
  while (isOptional(cur)) {
    chain.push(cur);
    cur = skipNonNull(cur.type === 'OptionalMemberExpression' ? cur.object : cur.callee);
  }
  chain.reverse();
  let base = cur as t.Expression | t.Super;
  if (base.type === 'MemberExpression' && chain[0].type === 'OptionalCallExpression') {
    chain.unshift(base);
    base = base.object;
  }
  return { chain, base };
}

function hasMapOperation(chain: Link[], path: NodePath): boolean {
  for (let i = 0; i < chain.length; i++) {
    const link = chain[i];
    if (link.type === 'OptionalCallExpression') continue;
    const called = chain[i + 1]?.type === 'OptionalCallExpression';
    if (called) {
      if (mapMethodOf(link, path) !== undefined) return true;
      const via = keyOf(link);
      if ((via === 'call' || via === 'apply') && mapMethodOf(link.object, path) !== undefined) return true;
    } else if (keyOf(link) === 'size') {
      return true;
    }
  }
  return false;
}

export function lowerOptionalChain(this: VisitState, path: NodePath<Optional>): boolean {
  const top = path.node;
  const parent = path.parent;
  if (isOptional(parent) && (path.key === 'object' || path.key === 'callee')) return false;
  if (parent.type === 'TSNonNullExpression' && isOptional(path.parentPath!.parent)) return false;
  if (parent.type === 'UnaryExpression' && parent.operator === 'delete') return false;
  const { chain, base } = links(top);
  if (!hasMapOperation(chain, path)) return false;
  const temps = new Set<string>();
  path.replaceWith(build(this, path, chain, 0, base, false, temps));
  return true;
}

function build(
  state: VisitState,
  path: NodePath,
  chain: Link[],
  i: number,
  value: t.Expression | t.Super,
  checked: boolean,
  temps: Set<string>,
): t.Expression {
  const t = state.t;
  if (i === chain.length) return value as t.Expression;
  const link = chain[i];
  if (!checked && link.type !== 'MemberExpression' && link.optional) {
    const o = state.temp(path, 'o');
    temps.add(o.name);
    return t.conditionalExpression(
      t.binaryExpression('==', t.assignmentExpression('=', o, value as t.Expression), t.nullLiteral()),
      t.unaryExpression('void', t.numericLiteral(0)),
      build(state, path, chain, i, t.identifier(o.name), true, temps),
    );
  }

  if (link.type === 'OptionalCallExpression') {
    const call = t.callExpression(value as t.Expression, link.arguments);
    call.loc = link.loc;
    return build(state, path, chain, i + 1, call, false, temps);
  }

  const next = chain[i + 1];
  if (next?.type !== 'OptionalCallExpression') {
    const member = t.memberExpression(value as t.Expression, link.property as t.Expression, link.computed);
    member.loc = link.loc;
    return build(state, path, chain, i + 1, member, false, temps);
  }

  const text = calleeText(link);
  if (!next.optional) {
    // `o.m(args)` with the receiver as `this`: an ordinary call the call handlers rewrite.
    const call = t.callExpression(t.memberExpression(value as t.Expression, link.property as t.Expression, link.computed), next.arguments);
    call.loc = next.loc;
    state.calleeTexts.set(call, text);
    return build(state, path, chain, i + 2, call, false, temps);
  }

  // `o.m?.(args)`: `m` is looked up once, tested, then called with `this = o`.
  let receiver: t.Expression;
  let first: t.Expression;
  let looked: t.Expression;
  if (value.type === 'Super') {
    receiver = t.thisExpression();
    looked = t.memberExpression(t.super(), link.property as t.Expression, link.computed);
  } else {
    if (value.type === 'ThisExpression' || (value.type === 'Identifier' && temps.has(value.name))) {
      first = value;
      receiver = t.cloneNode(value);
    } else {
      const r = state.temp(path, 'r');
      first = t.assignmentExpression('=', r, value);
      receiver = t.identifier(r.name);
    }
    looked = t.memberExpression(first, link.property as t.Expression, link.computed);
  }
  const f = state.temp(path, 'f');
  const method = mapMethodOf(link, path);
  const args = next.arguments;
  const invoke =
    method !== undefined
      ? mapCall(state, path, next, method, receiver, t.identifier(f.name), args, text)
      : state.rt('apply', [receiver, t.identifier(f.name), state.site(path, next, 'apply', text), t.arrayExpression(args as t.Expression[])]);
  return t.conditionalExpression(
    t.binaryExpression('==', t.assignmentExpression('=', f, looked), t.nullLiteral()),
    t.unaryExpression('void', t.numericLiteral(0)),
    build(state, path, chain, i + 2, state.replacing(next, invoke), false, temps),
  );
}
