import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ProgrammeRules, LocalizedText } from '../routing/rule-language';
import type { ProgrammeKind } from '../routing/routing-engine';
import type { Rubric } from './rubric';

@Entity({ name: 'programmes' })
export class Programme {
  @PrimaryColumn('text')
  slug: string;

  @Column('text')
  kind: ProgrammeKind;

  @Column('jsonb')
  name: LocalizedText;

  @Column('jsonb')
  description: LocalizedText;

  @Column('jsonb')
  rules: ProgrammeRules;

  @Column('integer', { name: 'rules_version' })
  rulesVersion: number;

  @Column('boolean')
  active: boolean;

  /** document kinds an application must carry to be submitted when this programme ranks first */
  @Column('text', { array: true, name: 'required_documents' })
  requiredDocuments: string[];

  @Column('integer')
  position: number;

  /** the scoring rubric of expert reviews (empty: the programme is not reviewed on a rubric) */
  @Column('jsonb')
  rubric: Rubric;

  /** 0 until a rubric is first given; each change makes a new version (programme_rubric_versions) */
  @Column('integer', { name: 'rubric_version' })
  rubricVersion: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
