/** The editor's batch node support without a browser: handles, drawing rules and completion on an each path. */
import { join } from 'node:path';
import { i18n } from '@lingui/core';
import { validateFlow, type FlowDefinition } from '@callflow/flow';
import { compileCatalog, readCatalog } from '../i18n-catalogs';
import { connectionProblem, freeHandle } from '../src/editor/connection';
import { fromDefinition, handlesOf, summaryOf } from '../src/editor/convert';
import { tokensForNode } from '../src/editor/tokens';
import { loadCatalog } from './load-catalog';

// The editor's messages as people read them in English.
beforeAll(() => loadCatalog('en'));

// The node card's summary is in the language in force: English here.
i18n.load('en', compileCatalog(readCatalog(join(__dirname, '../src/i18n/locales'), 'en')));
i18n.activate('en');

function uploadFlow(): FlowDefinition {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.webhook', name: 'hook', position: { x: 0, y: 0 }, config: { methods: ['POST'] } },
      {
        id: 'b',
        type: 'batch',
        name: 'chunks',
        position: { x: 320, y: 0 },
        config: { items: '{{request.body.calls}}', size: 50 },
      },
      {
        id: 'h',
        type: 'http',
        name: 'upload',
        position: { x: 640, y: 0 },
        config: {
          method: 'POST',
          url: 'https://crm.example.com/upload',
          body: { type: 'json', template: '{{json batch.items}}' },
        },
      },
      {
        id: 'r',
        type: 'respond',
        name: 'answer',
        position: { x: 640, y: 160 },
        config: { body: { type: 'json', template: '{"n": {{nodes.chunks.total}}}' } },
      },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'b' },
      { id: 'e2', source: 'b', sourceHandle: 'each', target: 'h' },
      { id: 'e3', source: 'b', sourceHandle: 'done', target: 'r' },
    ],
  };
}

describe('batch node in the editor', () => {
  const def = uploadFlow();
  const { nodes, edges } = fromDefinition(def);
  const conn = (source: string, sourceHandle: string | null, target: string) => ({
    source,
    sourceHandle,
    target,
    targetHandle: null,
  });

  it('shows each / done / error, also half-configured, and a summary', () => {
    expect(handlesOf('batch', { items: '{{x}}' })).toEqual(['each', 'done', 'error']);
    expect(handlesOf('batch', { size: 'bad' })).toEqual(['each', 'done', 'error']);
    expect(summaryOf('batch', { items: '{{x}}', size: 50, concurrency: 2 })).toBe('chunks of 50, 2 at once');
    expect(
      freeHandle(
        nodes.find((n) => n.id === 'b')!,
        edges.filter((e) => e.id === 'e1'),
      ),
    ).toBe('each');
    expect(
      freeHandle(
        nodes.find((n) => n.id === 'b')!,
        edges,
      ),
    ).toBe('error');
  });

  it('refuses drawing into an each path from outside it, or from a chunk into the done path', () => {
    expect(connectionProblem(conn('r', 'next', 'h'), nodes, edges)).toMatch(
      /would run once per chunk of batch "chunks"/,
    );
    expect(connectionProblem(conn('h', 'success', 'r'), nodes, edges)).toMatch(
      /would run once per chunk of batch "chunks"/,
    );
    expect(connectionProblem(conn('b', 'error', 'r'), nodes, edges)).toBeNull();
    expect(
      connectionProblem(
        conn('h', 'error', 'r'),
        nodes,
        edges.filter((e) => e.id !== 'e3'),
      ),
    ).toBeNull();
  });

  it('completes batch.* on the each path and the batch output after it, valid flow or not', () => {
    const valid = validateFlow(def);
    expect(valid.errors).toEqual([]);
    for (const flow of [valid.flow, undefined]) {
      const inside = tokensForNode('h', nodes, edges, flow).map((t) => t.token);
      expect(inside).toEqual(expect.arrayContaining(['batch.items', 'batch.index', 'batch.count', 'request.body']));
      expect(inside).not.toContain('nodes.chunks');
      const after = tokensForNode('r', nodes, edges, flow).map((t) => t.token);
      expect(after).toEqual(expect.arrayContaining(['nodes.chunks.results', 'nodes.chunks.failed']));
      expect(after).not.toContain('batch.items');
    }
  });
});
