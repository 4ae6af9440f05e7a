import { AbandonedRunsService } from '../src/queue/abandoned-runs.service';
import { TestApp } from './harness';
import { chainFlow, postNode, publishFlow } from './support/triggers';

/**
 * A queued run whose job pg-boss failed for good without a worker recording it (the worker died on
 * the last try; expiry or a lapsed lease failed the job) must not stay `queued`/`running` forever.
 * ROLE=api: no worker takes the job, so the test decides what pg-boss did with it.
 */
describe('abandoned queued runs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ ROLE: 'api' });
    await publishFlow(
      t,
      'abandoned',
      chainFlow(
        { id: 't', type: 'trigger.campaign', name: 'start', config: {} },
        postNode('http://127.0.0.1:9/never', '{}'),
      ),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  const status = async (id: string) =>
    (await t.as('get', `/api/v1/executions/${id}`).expect(200)).body as {
      status: string;
      error: { code: string; message: string } | null;
    };

  it('marks an execution failed once pg-boss has given up its job, and leaves the others alone', async () => {
    const sent = await t
      .http()
      .post('/api/v1/events')
      .set('x-api-key', t.apiKey)
      .send([
        { id: 'gone-1', type: 'campaign.contact' },
        { id: 'kept-1', type: 'campaign.contact' },
      ])
      .expect(202);
    const [gone, kept] = sent.body.accepted.map((a: { executionIds: string[] }) => a.executionIds[0]) as [
      string,
      string,
    ];
    expect((await status(gone)).status).toBe('queued');

    // What pg-boss's expiry writes when the last try's worker is gone.
    await t.db.query(
      `UPDATE pgboss.job SET state = 'failed', completed_on = now(), ` +
        `output = '{"value":{"message":"job timed out"}}' WHERE id = $1`,
      [gone],
    );
    const sweeper = t.app.get(AbandonedRunsService);
    expect(await sweeper.sweep()).toBe(1);
    expect(await status(gone)).toMatchObject({
      status: 'failed',
      error: { code: 'INFRASTRUCTURE', message: 'gave up: job timed out' },
    });
    expect((await status(kept)).status).toBe('queued');
    // Idempotent: nothing more to do.
    expect(await sweeper.sweep()).toBe(0);
  });
});
