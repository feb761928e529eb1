import { Injectable } from '@nestjs/common';
import type { Composers } from '../notifications/email-composer';
import { RetentionRepository } from './retention.repository';

/** Composes `retention-warning` at send time; skipped when the case is already gone. */
@Injectable()
export class RetentionEmailsComposer {
  constructor(private readonly repository: RetentionRepository) {}

  readonly composers: Composers<'retention-warning'> = {
    'retention-warning': async (em, email, recipient, base) => {
      const app = await this.repository.warnedCase(em, email.application_id);
      if (!app) return { send: false, why: 'already purged' };
      const lastActivity = new Date(String(email.data.lastActivity));
      return {
        send: true,
        context: {
          ...base,
          kind: email.data.kind === 'draft' ? 'draft' : 'closed_case',
          application: { id: app.id, reference: app.reference, startupName: app.startup_name, status: app.status },
          lastActivityAt: lastActivity,
          purgeOn: String(email.data.purgeOn),
        },
      };
    },
  };
}
