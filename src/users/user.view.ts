import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOCALES, ROLES, type Locale, type Role, type User } from './user.entity';

export class PreferencesView {
  @ApiProperty() weeklyDigest: boolean;
  @ApiProperty({ enum: LOCALES }) locale: Locale;
}

/** A user as the API shows it (PRODUCT.md: `{id,email,fullName,role,locale,active,capacity?,programmes?,languages?}`). */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: LOCALES }) locale: Locale;
  @ApiProperty() active: boolean;
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
    preferences: { weeklyDigest: user.weeklyDigest, locale: user.locale },
    createdAt: user.createdAt.toISOString(),
  };
  if (user.role !== 'founder') {
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

export class UserPage {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
