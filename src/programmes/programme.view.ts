import { ApiProperty } from '@nestjs/swagger';
import { DOCUMENT_KINDS } from '../domain/document-rules';
import { formatCondition, type Locale } from '../routing/rule-language';
import type { Programme } from './programme.entity';
import type { Rubric } from './rubric';

export class RubricTextView {
  @ApiProperty() fr: string;
  @ApiProperty() en: string;
}

export class RubricCriterionView {
  @ApiProperty({ example: 'science' }) key: string;
  @ApiProperty({ type: RubricTextView }) label: RubricTextView;
  @ApiProperty({ type: RubricTextView, description: 'what each score means' }) description: RubricTextView;
  @ApiProperty({ minimum: 1, maximum: 10 }) weight: number;
  @ApiProperty({ minimum: 1, maximum: 10, description: 'scores run from 0 to max' }) max: number;
}

export class ReadableRule {
  @ApiProperty() code: string;
  @ApiProperty({ description: 'the criterion in the requested language' }) text: string;
  @ApiProperty({ description: 'the condition as an expression, e.g. "trl <= 4"' }) expression: string;
  @ApiProperty({ required: false }) weight?: number;
}

export class ReadableRulesView {
  @ApiProperty({ type: [ReadableRule] }) conditions: ReadableRule[];
  @ApiProperty({ type: [ReadableRule] }) preferences: ReadableRule[];
  @ApiProperty({ description: 'the natural fallback when no internal programme fits' }) fallback: boolean;
}

export class ProgrammeView {
  @ApiProperty() slug: string;
  @ApiProperty({ enum: ['internal', 'external'] }) kind: string;
  @ApiProperty({ description: 'name in the requested language' }) name: string;
  @ApiProperty({ description: 'description in the requested language' }) description: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) names: { fr: string; en: string };
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) descriptions: { fr: string; en: string };
  @ApiProperty() active: boolean;
  @ApiProperty({ type: [String], enum: DOCUMENT_KINDS, description: 'document kinds required at submission when this programme ranks first' }) requiredDocuments: string[];
  @ApiProperty() rulesVersion: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the rules as data' }) rules: unknown;
  @ApiProperty({ type: () => ReadableRulesView, description: 'hard conditions (all must hold) and weighted preferences, readable' })
  readableRules: ReadableRulesView;
  @ApiProperty({ type: [RubricCriterionView], description: 'the scoring rubric of expert reviews (empty when none)' }) rubric: Rubric;
  @ApiProperty({ description: '0 until a rubric is given; +1 on every change' }) rubricVersion: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export function toProgrammeView(p: Programme, locale: Locale): ProgrammeView {
  return {
    slug: p.slug,
    kind: p.kind,
    name: p.name[locale],
    description: p.description[locale],
    names: p.name,
    descriptions: p.description,
    active: p.active,
    requiredDocuments: p.requiredDocuments,
    rulesVersion: p.rulesVersion,
    rules: p.rules,
    readableRules: {
      conditions: p.rules.conditions.map((c) => ({ code: c.code, text: c.text[locale], expression: formatCondition(c.when) })),
      preferences: p.rules.preferences.map((c) => ({ code: c.code, text: c.text[locale], expression: formatCondition(c.when), weight: c.weight })),
      fallback: p.rules.fallback === true,
    },
    rubric: p.rubric,
    rubricVersion: p.rubricVersion,
    updatedAt: p.updatedAt.toISOString(),
  };
}
