import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOCALES, ROLES, type Locale, type Role, type User } from './user.entity';

export class PreferencesView {
  @ApiProperty() weeklyDigest: boolean;
  @ApiProperty({ enum: LOCALES }) locale: Locale;
}

/** A user as the API shows it (the contract: `{id,email,fullName,role,locale,active,capacity?,programmes?,languages?}`). */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: LOCALES }) locale: Locale;
  @ApiProperty() active: boolean;
  @ApiProperty({ description: 'the owner proved the address is theirs (a verification, reset or invitation link; staff created with a password are verified from the start)' })
  emailVerified: boolean;
  @ApiPropertyOptional({ description: 'staff: invited and has not accepted yet (cannot sign in until then)' })
  invitationPending?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true }) capacity?: number | null;
  @ApiPropertyOptional({ type: [String] }) programmes?: string[];
  @ApiPropertyOptional({ type: [String] }) languages?: string[];
  @ApiProperty({ type: PreferencesView }) preferences: PreferencesView;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export function toUserView(user: User): UserView {
  const view: UserView = {
    id: user.id,
    email: user.email,
    fullName: user.fullName,
    role: user.role,
    locale: user.locale,
    active: user.active,
    emailVerified: user.emailVerifiedAt !== null,
    preferences: { weeklyDigest: user.weeklyDigest, locale: user.locale },
    createdAt: user.createdAt.toISOString(),
  };
  if (user.role !== 'founder') {
    // staff prove their address by accepting the invitation: unverified staff are invitations
    view.invitationPending = user.emailVerifiedAt === null;
    view.capacity = user.capacity;
    view.programmes = user.programmes;
    view.languages = user.languages;
  }
  return view;
}

export class AuthResponse {
  @ApiProperty() accessToken: string;
  @ApiProperty({ type: UserView }) user: UserView;
}

export class AccessTokenResponse {
  @ApiProperty() accessToken: string;
}

export class UserResponse {
  @ApiProperty({ type: UserView }) user: UserView;
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
