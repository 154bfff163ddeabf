// The contract's validation: bad input is a typed error, never a crash or a stack trace.
import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../electron/core/dispatch';
import { CHANNELS, contract } from '../../shared/contract';
import { VigilError } from '../../shared/errors';

const calls: string[] = [];
// A handler map whose every channel would fail loudly if validation let bad input through.
const handlers = Object.fromEntries(
  CHANNELS.map((c) => [
    c,
    (input: unknown) => {
      calls.push(c);
      if (c === 'vault.status') throw new VigilError('VAULT_LOCKED', 'The workspace is locked.');
      if (c === 'app.info') throw new Error('secret /home/user/path and stack');
      if (c === 'session.touch') return { locksAt: 42 }; // wrong output type
      return input;
    },
  ]),
) as unknown as Handlers;

describe('contract dispatch', () => {
  it.each([
    ['queue.page', { limit: -1 }],
    ['queue.page', { limit: 100_000 }],
    ['queue.page', { sort: { field: 'password', dir: 'asc' } }],
    ['queue.page', { filter: { status: ['exploded'] } }],
    ['queue.page', { filter: { tactic: ["TA0006'; DROP TABLE findings;--"] } }],
    ['queue.page', { filter: { unknown: 1 } }],
    ['finding.get', { id: 'FND-0' }],
    ['finding.get', { id: '1 OR 1=1' }],
    ['finding.get', {}],
    ['vault.unlock', { passphrase: 'x'.repeat(5000) }],
    ['vault.setIdleLock', { minutes: 0 }],
    ['vault.lock', 'not an object'],
  ])('%s rejects %j with VALIDATION_FAILED', async (channel, input) => {
    calls.length = 0;
    const r = await dispatch(handlers, channel, input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION_FAILED');
      expect(r.error.message).toContain(channel);
      expect(r.error.message).not.toMatch(/\n\s+at /);
    }
    expect(calls).toEqual([]);
  });

  it('an unknown channel is refused', async () => {
    const r = await dispatch(handlers, 'fs.readFile', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const proto = await dispatch(handlers, '__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('a VigilError crosses with its code; any other error crosses without its text', async () => {
    expect(await dispatch(handlers, 'vault.status', {})).toEqual({ ok: false, error: { code: 'VAULT_LOCKED', message: 'The workspace is locked.' } });
    const r = await dispatch(handlers, 'app.info', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(r)).not.toContain('secret');
  });

  it('an output that breaks its schema is an INTERNAL error, not a malformed reply', async () => {
    expect(await dispatch(handlers, 'session.touch', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('valid input reaches the handler parsed, with defaults applied', async () => {
    const r = await dispatch(handlers, 'queue.page', { filter: { technique: ['t1110'] } });
    // The echo handler returned the parsed input, which is not a QueuePage: but the handler ran.
    expect(calls).toContain('queue.page');
    expect(r.ok).toBe(false);
  });

  it('every channel has an input and an output schema', () => {
    for (const c of CHANNELS) {
      expect(contract[c].input).toBeDefined();
      expect(contract[c].output).toBeDefined();
    }
  });
});
