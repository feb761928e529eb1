import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/pagination/page-query.dto';
import { LOCALES, type Locale } from '../../users/user.entity';
import { NormaliseEmail, Trim } from '../../users/dto/user-fields';
import { PARTNER_KINDS, REFERRAL_OUTCOMES, REFERRAL_STATUSES, type PartnerKind, type ReferralOutcome, type ReferralStatus } from '../../domain/referral-rules';

export class PartnerContactDto {
  @ApiProperty({ example: 'julie.bernard@incubateur.example' })
  @NormaliseEmail()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Julie Bernard' })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'fullName is required' })
  @MaxLength(120)
  fullName: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'fr', description: 'the language of their emails (new contacts only)' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;
}

const SLUGS = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class CreatePartnerDto {
  @ApiProperty({ example: 'Incubateur Paris Santé' })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: PARTNER_KINDS })
  @IsIn(PARTNER_KINDS, { message: `kind must be one of ${PARTNER_KINDS.join(', ')}` })
  kind: PartnerKind;

  @ApiProperty({ type: [String], example: ['external-incubator'], description: 'slugs of the external programmes this partner serves' })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SLUGS, { each: true, message: 'programmes must be programme slugs' })
  programmes: string[];

  @ApiProperty({ type: [PartnerContactDto], description: 'each new contact is invited to a `partner` account' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PartnerContactDto)
  contacts: PartnerContactDto[];
}

export class UpdatePartnerDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: PARTNER_KINDS })
  @IsOptional()
  @IsIn(PARTNER_KINDS, { message: `kind must be one of ${PARTNER_KINDS.join(', ')}` })
  kind?: PartnerKind;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SLUGS, { each: true, message: 'programmes must be programme slugs' })
  programmes?: string[];

  @ApiPropertyOptional({ type: [PartnerContactDto], description: 'the whole list: new addresses are invited, missing ones are taken off (their accounts deactivated)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PartnerContactDto)
  contacts?: PartnerContactDto[];
}

export class PartnerContactView {
  @ApiProperty({ format: 'uuid', description: 'the contact’s account' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ description: 'the invitation is not accepted yet' }) pending: boolean;
  @ApiProperty() active: boolean;
}

export class PartnerView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PARTNER_KINDS }) kind: PartnerKind;
  @ApiProperty({ type: [String] }) programmes: string[];
  @ApiProperty({ type: [PartnerContactView] }) contacts: PartnerContactView[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PartnerPage {
  @ApiProperty({ type: [PartnerView] }) items: PartnerView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PartnerListQuery extends PageQuery {}

export class CreateReferralDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'partnerId must be a partner id' })
  partnerId: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'for the partner: why this startup, what it needs; the founder reads it before consenting' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class ConsentDto {
  @ApiProperty({ description: 'true: share the application with the partner; false: do not' })
  @IsBoolean({ message: 'consent must be true or false' })
  consent: boolean;
}

export class ReferralResponseDto {
  @ApiProperty({ enum: REFERRAL_OUTCOMES })
  @IsIn(REFERRAL_OUTCOMES, { message: `outcome must be one of ${REFERRAL_OUTCOMES.join(', ')}` })
  outcome: ReferralOutcome;

  @ApiPropertyOptional({ maxLength: 4000, description: 'required to decline; a meeting proposal may say when and where' })
  @ValidateIf((o: ReferralResponseDto) => o.outcome === 'declined' || o.reason !== undefined)
  @Trim()
  @IsString({ message: 'reason is required to decline' })
  @MinLength(1, { message: 'reason is required to decline' })
  @MaxLength(4000)
  reason?: string;
}

export class ReferralListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'staff only' })
  @IsOptional()
  @IsUUID('all', { message: 'partnerId must be a partner id' })
  partnerId?: string;

  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES, { message: `status must be one of ${REFERRAL_STATUSES.join(', ')}` })
  status?: ReferralStatus;
}

export class ReferralsReportQuery {
  @ApiProperty({ example: '2027-03-01', description: 'first day of the period (Europe/Paris), YYYY-MM-DD' })
  @IsOptional()
  from?: unknown;

  @ApiProperty({ example: '2027-03-31', description: 'last day of the period, inclusive' })
  @IsOptional()
  to?: unknown;
}

export class ReferralApplicationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty() startupName: string;
  @ApiProperty({ nullable: true, type: String }) programme: string | null;
  @ApiPropertyOptional({ description: 'the application’s fields (partners after consent, staff)', type: 'object', additionalProperties: true }) fields?: Record<string, unknown>;
}

export class ReferralDocumentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() kind: string;
  @ApiProperty() filename: string;
  @ApiProperty() contentType: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ReferralFounderView {
  @ApiProperty() fullName: string;
  @ApiProperty() email: string;
}

export class ReferralView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ format: 'uuid' }) partnerId: string;
  @ApiProperty() partnerName: string;
  @ApiProperty({ enum: REFERRAL_STATUSES }) status: ReferralStatus;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the partner’s reason or meeting proposal' }) reason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the advisor who referred' }) referredByName: string | null;
  @ApiProperty({ type: ReferralApplicationView }) application: ReferralApplicationView;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) consentAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'the first answer' }) answeredAt: string | null;
  @ApiPropertyOptional({ type: [ReferralDocumentView], description: 'GET /referrals/:id, for partners and staff' }) documents?: ReferralDocumentView[];
  @ApiPropertyOptional({ type: ReferralFounderView, description: 'GET /referrals/:id, for partners (consent given) and staff' }) founder?: ReferralFounderView;
}

export class ReferralPage {
  @ApiProperty({ type: [ReferralView] }) items: ReferralView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PartnerReportRowView {
  @ApiProperty({ format: 'uuid' }) partnerId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'referrals sent (consent given) in the period' }) sent: number;
  @ApiProperty({ description: 'of those, answered (any outcome)' }) answered: number;
  @ApiProperty() accepted: number;
  @ApiProperty() declined: number;
  @ApiProperty({ nullable: true, type: Number, description: 'business days from sending to the first answer (Europe/Paris), median, 0.1' }) medianBusinessDaysToAnswer: number | null;
}

export class ReferralsReportView {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: [PartnerReportRowView] }) items: PartnerReportRowView[];
}
