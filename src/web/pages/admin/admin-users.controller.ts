import { Controller, Get, NotFoundException, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../../auth/auth-user';
import { Public } from '../../../common/http/auth.decorators';
import { UuidParamPipe } from '../../../common/http/is-uuid.pipe';
import type { FieldError } from '../../../common/http/validation';
import { CreateUserDto, STAFF_ROLE_VALUES } from '../../../users/dto/create-user.dto';
import { UpdateUserDto } from '../../../users/dto/update-user.dto';
import { LOCALES } from '../../../users/user.entity';
import { toUserView, type UserView } from '../../../users/user.view';
import { UsersService } from '../../../users/users.service';
import { listOf, textOf, validateWithDto } from '../../forms/form-validation';
import { SignedIn, WebRequest } from '../../web-context';
import { WebExceptionFilter } from '../../web-exception.filter';
import { WebGuard } from '../../web.guard';
import { WebPages } from '../../web-pages.service';
import { ProgrammeNamesService } from '../programme-names';
import { fieldMessages, pageProblemOf } from '../staff/page-problems';

const USER_FIELDS = ['email', 'fullName', 'role', 'password', 'locale', 'capacity', 'programmes', 'languages', 'active'];

/** A form's number: '' is "not given" (null), digits a number, anything else is passed on for the DTO to refuse. */
function numberOrText(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** The staff form as the API's body (create or update). */
export function readStaffForm(body: Record<string, unknown>, mode: 'create' | 'update'): Record<string, unknown> {
  const out: Record<string, unknown> = {
    role: textOf(body, 'role'),
    capacity: numberOrText(textOf(body, 'capacity')),
    programmes: listOf(body, 'programmes'),
    languages: listOf(body, 'languages'),
  };
  if (mode === 'create') {
    out.email = textOf(body, 'email');
    out.fullName = textOf(body, 'fullName');
    out.locale = textOf(body, 'locale') || 'fr';
    const password = textOf(body, 'password');
    if (password !== '') out.password = password;
    if (out.capacity === null) delete out.capacity;
  } else {
    out.active = textOf(body, 'active') === 'true';
  }
  return out;
}

/**
 * Staff accounts (admin only): the list with role, activity and pending invitations; creating
 * an account with a password or by invitation; sending an invitation again; editing role,
 * capacity, programmes, languages and activity. UsersService does it all, as for the API: the
 * last active admin cannot be demoted or deactivated (409, shown as a message).
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@SignedIn('admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(
    private readonly pages: WebPages,
    private readonly users: UsersService,
    private readonly names: ProgrammeNamesService,
  ) {}

  @Get()
  async list(@Req() req: WebRequest, @Res() res: Response, @Query('cursor') cursor?: string): Promise<void> {
    await this.renderList(req, res, typeof cursor === 'string' ? cursor : undefined, {}, {}, 200);
  }

  @Post()
  async create(@Req() req: WebRequest, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    const input = readStaffForm(body, 'create');
    const form = { ...input, password: '' };
    const { value, errors } = await validateWithDto(CreateUserDto, input);
    if (errors.length > 0) return this.renderList(req, res, undefined, form, fieldMessages(errors, 'admin.users.errors', t, USER_FIELDS), 400);
    try {
      const created = await this.users.create(value, (req.web.user as AuthUser).id);
      await this.pages.flash(req, created.invitationPending ? 'admin.users.invited' : 'admin.users.created', { email: created.email });
      res.redirect(303, '/admin/users');
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem) throw error;
      const errors: Record<string, string> = problem.status === 409 ? { email: t('admin.users.errors.emailTaken') } : fieldMessages(problem.fields, 'admin.users.errors', t, USER_FIELDS);
      return this.renderList(req, res, undefined, form, errors, problem.status);
    }
  }

  @Post(':id/invitation')
  async reinvite(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    try {
      await this.users.reinvite(id, (req.web.user as AuthUser).id);
      await this.pages.flash(req, 'admin.users.reinvited');
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem || problem.status !== 409) throw error;
      await this.pages.flash(req, 'admin.users.alreadyAccepted');
    }
    res.redirect(303, '/admin/users');
  }

  @Get(':id')
  async edit(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const user = await this.staffAccount(id);
    await this.renderEdit(req, res, user, null, {}, null, 200);
  }

  @Post(':id')
  async update(@Req() req: WebRequest, @Res() res: Response, @Param('id', UuidParamPipe) id: string): Promise<void> {
    const t = (key: string, params?: Record<string, unknown>): string => this.pages.t(req.web.locale, key, params);
    const user = await this.staffAccount(id);
    const input = readStaffForm(req.body as Record<string, unknown>, 'update');
    const { value, errors } = await validateWithDto(UpdateUserDto, input);
    if (errors.length > 0) return this.renderEdit(req, res, user, input, fieldMessages(errors, 'admin.users.errors', t, USER_FIELDS), null, 400);
    try {
      const saved = await this.users.update(id, value);
      await this.pages.flash(req, 'admin.users.saved', { email: saved.email });
      res.redirect(303, '/admin/users');
    } catch (error) {
      const problem = pageProblemOf(error);
      if (!problem) throw error;
      if (problem.status === 409) return this.renderEdit(req, res, user, input, {}, t('admin.users.errors.lastAdmin'), 409);
      return this.renderEdit(req, res, user, input, fieldMessages(problem.fields as FieldError[], 'admin.users.errors', t, USER_FIELDS), null, problem.status);
    }
  }

  /** A staff account (founders, experts and partners are not edited here: 404, as the API's PATCH). */
  private async staffAccount(id: string): Promise<UserView> {
    const view = toUserView(await this.users.get(id));
    if (!(STAFF_ROLE_VALUES as readonly string[]).includes(view.role)) throw new NotFoundException('User not found');
    return view;
  }

  private async options(req: WebRequest): Promise<Record<string, { value: string; label: string }[]>> {
    const locale = req.web.locale;
    const t = (key: string): string => this.pages.t(locale, key);
    return {
      roles: STAFF_ROLE_VALUES.map((r) => ({ value: r, label: t(`admin.users.roles.${r}`) })),
      programmes: (await this.names.all()).map((p) => ({ value: p.slug, label: p.name[locale] })),
      languages: LOCALES.map((l) => ({ value: l, label: t(`admin.users.languageNames.${l}`) })),
      locales: LOCALES.map((l) => ({ value: l, label: t(`admin.users.languageNames.${l}`) })),
    };
  }

  private async renderList(req: WebRequest, res: Response, cursor: string | undefined, form: Record<string, unknown>, errors: Record<string, string>, status: number): Promise<void> {
    const locale = req.web.locale;
    const page = await this.users.list({ limit: 50, cursor });
    const names = await this.names.names(locale);
    await this.pages.render(
      req,
      res,
      'admin/users',
      {
        titleKey: 'admin.users.title',
        wide: true,
        users: page.items.map((u) => ({ ...u, programmeNames: (u.programmes ?? []).map((p) => names.get(p) ?? p).join(', '), languageList: (u.languages ?? []).join(', ') })),
        next: page.nextCursor ? `/admin/users?cursor=${encodeURIComponent(page.nextCursor)}` : null,
        first: cursor ? '/admin/users' : null,
        form: { email: '', fullName: '', role: 'advisor', locale: 'fr', capacity: '', programmes: [], languages: ['fr'], ...form },
        options: await this.options(req),
        errors,
      },
      status,
    );
  }

  private async renderEdit(req: WebRequest, res: Response, user: UserView, input: Record<string, unknown> | null, errors: Record<string, string>, problem: string | null, status: number): Promise<void> {
    const form = input
      ? { ...input, capacity: input.capacity === null ? '' : String(input.capacity) }
      : { role: user.role, capacity: user.capacity === null || user.capacity === undefined ? '' : String(user.capacity), programmes: user.programmes ?? [], languages: user.languages ?? [], active: user.active };
    await this.pages.render(
      req,
      res,
      'admin/user',
      {
        titleKey: 'admin.users.editTitle',
        titleParams: { name: user.fullName },
        wide: true,
        account: user,
        form,
        activeChecked: form.active === true,
        problem,
        options: await this.options(req),
        errors,
      },
      status,
    );
  }
}
