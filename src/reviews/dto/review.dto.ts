import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { NormaliseEmail, Trim } from '../../users/dto/user-fields';
import { LOCALES, type Locale } from '../../users/user.entity';
import { RECOMMENDATIONS, type ReviewRecommendation } from '../../domain/review-rules';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Invite a reviewer: an existing staff member or expert (`reviewerId`), or a new expert by email. */
export class InviteReviewerDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'a staff member or an existing expert; or give email and fullName instead' })
  @ValidateIf((o: InviteReviewerDto) => o.reviewerId !== undefined || o.email === undefined)
  @IsUUID('all', { message: 'reviewerId must be a uuid (or give email and fullName to invite a new expert)' })
  reviewerId?: string;

  @ApiPropertyOptional({ example: 'dr.lemoine@hopital.example', description: 'invites a new expert by email (an invitation email, then review-invited)' })
  @ValidateIf((o: InviteReviewerDto) => o.email !== undefined || o.fullName !== undefined)
  @NormaliseEmail()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'Dr Anne Lemoine' })
  @ValidateIf((o: InviteReviewerDto) => o.email !== undefined || o.fullName !== undefined)
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  fullName?: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'fr', description: "the new expert's language" })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiProperty({ format: 'date', example: '2027-01-15', description: 'the day the review is due (today or later)' })
  @Matches(DAY, { message: 'dueOn must be a date written YYYY-MM-DD' })
  dueOn: string;
}

export class DeclarationDto {
  @ApiProperty({ description: 'true: a conflict of interest (the review is recused); false: none (the review opens)' })
  @IsBoolean()
  conflict: boolean;

  @ApiPropertyOptional({ maxLength: 2000, description: 'what the conflict is' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  details?: string;
}

export class SubmitReviewDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer', minimum: 0 }, example: { science: 4, team: 3 }, description: 'a score for every criterion of the rubric, from 0 to its max; no other key' })
  @IsObject({ message: 'scores must be an object {criterion key: score}' })
  scores: Record<string, unknown>;

  @ApiProperty({ maxLength: 5000 })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'comment is required' })
  @MaxLength(5000)
  comment: string;

  @ApiProperty({ enum: RECOMMENDATIONS })
  @IsIn(RECOMMENDATIONS)
  recommendation: ReviewRecommendation;
}

export class CreateCommitteeDto {
  @ApiProperty({ example: 'Comité PoC — janvier 2027' })
  @Trim()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;

  @ApiProperty({ format: 'date', example: '2027-01-20' })
  @Matches(DAY, { message: 'meetsOn must be a date written YYYY-MM-DD' })
  meetsOn: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'the cases on the agenda' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique({ message: 'applicationIds must not repeat a case' })
  @IsUUID('all', { each: true, message: 'each of applicationIds must be a uuid' })
  applicationIds: string[];
}

export const COMMITTEE_DECISIONS = ['accepted', 'declined'] as const;
export type CommitteeDecision = (typeof COMMITTEE_DECISIONS)[number];

export class CommitteeDecisionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  applicationId: string;

  @ApiProperty({ enum: COMMITTEE_DECISIONS })
  @IsIn(COMMITTEE_DECISIONS)
  decision: CommitteeDecision;

  @ApiProperty({ maxLength: 5000, description: "the committee's rationale (the decision's reason)" })
  @Trim()
  @IsString()
  @MinLength(1, { message: 'reason is required' })
  @MaxLength(5000)
  reason: string;

  @ApiProperty({ description: 'the version of the case you saw; 409 with the current one if it changed meanwhile', minimum: 1 })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}
