import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBody, ValidationErrorBody } from '../common/http/api-errors';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser, Roles } from '../common/http/auth.decorators';
import { UuidParamPipe } from '../common/http/is-uuid.pipe';
import { Page } from '../common/pagination/cursor';
import { CreatedWebhookView, CreateWebhookDto, DeliveryPage, DeliveryView, UpdateWebhookDto, WebhookListQuery, WebhookPage, WebhookView } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
@Roles('admin')
@ApiUnauthorizedResponse({ description: 'no valid token', type: ErrorBody })
@ApiForbiddenResponse({ description: 'admins only', type: ErrorBody })
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Register a webhook; the answer carries its signing secret, shown this once' })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  @ApiBadRequestResponse({ description: 'names each bad field: an unknown event, a URL that is not https or resolves to a private address in production', type: ValidationErrorBody })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    return this.webhooks.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'The registered webhooks, newest first (without their secrets)' })
  @ApiOkResponse({ type: WebhookPage })
  @ApiBadRequestResponse({ description: 'a bad limit or cursor', type: ValidationErrorBody })
  list(@Query() query: WebhookListQuery): Promise<Page<WebhookView>> {
    return this.webhooks.list(query.limit ?? 25, query.cursor);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change the URL, the events or pause it (active: false); the secret stays' })
  @ApiOkResponse({ type: WebhookView })
  @ApiBadRequestResponse({ description: 'names each bad field: an unknown event, a URL that is not https or resolves to a private address in production', type: ValidationErrorBody })
  @ApiNotFoundResponse({ description: 'no such webhook (or delivery of it)', type: ErrorBody })
  update(@Param('id', UuidParamPipe) id: string, @Body() dto: UpdateWebhookDto): Promise<WebhookView> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a webhook and its delivery log' })
  @ApiNoContentResponse({ description: 'removed' })
  @ApiNotFoundResponse({ description: 'no such webhook (or delivery of it)', type: ErrorBody })
  async remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log: webhook-id sent, event, status (pending, delivered, failed), tries, last answer; newest first' })
  @ApiOkResponse({ type: DeliveryPage })
  @ApiBadRequestResponse({ description: 'a bad limit or cursor', type: ValidationErrorBody })
  @ApiNotFoundResponse({ description: 'no such webhook (or delivery of it)', type: ErrorBody })
  deliveries(@Param('id', UuidParamPipe) id: string, @Query() query: WebhookListQuery): Promise<Page<DeliveryView>> {
    return this.webhooks.deliveries(id, query.limit ?? 25, query.cursor);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again, with the same webhook-id, and a new 24-hour round of retries' })
  @ApiAcceptedResponse({ description: 'due now; the dispatcher sends it within a second' })
  @ApiNotFoundResponse({ description: 'no such webhook (or delivery of it)', type: ErrorBody })
  async replay(@Param('id', UuidParamPipe) id: string, @Param('deliveryId', UuidParamPipe) deliveryId: string): Promise<void> {
    await this.webhooks.replay(id, deliveryId);
  }
}
