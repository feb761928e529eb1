import { ApiProperty } from '@nestjs/swagger';
import { ApplicationView } from '../applications/application.view';
import { INSIDE_ROLES, ROLES } from '../domain/roles';

/** The shapes the cases routes answer, as the OpenAPI document declares them. */

export class MessageAuthorView {
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) id: string | null;
  @ApiProperty({ enum: INSIDE_ROLES }) role: string;
  @ApiProperty({ type: String, nullable: true }) fullName: string | null;
}

export class MessageApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Could you send your clinical protocol?' }) body: string;
  @ApiProperty({ type: MessageAuthorView }) author: MessageAuthorView;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class MessagePage {
  @ApiProperty({ type: [MessageApiView] }) items: MessageApiView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class NoteAuthorView {
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) id: string | null;
  @ApiProperty({ type: String, nullable: true }) fullName: string | null;
}

export class NoteApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() body: string;
  @ApiProperty({ type: NoteAuthorView }) author: NoteAuthorView;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class EventActorView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: [...ROLES, 'system'] }) role: string;
}

export class TimelineEventApiView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'status_changed' }) type: string;
  @ApiProperty({ type: EventActorView, nullable: true }) actor: EventActorView | null;
  @ApiProperty({ description: 'whether the founder sees it' }) public: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what happened, by type (e.g. {from, to, reason})' }) data: Record<string, unknown>;
}

export class TimelinePage {
  @ApiProperty({ type: [TimelineEventApiView] }) items: TimelineEventApiView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class TimelineVerifyView {
  @ApiProperty() intact: boolean;
  @ApiProperty({ description: 'how many events were checked' }) events: number;
  @ApiProperty({ required: false, description: 'the sequence number of the first event whose hash does not match' }) brokenAt?: number;
}

export class AssignmentReasonView {
  @ApiProperty({ example: 'at_capacity' }) code: string;
  @ApiProperty() text: string;
}

export class CandidateView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() load: number;
  @ApiProperty({ type: Number, nullable: true }) capacity: number | null;
  @ApiProperty() eligible: boolean;
  @ApiProperty({ type: [AssignmentReasonView] }) reasons: AssignmentReasonView[];
}

export class AssignmentExplanationView {
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) chosen: string | null;
  @ApiProperty({ type: [CandidateView] }) candidates: CandidateView[];
}

export class AutoAssignResultView {
  @ApiProperty({ type: ApplicationView }) application: ApplicationView;
  @ApiProperty({ type: AssignmentExplanationView }) explanation: AssignmentExplanationView;
}
