// Node 20 ignores async_hooks' `trackPromises: false`: once any async_hooks hook is enabled, Node
// installs promise hooks of its own (an async id and an `init` event per promise, an async context
// pushed around every reaction) and from then on runs every promise hook, ours included, through a
// multiplexer that copies the hook list and allocates an exceptions array per event. That is most
// of what the engine cost on promise-heavy code there: bench/promise-heavy.js 2000 x 400 on Node
// 20.20 ran in 1.84 s, and in 1.22 s with our promise hooks set directly as V8's.
//
// V8 holds one set of promise hooks, which Node sets through its async_wrap binding. When nothing
// else watched promises or async resources before the engine, the engine sets its own hooks there
// after enabling its async_hooks hook, leaving Node's out. What the program can see: inside promise
// reactions, executionAsyncId() and executionAsyncResource() report the enclosing resource, as in
// the same program run without mapsan (where Node tracks no promises). Anything that enables a hook
// later (the first `run` of an AsyncLocalStorage, a diagnostics tool) makes Node set its
// multiplexer again, which carries both Node's tracking and ours: it then works as it would without
// mapsan, and the engine's resource hooks tell promise events apart by lookup.
//
// The binding is reached through process.binding('async_wrap'), deprecated (DEP0111) but frozen on
// Node 20, which is past its end of life; Node 24 has no such binding and honours trackPromises.
// Its one-time deprecation warning is silenced for the call (the program's own later access to the
// binding then no longer warns: noted, accepted). Under --pending-deprecation, where
// process.binding itself is wrapped in a deprecation, the engine leaves Node's hooks alone.

type PromiseHook = (promise: Promise<unknown>, parent?: Promise<unknown>) => void;
type SetPromiseHooks = (init?: PromiseHook, before?: PromiseHook, after?: PromiseHook, settled?: PromiseHook) => void;

interface AsyncWrapBinding {
  setPromiseHooks: SetPromiseHooks;
  getPromiseHooks(): (PromiseHook | undefined)[];
  async_hook_fields: Uint32Array;
  constants: { kTotals: number };
}

/** Called before the engine enables any hook: the binding's setPromiseHooks (V8's promise hooks set
 *  to exactly these), or null unless nothing else watches promises or async resources yet and the
 *  binding is reachable without a visible warning. */
export function directPromiseHooks(): SetPromiseHooks | null {
  const proc = process as unknown as { binding?: ((name: string) => unknown) & { name: string } };
  if (typeof proc.binding !== 'function' || proc.binding.name !== 'binding') return null;
  const binding = quietly(() => proc.binding!('async_wrap')) as Partial<AsyncWrapBinding> | null;
  if (binding === null || typeof binding.setPromiseHooks !== 'function' || typeof binding.getPromiseHooks !== 'function') return null;
  if (!(binding.async_hook_fields instanceof Uint32Array) || typeof binding.constants?.kTotals !== 'number') return null;
  if (binding.async_hook_fields[binding.constants.kTotals] !== 0) return null;
  if (binding.getPromiseHooks().some((h) => h !== undefined)) return null;
  return binding.setPromiseHooks;
}

function quietly<T>(fn: () => T): T | null {
  const own = Object.getOwnPropertyDescriptor(process, 'noDeprecation');
  try {
    process.noDeprecation = true;
    return fn();
  } catch {
    return null;
  } finally {
    if (own === undefined) delete (process as { noDeprecation?: boolean }).noDeprecation;
    else Object.defineProperty(process, 'noDeprecation', own);
  }
}
