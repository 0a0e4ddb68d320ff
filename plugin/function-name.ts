// The name V8 would give a function (its `.name` inference), used for the site table's
// functionName column: `<top>` outside functions, `<anonymous>` when nothing names it.

import type { NodePath, types as t } from '@babel/core';

export const TOP = '<top>';
export const ANONYMOUS = '<anonymous>';

function keyName(key: t.Node, computed: boolean): string | undefined {
  if (key.type === 'PrivateName') return `#${key.id.name}`;
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'StringLiteral') return key.value;
  if (key.type === 'NumericLiteral') return String(key.value);
  return undefined;
}

export function functionName(path: NodePath<t.Function>): string {
  const node = path.node;
  if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.id) return node.id.name;
  if (node.type === 'ObjectMethod' || node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod') {
    return keyName(node.key, node.computed ?? false) ?? ANONYMOUS;
  }
  const parent = path.parent;
  switch (parent.type) {
    case 'VariableDeclarator':
      return parent.id.type === 'Identifier' ? parent.id.name : ANONYMOUS;
    case 'AssignmentExpression':
    case 'AssignmentPattern':
      return parent.left.type === 'Identifier' ? parent.left.name : ANONYMOUS;
    case 'ObjectProperty':
    case 'ClassProperty':
    case 'ClassPrivateProperty':
      return (parent.value === node && keyName(parent.key, 'computed' in parent && parent.computed === true)) || ANONYMOUS;
    case 'ExportDefaultDeclaration':
      return 'default';
    default:
      return ANONYMOUS;
  }
}
