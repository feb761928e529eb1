import { SavedViewsService } from '../src/saved-views/saved-views.service';
import { MAX_VIEWS_PER_USER } from '../src/saved-views/saved-view-rules';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

/** Saved inbox views against the real database: each user's own, unique names, a bounded list. */
describe('saved inbox views', () => {
  let t: TestApp;
  let views: SavedViewsService;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    views = t.app.get(SavedViewsService);
    adminToken = await login(t.http, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t.close();
  });

  const statusOf = async (promise: Promise<unknown>): Promise<{ status: number; response: unknown }> => {
    try {
      await promise;
      return { status: 200, response: null };
    } catch (error) {
      const e = error as { getStatus?: () => number; getResponse?: () => unknown };
      if (!e.getStatus) throw error;
      return { status: e.getStatus(), response: e.getResponse?.() };
    }
  };

  it('keeps the filter in its canonical form, lists views by name, and only the owner sees or deletes them', async () => {
    const claire = await createStaff(t.http, adminToken, { role: 'advisor' });
    const paul = await createStaff(t.http, adminToken, { role: 'advisor' });
    const urgent = await views.create(claire.id, '  Urgents  ', { sla: 'breached', status: ['in_review', 'submitted'], cursor: 'x', lang: 'en' });
    expect(urgent).toEqual({ id: expect.any(String), name: 'Urgents', query: 'status=submitted&status=in_review&sla=breached' });
    await views.create(claire.id, 'À moi', { assignee: 'me' });
    expect((await views.list(claire.id)).map((v) => v.name)).toEqual(['Urgents', 'À moi']);
    expect(await views.list(paul.id)).toEqual([]);

    // another user's view is not theirs to delete: 404, and it is still there
    expect((await statusOf(views.delete(paul.id, urgent.id))).status).toBe(404);
    expect((await views.list(claire.id)).map((v) => v.id)).toContain(urgent.id);
    await views.delete(claire.id, urgent.id);
    expect((await views.list(claire.id)).map((v) => v.name)).toEqual(['À moi']);
    // the same name is free for someone else
    await views.create(paul.id, 'À moi', {});
  });

  it("moves the account's counter of view changes on every save and deletion of that account's views only (the pages reuse views read at the same count)", async () => {
    const ann = await createStaff(t.http, adminToken, { role: 'advisor' });
    const bob = await createStaff(t.http, adminToken, { role: 'advisor' });
    const counters = async (): Promise<[number, number]> => {
      const { rows } = await t.db.query<{ id: string; saved_views_version: number }>('SELECT id, saved_views_version FROM users WHERE id = ANY($1::uuid[])', [[ann.id, bob.id]]);
      const of = (id: string): number => rows.find((r) => r.id === id)?.saved_views_version ?? -1;
      return [of(ann.id), of(bob.id)];
    };
    expect(await counters()).toEqual([0, 0]);
    const first = await views.create(ann.id, 'Premier', { assignee: 'me' });
    expect(await counters()).toEqual([1, 0]);
    await views.create(ann.id, 'Second', {});
    // a refused save (the same name) changes nothing
    await expect(views.create(ann.id, 'premier', {})).rejects.toBeDefined();
    expect(await counters()).toEqual([2, 0]);
    await expect(views.delete(bob.id, first.id)).rejects.toBeDefined();
    expect(await counters()).toEqual([2, 0]);
    await views.delete(ann.id, first.id);
    expect(await counters()).toEqual([3, 0]);
  });

  it('refuses a duplicate name whatever its case (409), a blank or long name (400 naming `name`), and more than the maximum (422)', async () => {
    const user = await createStaff(t.http, adminToken, { role: 'programme_manager' });
    await views.create(user.id, 'Mes dossiers', { assignee: 'me' });
    const duplicate = await statusOf(views.create(user.id, 'MES DOSSIERS', { sla: 'at_risk' }));
    expect(duplicate).toEqual({ status: 409, response: expect.objectContaining({ code: 'duplicate_name' }) });
    const blank = await statusOf(views.create(user.id, '   ', {}));
    expect(blank.status).toBe(400);
    expect(blank.response).toMatchObject({ errors: [{ field: 'name' }] });
    expect((await statusOf(views.create(user.id, 'x'.repeat(61), {}))).status).toBe(400);
    const long = await statusOf(views.create(user.id, 'Long', { q: 'x'.repeat(1200) }));
    expect(long.response).toMatchObject({ errors: [{ field: 'query' }] });

    for (let i = (await views.list(user.id)).length; i < MAX_VIEWS_PER_USER; i++) await views.create(user.id, `Vue ${i}`, {});
    expect(await views.list(user.id)).toHaveLength(MAX_VIEWS_PER_USER);
    expect(await statusOf(views.create(user.id, 'Une de trop', {}))).toEqual({ status: 422, response: expect.objectContaining({ code: 'too_many_views' }) });
    // nothing half written: the list is as it was
    expect(await views.list(user.id)).toHaveLength(MAX_VIEWS_PER_USER);
  });

  it('creates at most the maximum even when many are saved at once', async () => {
    const user = await createStaff(t.http, adminToken, { role: 'advisor' });
    const results = await Promise.all(Array.from({ length: MAX_VIEWS_PER_USER + 5 }, (_, i) => statusOf(views.create(user.id, `Parallèle ${i}`, {}))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(MAX_VIEWS_PER_USER);
    expect(results.filter((r) => r.status === 422)).toHaveLength(5);
    expect(await views.list(user.id)).toHaveLength(MAX_VIEWS_PER_USER);
  });
});
