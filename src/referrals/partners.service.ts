import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccountTokensRepository } from '../accounts/account-tokens.repository';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transactions';
import { FieldValidationException } from '../common/http/validation';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { enqueueEmails } from '../notifications/email-outbox.repository';
import { UsersService } from '../users/users.service';
import type { CreatePartnerDto, PartnerContactDto, PartnerView, UpdatePartnerDto } from './dto/referral.dto';
import { ContactRow, PartnerRow, ReferralsRepository } from './referrals.repository';

const UNIQUE_VIOLATION = '23505';

/**
 * Partner organisations (admin): their kind, the external programmes they serve and their
 * contact people. A new contact gets a `partner` account by invitation (the `invitation` email,
 * in the same transaction), linked to the organisation; a contact taken off the list loses the
 * account (deactivated: it gave access to nothing else).
 */
@Injectable()
export class PartnersService {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ReferralsRepository,
    private readonly users: UsersService,
    private readonly accountTokens: AccountTokensRepository,
    private readonly clock: Clock,
  ) {}

  async create(admin: AuthUser, dto: CreatePartnerDto): Promise<PartnerView> {
    const now = this.clock.now();
    const id = await this.transactions
      .run(async (em) => {
        await this.checkProgrammes(em, dto.programmes);
        const partner = await this.repository.insertPartner(em, { name: dto.name, kind: dto.kind, programmes: dto.programmes }, now);
        await this.addContacts(em, partner.id, dto.contacts, admin, now);
        return partner.id;
      })
      .catch(duplicateName);
    return this.get(id);
  }

  async update(admin: AuthUser, id: string, dto: UpdatePartnerDto): Promise<PartnerView> {
    const now = this.clock.now();
    await this.transactions
      .run(async (em) => {
        const partner = await this.repository.lockPartner(em, id);
        if (!partner) throw new NotFoundException('Partner not found');
        if (dto.programmes) await this.checkProgrammes(em, dto.programmes);
        await this.repository.updatePartner(em, id, { name: dto.name, kind: dto.kind, programmes: dto.programmes }, now);
        if (dto.contacts) {
          const current = await this.repository.contacts(em, [id]);
          const wanted = new Set(dto.contacts.map((c) => c.email.toLowerCase()));
          await this.repository.unlinkContacts(
            em,
            id,
            current.filter((c) => !wanted.has(c.email.toLowerCase())).map((c) => c.user_id),
          );
          const have = new Set(current.map((c) => c.email.toLowerCase()));
          await this.addContacts(em, id, dto.contacts.filter((c) => !have.has(c.email.toLowerCase())), admin, now);
        }
      })
      .catch(duplicateName);
    return this.get(id);
  }

  async get(id: string): Promise<PartnerView> {
    const partner = await this.repository.findPartner(this.repository.reads, id);
    if (!partner) throw new NotFoundException('Partner not found');
    const contacts = await this.repository.contacts(this.repository.reads, [id]);
    return toPartnerView(partner, contacts);
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<PartnerView>> {
    const rows = await this.repository.listPartners(limit, decodeCursor(cursor, 2));
    const contacts = await this.repository.contacts(this.repository.reads, rows.slice(0, limit).map((r) => r.id));
    return toPage(
      rows,
      limit,
      (r) => toPartnerView(r, contacts.filter((c) => c.partner_id === r.id)),
      (r) => [r.name.toLowerCase(), r.id],
    );
  }

  /** 400 naming `programmes` unless every slug is an existing external programme. */
  private async checkProgrammes(em: EntityManager, slugs: string[]): Promise<void> {
    const kinds = await this.repository.programmeKinds(em, slugs);
    const unknown = slugs.filter((s) => !kinds.has(s));
    const internal = slugs.filter((s) => kinds.get(s) === 'internal');
    const messages = [
      ...(unknown.length ? [`programmes names unknown programmes: ${unknown.join(', ')}`] : []),
      ...(internal.length ? [`programmes must be external programmes (a partner serves referrals): ${internal.join(', ')} are internal`] : []),
    ];
    if (messages.length) throw new FieldValidationException([{ field: 'programmes', messages }]);
  }

  /**
   * Links each contact: a new address gets a `partner` account and an invitation; an existing
   * partner account without an organisation is linked (and made active again); any other
   * account (staff, founder, another organisation's contact) is a 409.
   */
  private async addContacts(em: EntityManager, partnerId: string, contacts: PartnerContactDto[], admin: AuthUser, now: Date): Promise<void> {
    for (const contact of contacts) {
      const existing = await this.repository.accountByEmail(em, contact.email);
      if (existing) {
        if (existing.role !== 'partner') throw new ConflictException(`${contact.email} already has an account that is not a partner contact`);
        if (existing.partner_id && existing.partner_id !== partnerId) throw new ConflictException(`${contact.email} is already a contact of another partner`);
        if (!existing.partner_id) await this.repository.linkContact(em, partnerId, existing.id, now);
        continue;
      }
      const user = await this.users.insert({ email: contact.email, fullName: contact.fullName, role: 'partner', locale: contact.locale ?? 'fr' }, em);
      await this.repository.linkContact(em, partnerId, user.id, now);
      const link = await this.accountTokens.create(em, user.id, 'invitation', now);
      await enqueueEmails(em, [{ template: 'invitation', recipientId: user.id, eventKey: link.id, data: { tokenId: link.id, invitedBy: admin.id } }], now);
    }
  }
}

function duplicateName(error: unknown): never {
  if ((error as { code?: string }).code === UNIQUE_VIOLATION && /partners_name_idx/.test(String((error as { constraint?: string }).constraint ?? (error as Error).message))) {
    throw new ConflictException('A partner with this name already exists');
  }
  throw error;
}

export function toPartnerView(r: PartnerRow, contacts: ContactRow[]): PartnerView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    programmes: r.programmes,
    contacts: contacts.map((c) => ({ id: c.user_id, email: c.email, fullName: c.full_name, pending: c.pending, active: c.active })),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
