import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface SavedViewRow {
  id: string;
  name: string;
  query: string;
}

/** The `saved_views` table: every query on it. */
@Injectable()
export class SavedViewsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A user's views, in the order they were saved (the navigation keeps its places). */
  listOf(userId: string): Promise<SavedViewRow[]> {
    return this.dataSource.query('SELECT id, name, query FROM saved_views WHERE user_id = $1 ORDER BY seq', [userId]);
  }

  /** Serialises one user's creations, so that the count checked before an insert stays true. */
  async lockUser(em: EntityManager, userId: string): Promise<void> {
    // an advisory lock rather than the user's row: signing in or a preference change is not held up
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('saved_views:' || $1::text))`, [userId]);
  }

  async countOf(em: EntityManager, userId: string): Promise<number> {
    const rows: { n: number }[] = await em.query('SELECT count(*)::int AS n FROM saved_views WHERE user_id = $1', [userId]);
    return rows[0].n;
  }

  /** Null when the user already has a view of that name (whatever its case). */
  async insert(em: EntityManager, view: { userId: string; name: string; query: string; now: Date }): Promise<SavedViewRow | null> {
    const rows: SavedViewRow[] = await em.query(
      `INSERT INTO saved_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, lower(name)) DO NOTHING RETURNING id, name, query`,
      [view.userId, view.name, view.query, view.now],
    );
    return rows[0] ?? null;
  }

  /** Whether a view of this user was deleted (another user's view is left alone). */
  async delete(userId: string, id: string): Promise<boolean> {
    // (as a SELECT: TypeORM answers a bare DELETE with [rows, count])
    const rows: { n: number }[] = await this.dataSource.query('WITH gone AS (DELETE FROM saved_views WHERE id = $1 AND user_id = $2 RETURNING id) SELECT count(*)::int AS n FROM gone', [id, userId]);
    return rows[0].n > 0;
  }
}
