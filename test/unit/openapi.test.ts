import { expect } from 'chai';
import type { Router } from 'express';
import { agentRouter, type AgentApiDeps } from '../../handoff/agentApi';
import { AGENT_ROUTES } from '../../bot/http/openapi';
import { startKefu, type RunningKefu } from '../../testkit/kefuServer';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** The routes an Express router really has, as "METHOD /path/{param}". */
function routesOf(router: Router): string[] {
  return (router.stack as unknown as Layer[]).flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${(layer.route as { path: string }).path.replace(/:(\w+)/g, '{$1}')}`)
      : [],
  );
}

describe('the OpenAPI 3.1 document of the agent API', function () {
  this.timeout(30_000);
  let kefu: RunningKefu;
  before(async () => {
    kefu = await startKefu({});
  });
  after(() => kefu.close());

  it('lists every route the agent router has, and no route it lacks', () => {
    // Only the route table is read: the dependencies are never called.
    const real = routesOf(agentRouter({} as AgentApiDeps)).sort();
    const documented = AGENT_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(documented).to.deep.equal(real);
  });

  it('is served at /agent/v1/openapi.json, version 3.1, with request bodies from the validating zod schemas', async () => {
    const res = await fetch(`${kefu.url}/agent/v1/openapi.json`);
    expect(res.status).to.equal(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; anyOf?: unknown[] } }> } }>
      >;
    };
    expect(doc.openapi).to.equal('3.1.0');
    expect(Object.keys(doc.paths)).to.include.members(['/agent/v1/handoffs/{id}/messages', '/api/nlu/parse']);
    const message = doc.paths['/agent/v1/handoffs/{id}/messages'].post.requestBody?.content['application/json'].schema;
    expect(message?.properties).to.have.property('text');
    expect(doc.paths['/agent/v1/handoffs/{id}/transfer'].post.requestBody?.content['application/json'].schema.anyOf).to.have.length(2);
    expect(doc.paths['/api/nlu/parse'].post.requestBody?.content['application/json'].schema.properties).to.have.keys(['text', 'locale']);
  });
});
