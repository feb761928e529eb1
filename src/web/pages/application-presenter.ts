/**
 * What the founder's pages say about an application, from the API's views: the next step in
 * words, the recommendations with programme names, the timeline in words. Pure.
 */
import type { ApplicationListItem, ApplicationView } from '../../applications/application.view';
import { checkTransition } from '../../domain/case-state-machine';
import type { Recommendations } from '../../routing/routing-engine';
import type { TimelineEventView } from '../../timeline/timeline.service';
import { EDITABLE_STATUSES } from '../../applications/applications.service';

export type ProgrammeNames = ReadonlyMap<string, string>;

/** The catalogue key of the next step and its parameters (dates are ISO strings, shown in words by the view). */
export function nextStep(app: Pick<ApplicationListItem, 'status' | 'firstResponseDueAt' | 'firstRespondedAt' | 'decisionDueAt' | 'programme'>, names: ProgrammeNames): { key: string; programme?: string; due?: string | null } {
  const programme = app.programme ? (names.get(app.programme) ?? app.programme) : undefined;
  switch (app.status) {
    case 'submitted':
      return { key: 'next.submitted', due: app.firstResponseDueAt };
    case 'in_review':
      return { key: 'next.in_review', due: app.decisionDueAt };
    case 'accepted':
    case 'referred':
      return { key: `next.${app.status}`, programme };
    default:
      return { key: `next.${app.status}` };
  }
}

export function canEdit(status: string): boolean {
  return (EDITABLE_STATUSES as readonly string[]).includes(status);
}

/** Withdrawal is offered exactly when the state machine allows the founder to withdraw. */
export function canWithdraw(status: ApplicationView['status']): boolean {
  return checkTransition({ from: status, to: 'withdrawn', actor: 'founder' }).ok;
}

export interface RecommendationCards {
  eligible: { programme: string; name: string; reasons: string[] }[];
  ineligible: { programme: string; name: string; failed: string[] }[];
}

/** The routing result as cards: the programme's name, the reasons in words, never a score. */
export function recommendationCards(recommendations: Recommendations | null, names: ProgrammeNames): RecommendationCards | null {
  if (!recommendations) return null;
  return {
    eligible: recommendations.eligible.map((e) => ({ programme: e.programme, name: names.get(e.programme) ?? e.programme, reasons: e.reasons.map((r) => r.text) })),
    ineligible: recommendations.ineligible.map((e) => ({ programme: e.programme, name: names.get(e.programme) ?? e.programme, failed: e.failed.map((r) => r.text) })),
  };
}

/** A public timeline event as the founder reads it: when, who (you or the campus), what. */
export function timelineItem(event: TimelineEventView, ownerId: string, names: ProgrammeNames): { at: string; who: string; key: string; programme?: string } {
  const who = event.actor === null ? 'system' : event.actor.id === ownerId ? 'you' : 'campus';
  if (event.type === 'status_changed') {
    const to = String(event.data.to ?? '');
    const programme = typeof event.data.programme === 'string' ? (names.get(event.data.programme) ?? event.data.programme) : undefined;
    return { at: event.at, who, key: `timeline.status.${to}`, programme };
  }
  // referral steps have their texts with the referral pages' (partners catalogue)
  if (event.type.startsWith('referral_')) return { at: event.at, who, key: `referrals.timeline.${event.type}` };
  if (event.type === 'document_added' || event.type === 'document_removed') return { at: event.at, who, key: `documents.timeline.${event.type}` };
  return { at: event.at, who, key: `timeline.${event.type}` };
}
