// The expert section's API types, named once (generated from openapi.json through schema.d.ts).
import type { Schemas } from './client'

export type CommitmentKind = Schemas['Kind']
/** GET /api/v1/commitments/{kind}: the current version of a commitment. */
export type CommitmentView = Schemas['CommitmentView']
/** What the expert signs on accepting: the version and hash of the text they read. */
export type SignedCommitment = Schemas['SignedCommitment']
/** The commitment signed on accepting (the address for admins only). */
export type SignatureView = Schemas['SignatureView']
/** A rubric criterion, with the guidance shown beside its input. */
export type Criterion = Schemas['Criterion']
/** "3 / 5 scored". */
export type ScoringProgress = Schemas['ScoringProgress']
export type AssignmentView = Schemas['AssignmentView']
export type AcceptanceAssignmentView = Schemas['AcceptanceAssignmentView']
