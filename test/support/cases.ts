import type TestAgent from 'supertest/lib/agent';
import { COMPLETE_APPLICATION } from './fixtures';
import { registerFounder } from './test-app';

export const auth = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

export interface SubmittedCase {
  id: string;
  reference: string;
  version: number;
  founder: { token: string; id: string; email: string };
}

/** A founder signs up, writes a complete application and submits it. */
export async function submitCase(
  http: TestAgent,
  overrides: Record<string, unknown> = {},
  founderOptions: { locale?: 'fr' | 'en'; fullName?: string } = {},
): Promise<SubmittedCase> {
  const founder = await registerFounder(http, founderOptions);
  const draft = await http.post('/api/v1/applications').set(...auth(founder.token)).send({ ...COMPLETE_APPLICATION, ...overrides }).expect(201);
  const res = await http.post(`/api/v1/applications/${draft.body.id}/submit`).set(...auth(founder.token)).send({}).expect(200);
  return { id: res.body.id, reference: res.body.reference, version: res.body.version, founder };
}

/** Moves a case as staff and returns the new version. */
export async function move(http: TestAgent, token: string, id: string, body: Record<string, unknown>, expected = 200): Promise<number> {
  const current = await http.get(`/api/v1/applications/${id}`).set(...auth(token)).expect(200);
  const res = await http.post(`/api/v1/applications/${id}/transitions`).set(...auth(token)).send({ expectedVersion: current.body.version, ...body });
  if (res.status !== expected) throw new Error(`transition ${JSON.stringify(body)} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.version as number;
}
