/** Small HTTP helpers for the benchmarks (Node's fetch). */

export async function login(baseUrl: string, email: string, password: string): Promise<{ token: string; userId: string }> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`login as ${email} answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { accessToken: string; user: { id: string } };
  return { token: body.accessToken, userId: body.user.id };
}

export async function getJson<T>(url: string, token: string): Promise<{ status: number; body: T; ms: number }> {
  const t = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const ms = performance.now() - t;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, ms };
}
