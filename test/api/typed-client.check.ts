import type { ApiClient } from '../../web/api-client';

/**
 * Compile-time checks of the typed API client (type-checked by `tsc` in `npm test`, never run):
 * the client generated from the OpenAPI document refuses calls the document does not allow.
 * Each `@ts-expect-error` fails the type-check if the line ever stops being an error, so the
 * web app's calls (web/pages) are checked as strictly as these.
 */
declare const api: ApiClient;

export async function typedClientChecks(): Promise<void> {
  // @ts-expect-error an undocumented path
  await api.get('/proposal');
  // @ts-expect-error the path parameter is required
  await api.get('/proposals/{id}');
  // @ts-expect-error an undocumented query parameter
  await api.get('/proposals', { query: { colour: 'red' } });
  // @ts-expect-error a stage that does not exist
  await api.get('/pipeline', { query: { stage: 'limbo' } });
  const tasks = await api.get('/tasks', { query: { pageSize: 100 } });
  // @ts-expect-error a field the answer does not have
  void tasks.items[0].assignee;
  // @ts-expect-error a body field the operation does not accept
  await api.send('POST', '/tasks/{id}/decision', { params: { id: 't' }, body: { decision: 'endorse', actor: 'me' } });
  // @ts-expect-error POST on a path that only answers GET
  await api.send('POST', '/pipeline', { body: {} });
  const proposal = await api.get('/proposals/{id}', { params: { id: 'p-1' } });
  // @ts-expect-error a limited view has no milestones: narrow on `view` first
  void proposal.milestones;
  if (proposal.view === 'full') void (proposal.milestones[0].dueDate satisfies string);
  const created = await api.send('POST', '/proposals', { body: { title: 'A draft' } });
  if (created.ok) void (created.body.id satisfies string);
  else void (created.body.error.details satisfies { path: string; message: string }[] | undefined);
}
