import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConnectError,
  EOF,
  type Flow,
  type ListenError,
  type Listener,
  type Result,
} from '@flowkit/flow-types';
import * as memory from '@flowkit/memory';
import * as tcp from '@flowkit/tcp';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import type { TourCertificates } from '../tour/certs.js';
import { rng } from './pattern.js';

/** Transports the race scenarios run over. `tls` is TLS over loopback tcp. */
export type RaceTransport = 'memory' | 'tcp' | 'unix' | 'tls';

const DEADLINE_MS = 10_000;

/** Awaits every promise for at most `ms`; returns how many were still pending. */
async function pendingAfter(promises: readonly Promise<unknown>[], ms: number): Promise<number> {
  let settled = 0;
  const all = Promise.all(promises.map((p) => p.then(() => settled++)));
  let cancel = () => {};
  await Promise.race([
    all,
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      cancel = () => clearTimeout(t);
    }),
  ]);
  cancel();
  return promises.length - settled;
}

/** Waits a seeded number of event-loop turns: none, microtasks, immediates or a timer. */
async function jitter(next: () => number): Promise<void> {
  const k = next() % 4;
  if (k === 0) return;
  if (k === 1) {
    for (let i = next() % 5; i > 0; i--) await Promise.resolve();
  } else if (k === 2) {
    await new Promise((resolve) => setImmediate(resolve));
  } else {
    await new Promise((resolve) => setTimeout(resolve, next() % 3));
  }
}

interface Endpoint {
  readonly listener: Listener<Flow>;
  readonly dial: () => Promise<Result<Flow, ConnectError>>;
  readonly cleanup: () => Promise<void>;
}

let names = 0;

async function endpoint(transport: RaceTransport, certs: TourCertificates | undefined): Promise<Endpoint> {
  const fail = (e: ListenError): never => {
    throw new Error(`race: listen failed: ${e.message}`);
  };
  switch (transport) {
    case 'memory': {
      const name = `race-${process.pid}-${names++}`;
      const l = await memory.listen({ name });
      if (!l.ok) return fail(l.error);
      return { listener: l.value, dial: () => memory.connect({ name }), cleanup: async () => {} };
    }
    case 'tcp': {
      const l = await tcp.listen({ host: '127.0.0.1', port: 0 });
      if (!l.ok) return fail(l.error);
      const port = l.value.address.port;
      return {
        listener: l.value,
        dial: () => tcp.connect({ host: '127.0.0.1', port, timeout: DEADLINE_MS }),
        cleanup: async () => {},
      };
    }
    case 'unix': {
      const dir = await mkdtemp(join(tmpdir(), 'flowkit-race-'));
      const path = join(dir, 's');
      const l = await unix.listen({ path });
      if (!l.ok) return fail(l.error);
      return {
        listener: l.value,
        dial: () => unix.connect({ path, timeout: DEADLINE_MS }),
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    }
    case 'tls': {
      const l = await tls.listen({ host: '127.0.0.1', port: 0, cert: certs!.cert, key: certs!.key });
      if (!l.ok) return fail(l.error);
      const port = l.value.address.port;
      return {
        listener: l.value,
        dial: () => tls.connect({ host: '127.0.0.1', port, ca: certs!.ca, timeout: DEADLINE_MS }),
        cleanup: async () => {},
      };
    }
  }
}

/** What happened when a listener was closed with accepts and connects in flight. */
export interface ListenerCloseOutcome {
  readonly accepted: number;
  readonly acceptClosed: number;
  /** Accept results that were neither a flow nor `closed`. */
  readonly acceptOther: readonly string[];
  readonly connected: number;
  /** Connect error types seen (`refused`, `reset`, `handshake`…). */
  readonly connectErrors: readonly string[];
  /** Accepts or connects still pending 10 s after the close. Must be 0. */
  readonly hung: number;
  /** The result of an accept made after the close (`closed` expected). */
  readonly acceptAfterClose: string;
}

/**
 * Starts `count` accepts and `count` connects, closes the listener after a
 * seeded number of turns, and checks that every accept and connect
 * resolves. Every flow obtained is aborted before this resolves.
 */
export async function closeListenerInFlight(
  transport: RaceTransport,
  seed: number,
  count: number,
  certs?: TourCertificates,
): Promise<ListenerCloseOutcome> {
  const next = rng(seed);
  const ep = await endpoint(transport, certs);
  const flows: Flow[] = [];
  const accepts: Promise<Result<Flow, ListenError>>[] = [];
  const connects: Promise<Result<Flow, ConnectError>>[] = [];
  const closeAt = next() % (count + 1);
  let closing: Promise<void> | undefined;
  for (let i = 0; i < count; i++) {
    if (i === closeAt) closing = ep.listener.close();
    accepts.push(ep.listener.accept());
    connects.push(ep.dial());
    await jitter(next);
  }
  closing ??= ep.listener.close();
  const hung = await pendingAfter([...accepts, ...connects, closing], DEADLINE_MS);
  let accepted = 0;
  let acceptClosed = 0;
  const acceptOther: string[] = [];
  let connected = 0;
  const connectErrors: string[] = [];
  if (hung === 0) {
    for (const a of await Promise.all(accepts)) {
      if (a.ok) {
        accepted++;
        flows.push(a.value);
      } else if (a.error.type === 'closed') acceptClosed++;
      else acceptOther.push(a.error.type);
    }
    for (const c of await Promise.all(connects)) {
      if (c.ok) {
        connected++;
        flows.push(c.value);
      } else connectErrors.push(c.error.type);
    }
  }
  const after = await ep.listener.accept();
  for (const f of flows) f.abort();
  await ep.cleanup();
  return {
    accepted,
    acceptClosed,
    acceptOther,
    connected,
    connectErrors: [...new Set(connectErrors)].sort(),
    hung,
    acceptAfterClose: after.ok ? 'a flow' : after.error.type,
  };
}

/** One operation of an abort race. */
export type RaceOp = 'read' | 'read-signal' | 'write' | 'writev' | 'close' | 'close-signal' | 'abort';

/** What an abort race saw. */
export interface AbortRaceOutcome {
  /** Operations started (both ends). */
  readonly ops: number;
  /** Operations not resolved 10 s after the final aborts. Must be 0. */
  readonly hung: number;
  /** Results that broke the contract (a thrown error, a rejected promise, an untyped error). */
  readonly violations: readonly string[];
}

const READ_ERRORS = new Set(['reset', 'aborted', 'timeout', 'truncated', 'protocol', 'io']);
const WRITE_ERRORS = new Set(['closed', ...READ_ERRORS]);

async function makePair(
  transport: RaceTransport,
  certs: TourCertificates | undefined,
): Promise<[Flow, Flow]> {
  if (transport === 'memory') return memory.pair({ capacity: 4096 });
  const ep = await endpoint(transport, certs);
  const [a, c] = await Promise.all([ep.listener.accept(), ep.dial()]);
  await ep.listener.close();
  await ep.cleanup();
  if (!a.ok || !c.ok) throw new Error('race: could not make a pair');
  return [c.value, a.value];
}

/**
 * Runs `ops` on the two ends of a fresh pair with seeded delays between
 * them, `abort()` among them, then aborts both ends and checks that every
 * operation resolved (never rejected or threw) with a value the contract
 * allows, and that an aborted end answers later reads with an error (in
 * every state, even after a clean close) and writes with `closed`.
 */
export async function abortRace(
  transport: RaceTransport,
  seed: number,
  ops: readonly (readonly [0 | 1, RaceOp])[],
  certs?: TourCertificates,
): Promise<AbortRaceOutcome> {
  const next = rng(seed);
  const ends = await makePair(transport, certs);
  const violations: string[] = [];
  const aborted = [false, false];
  const started: Promise<unknown>[] = [];
  const guard = (what: string, run: () => Promise<unknown>, check: (v: unknown) => string | undefined) => {
    let p: Promise<unknown>;
    try {
      p = run();
    } catch (e) {
      violations.push(`${what} threw ${String(e)}`);
      return;
    }
    started.push(
      p.then(
        (v) => {
          const bad = check(v);
          if (bad !== undefined) violations.push(`${what}: ${bad}`);
        },
        (e) => violations.push(`${what} rejected: ${String(e)}`),
      ),
    );
  };
  const readCheck = (v: unknown) => {
    const r = v as Result<unknown, { type: string }>;
    if (r.ok) return undefined;
    return READ_ERRORS.has(r.error.type) ? undefined : `untyped read error ${r.error.type}`;
  };
  // A read started after this end's abort(): an error in every state, never data or EOF.
  const readAfterAbortCheck = (v: unknown) => {
    const r = v as Result<unknown, { type: string }>;
    if (r.ok) return `read after abort returned ${r.value === EOF ? 'EOF' : 'data'}`;
    return readCheck(v);
  };
  const writeCheck = (v: unknown) => {
    const r = v as Result<unknown, { type: string }>;
    if (r.ok) return undefined;
    return WRITE_ERRORS.has(r.error.type) ? undefined : `untyped write error ${r.error.type}`;
  };
  for (const [side, op] of ops) {
    const f = ends[side];
    const what = `end ${side} ${op}`;
    switch (op) {
      case 'read':
        guard(what, () => f.read(), aborted[side] ? readAfterAbortCheck : readCheck);
        break;
      case 'read-signal': {
        const c = new AbortController();
        guard(what, () => f.read({ signal: c.signal }), aborted[side] ? readAfterAbortCheck : readCheck);
        setTimeout(() => c.abort(), next() % 3);
        break;
      }
      case 'write':
        guard(what, () => f.write(new Uint8Array(1 + (next() % 8192))), writeCheck);
        break;
      case 'writev':
        guard(
          what,
          () => f.writev([new Uint8Array(next() % 100), new Uint8Array(1 + (next() % 5000))]),
          writeCheck,
        );
        break;
      case 'close':
        guard(
          what,
          () => f.close(),
          () => undefined,
        );
        break;
      case 'close-signal':
        guard(
          what,
          () => f.close({ signal: AbortSignal.timeout(1 + (next() % 5)) }),
          () => undefined,
        );
        break;
      case 'abort':
        try {
          f.abort(new Error('race'));
          aborted[side] = true;
        } catch (e) {
          violations.push(`${what} threw ${String(e)}`);
        }
        break;
    }
    await jitter(next);
  }
  // Right after an abort, later operations on that end fail at once.
  for (const side of [0, 1] as const) {
    if (!aborted[side]) continue;
    const r = await ends[side].read();
    // Abort wins in every state (the lead's ruling on the SPEC): even after a
    // clean close, a read after abort is an error at once, never data or EOF.
    if (r.ok) violations.push(`end ${side} read after abort returned ${r.value === EOF ? 'EOF' : 'data'}`);
    const w = await ends[side].write(new Uint8Array(1));
    if (w.ok || w.error.type !== 'closed') violations.push(`end ${side} write after abort was not closed`);
  }
  ends[0].abort();
  ends[1].abort();
  const hung = await pendingAfter(started, DEADLINE_MS);
  return { ops: started.length, hung, violations };
}
