// Hand-written types for what the server is adding right now and web/openapi.json does not have
// yet: the commitments (保密及回避承诺书), the new fields of the assignment lists (field, rubric with
// guidance, progress, the signed commitment; the acceptance's KPIs and verdict_saved), the body of
// accept, and GET /experts/me.
//
// TODO(integrator): replace with generated types once web/openapi.json has them — regenerate
// (`UPDATE_WEB_OPENAPI=1 cargo test --test api openapi`, then `npm run api`), swap `pendingApi` for
// `api` and these types for `Schemas[...]`, and delete this file. vue-tsc then shows every use.
import type { Client } from 'openapi-fetch'
import { createApiClient, type Schemas } from './client'

export type CommitmentKind = 'expert_review' | 'expert_acceptance'

/** GET /api/v1/commitments/{kind}: the current version of a commitment. */
export interface CommitmentView {
  kind: CommitmentKind
  version: number
  /** The binding text (Markdown). */
  text_zh: string
  /** The English text (Markdown). */
  text_en: string
  /** Lowercase hex SHA-256 of both texts: what the signer sends back. */
  sha256: string
  published_at: string
  published_by?: string | null
}

/** What the expert signs on accepting. */
export interface SignedCommitment {
  version: number
  sha256: string
}

/** POST /assignments/{id}/accept and /acceptance-assignments/{id}/accept. */
export interface SigningRequest {
  commitment: SignedCommitment
}

/** The commitment signed on accepting (the address for admins only). */
export interface SignatureView {
  kind: CommitmentKind
  version: number
  signed_at: string
  client_addr?: string | null
}

/** A rubric criterion, with the guidance shown beside its input. */
export type Criterion = Schemas['Criterion'] & { guidance?: string | null }

/** "3 / 5 scored". */
export interface ScoringProgress {
  bids_to_score: number
  bids_scored: number
}

export type AssignmentView = Schemas['AssignmentView'] & {
  field: Schemas['Field']
  rubric: Criterion[]
  progress: ScoringProgress
  commitment?: SignatureView | null
}

export type AcceptanceAssignmentView = Schemas['AcceptanceAssignmentView'] & {
  field: Schemas['Field']
  kpis: Schemas['Kpi'][]
  verdict_saved: boolean
  commitment?: SignatureView | null
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  per_page: number
}

type Json<T> = { content: { 'application/json': T } }
type Problem = Json<Schemas['ProblemBody']>
type Errors = { 400: Problem; 401: Problem; 403: Problem; 404: Problem; 409: Problem; 422: Problem }
type PathId = { path: { id: string } }
type Get<P, R> = { parameters: P; requestBody?: never; responses: { 200: Json<R> } & Errors }
type Post<P, R, B> = { parameters: P; requestBody: Json<B>; responses: { 200: Json<R> } & Errors }
type Paging = { query?: { page?: number; per_page?: number } }

/** The pending endpoints, in the shape openapi-typescript gives them. */
export interface PendingPaths {
  '/api/v1/commitments/{kind}': { get: Get<{ path: { kind: CommitmentKind } }, CommitmentView> }
  '/api/v1/assignments': { get: Get<Paging, Page<AssignmentView>> }
  '/api/v1/acceptance-assignments': { get: Get<Paging, Page<AcceptanceAssignmentView>> }
  '/api/v1/assignments/{id}/accept': { post: Post<PathId, AssignmentView, SigningRequest> }
  '/api/v1/acceptance-assignments/{id}/accept': { post: Post<PathId, AcceptanceAssignmentView, SigningRequest> }
  '/api/v1/experts/me': { get: Get<{ query?: never }, Schemas['ExpertView']> }
}

/** The app's client for the pending endpoints (same middleware as `api`). */
export const pendingApi = createApiClient() as unknown as Client<PendingPaths>
