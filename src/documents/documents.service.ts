import { ConflictException, HttpException, HttpStatus, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { ApplicationRow } from '../applications/application.view';
import { type CaseRef, CaseVisibility, visibleId } from '../common/case-visibility';
import { FieldValidationException, unprocessable } from '../common/http/validation';
import { Transactions } from '../database/transactions';
import { FOUNDER_EDITABLE_STATUSES } from '../domain/case-sql';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { appendCaseEvent } from '../timeline/case-events';
import { DocumentCleanupService, UPLOAD_RESERVATION_MS } from './document-cleanup.service';
import { ACCEPTED_FORMAT_NAMES, DOCUMENT_KINDS, isDocumentKind, MAX_DOCUMENT_BYTES, MAX_DOCUMENTS_PER_APPLICATION, sanitizeFilename } from '../domain/document-rules';
import { DocumentBytesMissing, DOCUMENT_STORAGE, type DocumentStorage } from './document-storage';
import { DocumentsRepository, type DocumentRow } from './documents.repository';
import { DocumentView, toDocumentView } from './document.view';
import { MultipartError, receiveMultipart } from './multipart-upload';
import { DocumentTooLarge, DocumentTypeRefused, UploadInspector } from './upload-inspector';

/** The storage failed (unreachable, refused the request, disk full…): a 503, logged. */
class StorageUnavailable extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StorageUnavailable';
  }
}

/** The founder may add or delete documents while the application is editable. */
function editable(status: string): boolean {
  return (FOUNDER_EDITABLE_STATUSES as readonly string[]).includes(status);
}

/** A 400 naming the field, or the same body under another status (413, 415) when the file is the problem. */
function fieldError(status: number, field: string, message: string): HttpException {
  const errors = [{ field, messages: [message] }];
  return status === 400 ? new FieldValidationException(errors) : new HttpException({ message: [message], errors }, status);
}

/**
 * Documents attached to an application. An upload streams from the request through the
 * UploadInspector (size limit, SHA-256, type from the bytes) into the storage; the row commits
 * only after the bytes are written, and the key was put on the sweep's list before the first
 * byte, so a crash in between leaves nothing behind for long. Who may see a document is who
 * may see its application (ApplicationsService.findVisible).
 */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger('Documents');

  constructor(
    private readonly transactions: Transactions,
    private readonly applications: CaseVisibility,
    private readonly repository: DocumentsRepository,
    private readonly cleanup: DocumentCleanupService,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    private readonly clock: Clock,
  ) {}

  /**
   * `beforeFile` (the web form's CSRF check) sees the text fields sent before the file part and
   * may refuse by throwing, before a byte of the file is stored.
   */
  async upload(applicationId: string, user: AuthUser, req: IncomingMessage, beforeFile?: (fields: Readonly<Record<string, string>>) => void): Promise<DocumentView> {
    // refuse before reading a byte of the body when we already know the answer
    await this.transactions.run((em) => this.checkCanAdd(em, applicationId, user, false));
    const key = randomUUID();
    await this.reserve(key);
    try {
      const { fields, file } = await receiveMultipart(req, 'file', async (stream: Readable, filename: string | undefined) => {
        const inspector = new UploadInspector(MAX_DOCUMENT_BYTES);
        stream.on('error', (error) => inspector.destroy(error));
        stream.pipe(inspector);
        const contentType = await inspector.contentType;
        try {
          await this.storage.write(key, inspector, contentType);
        } catch (error) {
          // the upload's own failures (too large, refused, interrupted) pass; anything else is the storage's
          throw error instanceof DocumentTooLarge || error instanceof DocumentTypeRefused || error instanceof MultipartError ? error : new StorageUnavailable(error);
        }
        return { filename: sanitizeFilename(filename), contentType, size: inspector.byteCount, sha256: inspector.sha256 };
      }, beforeFile);
      const kind = fields.kind;
      if (!isDocumentKind(kind)) {
        throw fieldError(400, 'kind', kind === undefined ? `kind is required: one of ${DOCUMENT_KINDS.join(', ')}` : `kind must be one of ${DOCUMENT_KINDS.join(', ')}`);
      }
      const now = this.clock.now();
      const row = await this.transactions.run(async (em) => {
        const app = await this.checkCanAdd(em, applicationId, user, true);
        const inserted = await this.repository.insert(em, {
          application_id: applicationId,
          kind,
          filename: file.filename,
          content_type: file.contentType,
          size: file.size,
          sha256: file.sha256,
          storage_key: key,
          uploaded_by: user.id,
          created_at: now,
        });
        if (!inserted) throw new HttpException({ message: 'The upload took too long; please send the file again' }, HttpStatus.REQUEST_TIMEOUT);
        await this.touch(em, app, user, now, 'document_added', { documentId: inserted.id, kind });
        return inserted;
      });
      return toDocumentView(row);
    } catch (error) {
      // the row did not commit: whatever bytes were written must go (the sweep deletes them if this fails too)
      await this.cleanup.discard(key).catch(() => undefined);
      throw this.httpError(error);
    }
  }

  async list(ref: CaseRef, user: AuthUser): Promise<{ items: DocumentView[]; nextCursor: null }> {
    // a case its viewer was already shown (a founder their own, staff a submitted one): one read, no transaction around it
    if (typeof ref !== 'string' && user.role !== 'expert' && user.role !== 'partner') {
      const id = await visibleId(this.applications, ref, user);
      return { items: (await this.repository.listNow(id)).map(toDocumentView), nextCursor: null };
    }
    const applicationId = typeof ref === 'string' ? ref : ref.row.id;
    const rows = await this.transactions.run(async (em) => {
      await this.checkVisible(em, applicationId, user);
      return this.repository.list(em, applicationId);
    });
    return { items: rows.map(toDocumentView), nextCursor: null };
  }

  /** The document's row and bytes, for whoever may see its application. */
  async content(documentId: string, user: AuthUser): Promise<{ document: DocumentView; stream: Readable }> {
    const row = await this.transactions.run((em) => this.visible(em, documentId, user));
    try {
      return { document: toDocumentView(row), stream: await this.storage.read(row.storage_key) };
    } catch (error) {
      if (error instanceof DocumentBytesMissing) {
        this.logger.error(`document ${row.id} has a row but no bytes under ${row.storage_key}`);
        throw new NotFoundException('The document’s content is not available');
      }
      throw this.httpError(new StorageUnavailable(error));
    }
  }

  /** The owner deletes a document while the application is editable. */
  async delete(documentId: string, user: AuthUser): Promise<void> {
    const now = this.clock.now();
    const keys = await this.transactions.run(async (em) => {
      if (user.role !== 'founder') throw new NotFoundException('Document not found');
      const row = await this.visible(em, documentId, user);
      const app = await this.applications.findVisible(em, row.application_id, user, true);
      if (!editable(app.status)) throw unprocessable(`Documents can be deleted only while the application is a draft or information is requested (it is ${app.status})`);
      const detached = await this.repository.detach(em, { ids: [row.id] }, now);
      await this.touch(em, app, user, now, 'document_removed', { documentId: row.id, kind: row.kind });
      return detached;
    });
    await this.cleanup.deleteBytes(keys);
  }

  private async visible(em: EntityManager, documentId: string, user: AuthUser): Promise<DocumentRow> {
    const row = await this.repository.find(em, documentId);
    if (!row) throw new NotFoundException('Document not found');
    try {
      await this.checkVisible(em, row.application_id, user);
    } catch {
      throw new NotFoundException('Document not found');
    }
    return row;
  }

  /**
   * Who may read an application's documents: who may see the application (its owner; staff
   * once submitted) and, for a partner contact, only once the founder consented to a referral
   * of it to their organisation (404 before, as for anything else); for an expert, only while
   * their review of it is open or submitted (they declared no conflict).
   */
  private async checkVisible(em: EntityManager, applicationId: string, user: AuthUser): Promise<void> {
    if (user.role === 'expert') {
      if (!(await this.repository.readByReviewer(em, applicationId, user.id))) throw new NotFoundException('Application not found');
      return;
    }
    if (user.role === 'partner') {
      if (!(await this.repository.sharedWithPartner(em, applicationId, user.id))) throw new NotFoundException('Application not found');
      return;
    }
    await this.applications.findVisible(em, applicationId, user);
  }

  /** Owner, editable status, room for one more (with the case row locked when `lock`, so two uploads cannot both take the 20th place). */
  private async checkCanAdd(em: EntityManager, applicationId: string, user: AuthUser, lock: boolean): Promise<ApplicationRow> {
    if (user.role !== 'founder') throw new NotFoundException('Application not found');
    const app = await this.applications.findVisible(em, applicationId, user, lock);
    if (!editable(app.status)) throw unprocessable(`Documents can be added only while the application is a draft or information is requested (it is ${app.status})`);
    if ((await this.repository.count(em, app.id)) >= MAX_DOCUMENTS_PER_APPLICATION) {
      throw new ConflictException(`An application has at most ${MAX_DOCUMENTS_PER_APPLICATION} documents: delete one first`);
    }
    return app;
  }

  /**
   * A change of documents is a change of the application: its `updated_at` moves, and a
   * submitted case's timeline says so — with the document's id and kind only, never its file
   * name (the founder's free text has no place in the hash-chained events, which erasure keeps).
   */
  private async touch(em: EntityManager, app: ApplicationRow, user: AuthUser, now: Date, type: 'document_added' | 'document_removed', data: Record<string, unknown>): Promise<void> {
    await this.repository.touchApplication(em, app.id, now);
    if (app.status !== 'draft') await appendCaseEvent(em, { applicationId: app.id, at: now, type, actor: { id: user.id, role: user.role }, public: true, data }, { caseLocked: true });
  }

  private async reserve(key: string): Promise<void> {
    try {
      await this.repository.reserveKey(key, new Date(this.clock.now().getTime() + UPLOAD_RESERVATION_MS));
    } catch (error) {
      throw this.httpError(error);
    }
  }

  private httpError(error: unknown): unknown {
    if (error instanceof HttpException) return error;
    if (error instanceof DocumentTooLarge) return fieldError(413, 'file', `file must be at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`);
    if (error instanceof DocumentTypeRefused) return fieldError(415, 'file', `file must be one of ${ACCEPTED_FORMAT_NAMES} (decided from its content, not its name)`);
    if (error instanceof MultipartError) return fieldError(400, error.field, error.message);
    if (error instanceof StorageUnavailable) {
      this.logger.error(`document storage failed: ${error.message}`);
      return new ServiceUnavailableException('The document storage is unavailable; please try again shortly');
    }
    return error;
  }
}
