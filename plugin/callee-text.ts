// The callee as V8 prints it in "... is not a function" (its CallPrinter, src/ast/prettyprinter.cc),
// so a call the runtime makes on the program's behalf fails with the message the program would
// have produced. Only the shapes met in practice are printed exactly; anything else becomes
// V8's "(intermediate value)".

import type { types as t } from '@babel/core';

const INTERMEDIATE = '(intermediate value)';

/** `inChain`: the node is part of the callee's own optional chain, so `?.` prints as written. */
export function calleeText(node: t.Node, inChain = true): string {
  switch (node.type) {
    case 'Identifier':
      return node.name;
    case 'ThisExpression':
      return 'this';
    case 'Super':
      return INTERMEDIATE;
    case 'StringLiteral':
      return `"${node.value}"`;
    case 'NumericLiteral':
      return String(node.value);
    case 'BooleanLiteral':
      return String(node.value);
    case 'NullLiteral':
      return 'null';
    case 'RegExpLiteral':
      return `/${node.pattern}/${node.flags}`;
    case 'TemplateLiteral':
      return node.expressions.length === 0 ? `"${node.quasis[0].value.cooked ?? ''}"` : INTERMEDIATE;
    case 'PrivateName':
      return `#${node.id.name}`;
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      if (node.type === 'OptionalMemberExpression' && !inChain) return INTERMEDIATE;
      const object = calleeText(node.object, node.type === 'OptionalMemberExpression');
      const dot = node.type === 'OptionalMemberExpression' && node.optional ? '?.' : '.';
      const key = node.property;
      if (!node.computed && key.type === 'Identifier') return `${object}${dot}${key.name}`;
      if (key.type === 'PrivateName') return `${object}[#${key.id.name}]`;
      if (key.type === 'StringLiteral') return `${object}${dot}${key.value}`;
      if (key.type === 'TemplateLiteral' && key.expressions.length === 0) {
        return `${object}${dot}${key.quasis[0].value.cooked ?? ''}`;
      }
      return `${object}${dot === '?.' ? '?.' : ''}[${calleeText(key, false)}]`;
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
      if (node.type === 'OptionalCallExpression' && !inChain) return INTERMEDIATE;
      return `${calleeText(node.callee, node.type === 'OptionalCallExpression')}(...)`;
    case 'ArrayExpression':
      return `[${node.elements.map((e) => (e === null ? '' : calleeText(e, false))).join(',')}]`;
    case 'ObjectExpression':
      return node.properties.length === 0 ? '{}' : `{${INTERMEDIATE}}`;
    case 'ConditionalExpression':
      return INTERMEDIATE.repeat(3);
    case 'AssignmentExpression':
      return calleeText(node.left, false);
    case 'SequenceExpression':
      return `(${node.expressions.map((e) => calleeText(e, false)).join(' , ')})`;
    case 'UnaryExpression': {
      const arg = node.argument;
      if (node.operator === '-' && arg.type === 'NumericLiteral') return `-${arg.value}`;
      const space = node.operator === 'typeof' || node.operator === 'void' || node.operator === 'delete' ? ' ' : '';
      return `(${node.operator}${space}${calleeText(arg, false)})`;
    }
    case 'UpdateExpression':
      return node.prefix
        ? `(${node.operator}${calleeText(node.argument, false)})`
        : `(${calleeText(node.argument, false)}${node.operator})`;
    case 'BinaryExpression':
    case 'LogicalExpression': {
      if (node.left.type === 'PrivateName') return INTERMEDIATE;
      if (node.operator === '!==' || node.operator === '!=') {
        const eq = node.operator === '!==' ? '===' : '==';
        return `(!(${calleeText(node.left, false)} ${eq} ${calleeText(node.right, false)}))`;
      }
      return `(${naryOperands(node, node.operator).join(` ${node.operator} `)})`;
    }
    case 'ParenthesizedExpression':
    case 'TSNonNullExpression':
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
      return calleeText(node.expression, inChain);
    default:
      return INTERMEDIATE;
  }
}

/** V8 folds `a + b + c` (one operator, left-nested, unparenthesized) into one n-ary node. */
function naryOperands(node: t.BinaryExpression | t.LogicalExpression, operator: string): string[] {
  const left = node.left;
  const nested =
    (left.type === 'BinaryExpression' || left.type === 'LogicalExpression') &&
    left.operator === operator &&
    !(left.extra && left.extra.parenthesized);
  const head = nested ? naryOperands(left, operator) : [calleeText(left, false)];
  return [...head, calleeText(node.right, false)];
}
