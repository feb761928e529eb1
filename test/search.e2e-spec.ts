import { buildInboxQuery, inboxCursorKey, type InboxFilters, type InboxSort } from '../src/applications/inbox-query';
import type { CursorKey } from '../src/common/pagination/cursor';
import { auth, submitCase } from './support/cases';
import { ADMIN, createStaff, createTestApp, login, TestApp } from './support/test-app';

/**
 * The inbox's `q` (issue 12): a reference, part of the startup's name (as before), and now the
 * words of the project summary, stemmed in French and in English, and the founder's name.
 */
describe('inbox search', () => {
  let t: TestApp;
  let advisorToken: string;
  const names: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ now: '2027-03-01T09:00:00Z', env: { APP_ROLE: 'api' } });
    const admin = await login(t.http, ADMIN.email, ADMIN.password);
    advisorToken = (await createStaff(t.http, admin, { role: 'advisor' })).token;
    const plan: [string, string, string][] = [
      ['Pulsar', 'Un patch connecté qui détecte les arythmies cardiaques à domicile, validé avec un hôpital universitaire.', 'Camille Rousseau'],
      ['Retina Lab', 'An algorithm that reads retinal images to detect early diabetic retinopathy in primary care.', 'Hugo Lefebvre'],
      ['Sepsix', 'A point-of-care assay for sepsis biomarkers, running in twenty minutes at the bedside.', 'Inès Moreau'],
    ];
    for (const [startupName, projectSummary, fullName] of plan) {
      const c = await submitCase(t.http, { startupName, projectSummary }, { fullName });
      names[c.id] = startupName;
    }
    // a draft's words never reach staff
    const draftOwner = (await submitCase(t.http, { startupName: 'Visible' }, { fullName: 'Draft Writer' })).founder;
    await t.http.post('/api/v1/applications').set(...auth(draftOwner.token)).send({ startupName: 'Hidden Draft', projectSummary: 'Des arythmies cardiaques encore, mais dans un brouillon que personne ne voit.' }).expect(201);
  });
  afterAll(() => t.close());

  async function search(q: string): Promise<string[]> {
    const res = await t.http.get(`/api/v1/applications?q=${encodeURIComponent(q)}`).set(...auth(advisorToken)).expect(200);
    return (res.body.items as { id: string; startupName: string }[]).map((i) => i.startupName).sort();
  }

  it('finds words of the project summary, whatever their inflection, in French and in English', async () => {
    expect(await search('arythmie cardiaque')).toEqual(['Pulsar']); // "arythmies cardiaques"
    expect(await search('hôpital')).toEqual(['Pulsar']);
    expect(await search('detecting retina')).toEqual(['Retina Lab']); // "detect", "retinal": English stems
    expect(await search('biomarker')).toEqual(['Sepsix']);
    expect(await search('primary care')).toEqual(['Retina Lab']);
    // a stop word of one language does not widen the search ("d" is one in French)
    expect(await search('Sepsix d')).toEqual([]);
    expect(await search('quantum blockchain')).toEqual([]);
  });

  it('finds the founder by name, and still by reference and part of the startup name', async () => {
    expect(await search('Rousseau')).toEqual(['Pulsar']);
    expect(await search('inès moreau')).toEqual(['Sepsix']);
    expect(await search('etina')).toEqual(['Retina Lab']); // part of a name: the trigram path
    const ref = (await t.http.get('/api/v1/applications?q=Sepsix').set(...auth(advisorToken)).expect(200)).body.items[0].reference as string;
    expect(await search(ref)).toEqual(['Sepsix']);
  });

  it('follows a founder who changes their name, and never shows a draft', async () => {
    await t.db.query(`UPDATE users SET full_name = 'Camille Bernard' WHERE full_name = 'Camille Rousseau'`);
    expect(await search('Bernard')).toEqual(['Pulsar']);
    expect(await search('Rousseau')).toEqual([]);
    expect(await search('Draft Writer')).toEqual(['Visible']);
    expect(await search('brouillon')).toEqual([]);
  });

  it('is served by the full-text index', async () => {
    // enough cases for the planner to care (the bench report shows the plan at a million)
    const owner = (await t.db.query(`SELECT id FROM users WHERE role = 'founder' LIMIT 1`)).rows[0].id as string;
    await t.db.query(
      `INSERT INTO applications (reference, owner_id, status, startup_name, project_summary, submitted_at, decision_due_at)
       SELECT 'GU-2020-' || lpad(i::text, 6, '0'), $1, 'submitted', 'Filler ' || i, 'Un dossier de remplissage sur la logistique des entrepôts, numéro ' || i, now(), now()
       FROM generate_series(1, 20000) AS i`,
      [owner],
    );
    // (as autovacuum would: a GIN index fed row by row keeps a pending list until vacuumed)
    await t.db.query('VACUUM ANALYZE applications');
    const plan = (await t.db.query(`EXPLAIN SELECT id FROM applications a WHERE a.status <> 'draft' AND a.search @@ (websearch_to_tsquery('simple', 'arythmie') || websearch_to_tsquery('french', 'arythmie') || websearch_to_tsquery('english', 'arythmie'))`)).rows
      .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('Bitmap Index Scan on applications_search_idx');
  });

  it('pages a search the same whichever way it finds the page: among the first cases in order, by gathering the matches, or walking the order', async () => {
    // (after the 20,000 fillers above, all submitted at one instant: the order's ties fall to the id)
    type Row = { id: string; created_at: Date; submitted_at: Date | null; decision_due_at: Date | null };
    const pages = async (q: string, sort: InboxSort, search: { walkFirst: number; sortedAtMost: number } | undefined, extra: Partial<InboxFilters> = {}): Promise<string[][]> => {
      const now = new Date('2027-03-01T09:00:00Z');
      const out: string[][] = [];
      let after: CursorKey | null = null;
      for (let page = 0; page < 4; page++) {
        const { sql, params } = buildInboxQuery({ now, atRiskUntil: now }, { q, sort, limit: 7, after, ...extra }, search);
        const rows = (await t.db.query(sql, params)).rows as Row[];
        out.push(rows.slice(0, 7).map((r) => r.id));
        if (rows.length <= 7) break;
        after = inboxCursorKey(rows[6], sort, false);
      }
      return out;
    };
    const walk = { walkFirst: 0, sortedAtMost: -1 };
    const ways = [
      undefined, // as the app runs
      { walkFirst: 0, sortedAtMost: 100_000 }, // always gathered
      { walkFirst: 3, sortedAtMost: 10 }, // a mix, page by page
    ];
    const searches: [string, InboxSort, Partial<InboxFilters>?][] = [
      ['pulsar', '-submittedAt'],
      ['filler 1', '-submittedAt'], // part of 11,111 names
      ['filler 1234', 'submittedAt'],
      ['entrepôts', '-submittedAt'], // a word of 20,000 summaries
      ['entrepôts', 'decisionDueAt', { statuses: ['submitted'] }],
      ['quantum blockchain', '-submittedAt'],
    ];
    for (const [q, sort, extra] of searches) {
      const expected = await pages(q, sort, walk, extra);
      expect(expected.flat().length).toBeLessThanOrEqual(28);
      for (const way of ways) expect({ q, sort, way, pages: await pages(q, sort, way, extra) }).toEqual({ q, sort, way, pages: expected });
    }
    expect((await pages('filler 1', '-submittedAt', walk)).flat()).toHaveLength(28);
  });
});
