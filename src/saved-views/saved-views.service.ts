import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { Clock } from '../common/clock';
import { FieldValidationException } from '../common/http/validation';
import { Transactions } from '../database/transactions';
import { canonicalInboxQuery, checkViewName, MAX_VIEWS_PER_USER, VIEW_NAME_MAX, VIEW_QUERY_MAX } from './saved-view-rules';
import { SavedViewRow, SavedViewsRepository } from './saved-views.repository';

export interface SavedView {
  id: string;
  name: string;
  /** the inbox's query string, without `?` */
  query: string;
}

/**
 * A staff member's saved inbox views. Each user sees, creates and deletes only their own
 * (another user's view answers 404, as if it did not exist).
 */
@Injectable()
export class SavedViewsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly views: SavedViewsRepository,
    private readonly clock: Clock,
  ) {}

  async list(userId: string): Promise<SavedView[]> {
    return (await this.views.listOf(userId)).map(toView);
  }

  /**
   * Saves the inbox filter `query` (any inbox query: it is reduced to its filters) under `name`.
   * 400 naming `name` (blank, too long) or `query` (too long); 409 `duplicate_name` when the user
   * already has a view of that name; 422 `too_many_views` beyond MAX_VIEWS_PER_USER.
   */
  async create(userId: string, rawName: unknown, query: Record<string, unknown>): Promise<SavedView> {
    const name = checkViewName(rawName);
    const canonical = canonicalInboxQuery(query);
    const errors = [];
    if (!name.ok) errors.push({ field: 'name', messages: [name.code === 'name_required' ? 'name is required' : `name must be at most ${VIEW_NAME_MAX} characters`] });
    if (canonical.length > VIEW_QUERY_MAX) errors.push({ field: 'query', messages: [`the filter must be at most ${VIEW_QUERY_MAX} characters`] });
    if (!name.ok || errors.length > 0) throw new FieldValidationException(errors);
    const row = await this.transactions.run(async (em) => {
      await this.views.lockUser(em, userId);
      if ((await this.views.countOf(em, userId)) >= MAX_VIEWS_PER_USER) {
        throw new UnprocessableEntityException({ message: `At most ${MAX_VIEWS_PER_USER} saved views: delete one first`, code: 'too_many_views' });
      }
      const inserted = await this.views.insert(em, { userId, name: name.name, query: canonical, now: this.clock.now() });
      if (!inserted) throw new ConflictException({ message: `You already have a view named ${name.name}`, code: 'duplicate_name' });
      return inserted;
    });
    return toView(row);
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.views.delete(userId, id))) throw new NotFoundException('No such saved view');
  }
}

function toView(row: SavedViewRow): SavedView {
  return { id: row.id, name: row.name, query: row.query };
}
