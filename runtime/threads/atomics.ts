// `Atomics.notify` → the `Atomics.wait` / `waitAsync` it wakes. A SharedArrayBuffer is a different
// object in every thread and has no identity that crosses threads, so a notify cannot name the exact
// buffer: it joins its clock into the shared-table mailbox its address hashes to (buffer length,
// byte offset of the element), and a woken waiter joins that mailbox. Two notifies hashing to one
// mailbox (other buffers, other indices, earlier notifies) give the waiter extra edges: races hidden,
// never invented. A wait that times out or finds another value takes no edge.
import { join } from '../clock.js';
import { internalError } from '../failsafe.js';
import { receive, sendClock } from './clocks.js';
import { SLOTS } from './shared.js';
import { existingTable, sharedTable } from './workers.js';

function slotOf(ta: unknown, index: unknown): number {
  if (!(ta instanceof Int32Array || ta instanceof BigInt64Array)) return -1;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= ta.length) return -1;
  const buf = ta.buffer;
  if (!(buf instanceof SharedArrayBuffer)) return -1;
  const addr = ta.byteOffset + index * ta.BYTES_PER_ELEMENT;
  const h = Math.imul(buf.byteLength ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(addr, 0xc2b2ae35);
  return ((h ^ (h >>> 15)) >>> 0) % SLOTS;
}

function joinMailbox(slot: number): void {
  // Node's own module loader waits with Atomics.wait too; with no table yet there is nothing to join.
  const clock = existingTable()?.collect(slot) ?? null;
  if (clock !== null) receive(clock);
}

export function installAtomics(): void {
  const A = Atomics as unknown as Record<string, (...args: unknown[]) => unknown>;
  const notify = A.notify;
  const wait = A.wait;
  const waitAsync = A.waitAsync;
  const patched: Record<string, (...args: unknown[]) => unknown> = {
    notify(ta: unknown, index: unknown, count: unknown): unknown {
      const slot = slotOf(ta, index);
      if (slot >= 0) {
        try {
          sharedTable().deposit(slot, sendClock(), join);
        } catch (e) {
          internalError(e);
        }
      }
      return Reflect.apply(notify, Atomics, [ta, index, count]);
    },
    wait(ta: unknown, index: unknown, value: unknown, timeout: unknown): unknown {
      const r = Reflect.apply(wait, Atomics, [ta, index, value, timeout]);
      if (r === 'ok') {
        try {
          const slot = slotOf(ta, index);
          if (slot >= 0) joinMailbox(slot);
        } catch (e) {
          internalError(e);
        }
      }
      return r;
    },
  };
  if (typeof waitAsync === 'function') {
    patched.waitAsync = {
      waitAsync(ta: unknown, index: unknown, value: unknown, timeout: unknown): unknown {
        const r = Reflect.apply(waitAsync, Atomics, [ta, index, value, timeout]) as { async: boolean; value: unknown };
        const slot = slotOf(ta, index);
        if (slot >= 0 && r.async && r.value instanceof Promise) {
          // The reaction runs when the wait ends; it joins the mailbox and settles the promise the
          // program awaits, so its continuation inherits the notify's clock.
          r.value = r.value.then((v: unknown) => {
            if (v === 'ok') {
              try {
                joinMailbox(slot);
              } catch (e) {
                internalError(e);
              }
            }
            return v;
          });
        }
        return r;
      },
    }.waitAsync;
  }
  for (const name of Object.keys(patched)) {
    const f = patched[name];
    Object.defineProperty(f, 'length', { value: A[name].length });
    Object.defineProperty(Atomics, name, { value: f, writable: true, configurable: true, enumerable: false });
  }
}
