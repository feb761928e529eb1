import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import type { ReferralView } from '../../referrals/dto/referral.dto';
import { ReferralsService } from '../../referrals/referrals.service';

/** What `partials/staff-case-referrals.hbs` shows: the case's referrals and the "send to partner" form. */
export interface StaffCaseReferralsPanel {
  applicationId: string;
  items: ReferralView[];
  /** the case is `referred`: the form is offered */
  canSend: boolean;
  /** the partners serving the case's programme (the form's choices) */
  partners: { value: string; label: string }[];
  form: { partnerId: string; note: string };
}

/**
 * Builds the staff case page's referrals panel from the referrals service (the same rules as
 * `POST /applications/:id/referrals`: a referred case, a partner serving its programme). The
 * form posts to `/staff/cases/:id/referrals` (ReferralPagesController).
 */
@Injectable()
export class ReferralPanels {
  constructor(private readonly referrals: ReferralsService) {}

  async staffCase(user: AuthUser, app: { id: string; status: string; programme: string | null }, form: { partnerId: string; note: string } = { partnerId: '', note: '' }): Promise<StaffCaseReferralsPanel> {
    const page = await this.referrals.list(user, { applicationId: app.id, limit: 100 });
    const canSend = app.status === 'referred' && app.programme !== null;
    const partners = canSend ? await this.referrals.partnersServing(app.programme as string) : [];
    return { applicationId: app.id, items: page.items, canSend, partners: partners.map((p) => ({ value: p.id, label: p.name })), form };
  }
}
