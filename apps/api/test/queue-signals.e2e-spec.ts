import { Logger } from '@nestjs/common';
import { notifySql, QueueListener, type QueueSignal } from '../src/queue/queue-signals';
import { TestApp } from './harness';
import { waitFor } from './support/triggers';

/**
 * The LISTEN session of a worker process: signals arrive, and after the session is lost and back,
 * it looks once for work and hands its standby jobs back as for a pause (a pause notified while it
 * was down is never delivered, and its standby jobs would start runs of the paused campaign).
 */
describe('queue wake-up session', () => {
  let t: TestApp;
  let listener: QueueListener;
  const signals: QueueSignal[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    listener = new QueueListener(t.databaseUrl, (s) => signals.push(s), new Logger('test'));
    await listener.start();
  });
  afterAll(async () => {
    await listener.stop();
    await t.close();
  });

  it('looks and hands standby jobs back at its start and after a lost session; hears notifications', async () => {
    expect(signals).toEqual(['queued', 'paused']);
    await t.db.query(notifySql('released'));
    await waitFor(async () => signals.length === 3 || undefined, 5_000);
    expect(signals[2]).toBe('released');
    const [{ n }] = (await t.db.query(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE application_name = 'callflow-queue-listen'`,
    )) as { n: number }[];
    expect(n).toBe(1);
    await waitFor(async () => signals.length === 5 || undefined, 10_000);
    expect(signals.slice(3)).toEqual(['queued', 'paused']);
    await t.db.query(notifySql('paused'));
    await waitFor(async () => signals.length === 6 || undefined, 5_000);
    expect(signals[5]).toBe('paused');
  });
});
