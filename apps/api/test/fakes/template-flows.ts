import type { TestApp } from '../harness';

/** Creates a connection as the admin; returns its id. */
export async function createConnection(t: TestApp, body: Record<string, unknown>): Promise<string> {
  const r = await t.as('post', '/api/v1/connections').send(body);
  if (r.status !== 201)
    throw new Error(`creating connection ${String(body.name)}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** POST /flows {templateId, name, key, connections} then publish; returns the flow as created. */
export async function flowFromTemplate(
  t: TestApp,
  templateId: string,
  key: string,
  connections: Record<string, string>,
): Promise<{ id: string; key: string; definition: any; version: number }> {
  const created = await t
    .as('post', '/api/v1/flows')
    .send({ templateId, name: `${templateId} (${key})`, key, connections });
  if (created.status !== 201)
    throw new Error(`creating flow from ${templateId}: ${created.status} ${JSON.stringify(created.body)}`);
  if (!created.body.validation?.valid)
    throw new Error(`flow from ${templateId} is not valid: ${JSON.stringify(created.body.validation)}`);
  const published = await t.as('post', `/api/v1/flows/${created.body.id}/publish`).send({ note: 'from template' });
  if (published.status !== 200)
    throw new Error(`publishing ${templateId}: ${published.status} ${JSON.stringify(published.body)}`);
  return {
    id: created.body.id,
    key: created.body.key,
    definition: created.body.definition,
    version: published.body.version,
  };
}

/** Sets a flow's own webhook secret (POST /flows/:id/webhook-secret) and returns it (shown once). */
export async function webhookSecret(t: TestApp, flowId: string): Promise<string> {
  const r = await t.as('post', `/api/v1/flows/${flowId}/webhook-secret`).send({});
  if (r.status !== 201)
    throw new Error(`setting the webhook secret of ${flowId}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.secret as string;
}

/** POST /events with the API key; expects 202 and returns the execution ids of the event. */
export async function sendEvent(t: TestApp, event: Record<string, unknown>): Promise<string[]> {
  const r = await t.http().post('/api/v1/events').set('x-api-key', t.apiKey).send(event);
  if (r.status !== 202) throw new Error(`POST /events: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.accepted[0].executionIds as string[];
}
