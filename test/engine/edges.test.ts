// Happens-before edges and root activations of race-model.md through the real plugin and CLI: each
// edge in a program where it alone keeps a correct read-modify-write quiet (without it, the write
// before would be reported as landing in between), and where the model orders nothing, the race it
// predicts, with the activations the report names.
import { describe, expect, it } from 'vitest';
import { type ReportedRace, runFixture, shapes } from './run-fixture.js';

function expectQuiet(name: string): void {
  const { plain, r, races } = runFixture(name);
  expect(r.stdout).toBe(plain.stdout);
  expect(r.status).toBe(0);
  expect(races).toEqual([]);
}

/** One lost update, between the lines marked @read, `other` (another run of the write back, if
 *  @write) and @write. */
function expectLostUpdate(name: string, other = '@other', args: string[] = []): ReportedRace[] {
  const { plain, r, races, marker } = runFixture(name, args);
  expect(r.stdout).toBe(plain.stdout);
  expect(r.status).toBe(66);
  expect(shapes(races)).toEqual([['lost-update', [`read@${marker('@read')}`, `other-write@${marker(other)}`, `write@${marker('@write')}`]]]);
  return races;
}

describe('interval ticks (edge 5)', () => {
  it('norace-interval-ticks-in-order: a write in one tick comes before the next tick of the same interval', () => {
    expectQuiet('norace-interval-ticks-in-order.js');
  });

  it('race-two-intervals: a tick of another interval can land between a read and its write back', () => {
    expectLostUpdate('race-two-intervals.js');
  });
});

describe('promises of a Promise subclass', () => {
  it('norace-promise-subclass: await, then/catch/finally, Sub.all and Sub.allSettled order the work they wait on', () => {
    expectQuiet('norace-promise-subclass.js');
  });

  it('race-promise-subclass: two read-await-writes through subclass promises lose an update', () => {
    expectLostUpdate('race-promise-subclass.js', '@write');
  });
});

describe('two reactions to one promise (edge 3 orders neither after the other)', () => {
  // The shape mapsan found in async-cache-dedupe's own tests: a single-flight cache whose cleanup
  // reaction deletes the key whatever it holds by then.
  it('race-single-flight-cleanup: a later request stored before the cleanup runs is deleted by it', () => {
    const { plain, r, races, marker } = runFixture('race-single-flight-cleanup.js');
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(66);
    const [read, set, del] = [marker('@read'), marker('@other'), marker('@write')];
    expect(shapes(races).sort()).toEqual([
      // The first request's read and cleanup, the second request's set between them.
      ['lost-update', [`read@${read}`, `other-write@${set}`, `write@${del}`]],
      // The second request's read and cleanup, the first cleanup between them.
      ['lost-update', [`read@${read}`, `other-write@${del}`, `write@${del}`]],
    ].sort());
  });

  it('norace-single-flight-cleanup: a cleanup that re-reads the key and deletes only its own request', () => {
    expectQuiet('norace-single-flight-cleanup.js');
  });
});

describe('Promise combinators (edge 4)', () => {
  it('norace-promise-allsettled: allSettled settles after every input, the first to settle too', () => {
    expectQuiet('norace-promise-allsettled.js');
  });

  it('race-promise-race-loser: only the input that decided the race is joined', () => {
    expectLostUpdate('race-promise-race-loser.js');
  });
});

describe('promises settled through another promise or thenable (edge 3)', () => {
  it('norace-return-settled-promise: the caller resumes after the segment that returned it', () => {
    expectQuiet('norace-return-settled-promise.js');
  });

  it('norace-reaction-returns-thenable: the job adopting the thenable starts from the reaction', () => {
    expectQuiet('norace-reaction-returns-thenable.js');
  });
});

describe('port order (edge 6)', () => {
  it('norace-port-order: a message is received after the one sent before it on the same port', () => {
    expectQuiet('norace-port-order.js');
  });
});

describe('root activations of events the runtime fires again and again', () => {
  it.each([
    ['race-http-request-handlers.js', [], 'request handler'],
    ['race-http-response-handlers.js', [], 'response handler'],
    ['race-http2-streams.js', [], 'request handler'],
    ['race-signal-handlers.js', [], 'signal handler'],
    ['race-udp-messages.js', [], 'socket event handler'],
    ['race-tls-chunks.js', [], 'socket event handler'],
    ['race-exit-handlers.js', [], 'child process handler'],
    ['race-exit-handlers.js', ['worker'], 'worker event handler'],
    ['race-file-watchers.js', [], 'file watcher'],
    ['race-file-watchers.js', ['poll'], 'file watcher'],
  ])('%s %j: each run of the handler is a %s of its own, unordered with the others', (name, args, kind) => {
    const races = expectLostUpdate(name, '@write', args);
    expect(races[0].accesses.map((a) => a.activation.kind)).toEqual([kind, kind, kind]);
  });

  it.each([[[]], [['pipe']]])('race-net-connections %j: each connection, and each chunk a socket receives, is an activation of its own', (args) => {
    const { plain, r, races, marker } = runFixture('race-net-connections.js', args);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.status).toBe(66);
    const roles = (what: string) => [`read@${marker(`@${what}-read`)}`, `other-write@${marker(`@${what}-write`)}`, `write@${marker(`@${what}-write`)}`];
    expect(shapes(races)).toEqual([
      ['lost-update', roles('connection')],
      ['lost-update', roles('data')],
    ]);
    expect(races.map((x) => x.accesses[0].activation.kind)).toEqual(['connection handler', 'socket event handler']);
  });
});
