import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DOCUMENT_STORAGE, type DocumentStorage } from './document-storage';
import { DocumentsRepository } from './documents.repository';

/** How long an upload may take before the sweep treats its bytes as an orphan. */
export const UPLOAD_RESERVATION_MS = 60 * 60 * 1000;
const RETRY_MS = 5 * 60 * 1000;

/**
 * Deletes document bytes that no row names: those of deleted documents (right after the
 * deletion commits, or at the next sweep if that fails) and those of uploads whose row never
 * committed (a crash, a failed insert) once their reservation is over.
 */
@Injectable()
export class DocumentCleanupService {
  private readonly logger = new Logger('Documents');

  constructor(
    private readonly repository: DocumentsRepository,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    private readonly clock: Clock,
  ) {}

  /** Deletes the bytes of keys already due (detached rows); what fails stays listed for the sweep. */
  async deleteBytes(keys: string[]): Promise<number> {
    let deleted = 0;
    for (const key of keys) {
      const now = this.clock.now();
      if (!(await this.repository.claim(key, now))) continue;
      try {
        await this.storage.delete(key);
        deleted++;
      } catch (error) {
        this.logger.warn(`could not delete the bytes of ${key}, retrying later: ${(error as Error).message}`);
        await this.repository.retryLater(key, new Date(now.getTime() + RETRY_MS));
      }
    }
    return deleted;
  }

  /** An upload failed before its row committed: its reserved key is due now, and its bytes (if any) go. */
  async discard(key: string): Promise<void> {
    await this.repository.dueNow(key, this.clock.now());
    await this.deleteBytes([key]);
  }

  /** The periodic sweep: every due key, in batches. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const keys = await this.repository.dueForCleanup(this.clock.now(), 200);
      if (keys.length === 0) return total;
      const deleted = await this.deleteBytes(keys);
      total += deleted;
      if (deleted === 0) return total; // only failures left: the next run retries
    }
  }
}
