// Unique names for temporaries, the same names `scope.generateUid` gives, in constant time.
//
// Babel 7's generateUid tries `_r`, `_r2`, `_r3`, ... from the start on every call, and every
// name it hands out stays taken for the whole file (it is added to the program's references).
// One temporary per function then costs a walk over every earlier one: on a file with a thousand
// async functions that quadratic walk was a third of the plugin's time. Babel 8 remembers, per
// name, where the taken run ends; this does the same on Babel 7, so both give identical names.

import type { NodePath } from '@babel/core';

type Scope = NodePath['scope'];

/** Babel 7's program scope: a name is taken for good once it is in `references`. */
interface Babel7Program {
  references: Record<string, boolean>;
  uids: Record<string, boolean>;
}

/** Where the run of taken candidates of each name ends, per program `references` object. */
const starts = new WeakMap<object, Map<string, number>>();

/** Babel's candidate order: `_r`, `_r2` ... `_r9`, `_r0`, `_r1`, `_r10`, `_r11` ... */
function candidate(name: string, i: number): string {
  if (i >= 11) return `_${name}${i - 1}`;
  if (i >= 9) return `_${name}${i - 9}`;
  if (i >= 1) return `_${name}${i + 1}`;
  return `_${name}`;
}

export function generateUid(scope: Scope, hint: string): string {
  const program = scope.getProgramParent() as unknown as Partial<Babel7Program> & { referencesSet?: unknown };
  // Babel 8 keeps a Set (and its `references` getter throws); it already does this itself.
  if (program.referencesSet instanceof Set) return scope.generateUid(hint);
  const references = program.references;
  const uids = program.uids;
  // Anything unexpected gets Babel's own walk.
  if (typeof references !== 'object' || references === null || typeof uids !== 'object' || uids === null) {
    return scope.generateUid(hint);
  }
  // The same normalisation generateUid applies (hints here are plain identifiers already).
  const name = hint.replace(/^_+/, '').replace(/\d+$/, '');
  let byName = starts.get(references);
  if (!byName) starts.set(references, (byName = new Map()));
  let i = byName.get(name) ?? 0;
  while (references[candidate(name, i)]) i++;
  byName.set(name, i);
  let uid: string;
  do {
    uid = candidate(name, i++);
  } while (references[uid] || scope.hasLabel(uid) || scope.hasBinding(uid) || scope.hasGlobal(uid));
  references[uid] = true;
  uids[uid] = true;
  return uid;
}
