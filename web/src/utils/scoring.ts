// A score sheet against the rubric: each criterion's points bounded by its maximum, the live
// total, and whether the sheet is complete enough to save (the server wants every criterion and a
// comment: src/reviews/assignments/rules.rs).

export interface RubricCriterion {
  name: string
  max_points: number
  guidance?: string | null
}

/** What the expert has entered: points by criterion name (null while empty), and a comment. */
export interface ScoreDraft {
  points: Record<string, number | null>
  comment: string
}

export interface ScoreSheet {
  criteria: { name: string; points: number }[]
  comment: string
}

/** Points as the input may hold them: whole numbers from 0 to `max`; empty stays null. */
export function boundPoints(value: unknown, max: number): number | null {
  if (value === null || value === undefined || value === '') return null
  const n = typeof value === 'number' ? value : Number(value)
  if (!Number.isFinite(n)) return null
  return Math.min(max, Math.max(0, Math.round(n)))
}

/** The live total of what is entered (empty criteria count 0). */
export function sheetTotal(rubric: RubricCriterion[], draft: ScoreDraft): number {
  return rubric.reduce((sum, c) => sum + (boundPoints(draft.points[c.name], c.max_points) ?? 0), 0)
}

/** The most a sheet can give (100 for a well-formed rubric). */
export function rubricMax(rubric: RubricCriterion[]): number {
  return rubric.reduce((sum, c) => sum + c.max_points, 0)
}

/** The criteria not given points yet. */
export function missingCriteria(rubric: RubricCriterion[], draft: ScoreDraft): string[] {
  return rubric.filter((c) => boundPoints(draft.points[c.name], c.max_points) === null).map((c) => c.name)
}

/** Every criterion has points within bounds and there is a comment: the server will take it. */
export function isComplete(rubric: RubricCriterion[], draft: ScoreDraft): boolean {
  return missingCriteria(rubric, draft).length === 0 && draft.comment.trim().length > 0
}

/** The body of PUT /assignments/{id}/scores/{bid_id}, in rubric order. */
export function toSheet(rubric: RubricCriterion[], draft: ScoreDraft): ScoreSheet {
  return {
    criteria: rubric.map((c) => ({ name: c.name, points: boundPoints(draft.points[c.name], c.max_points) ?? 0 })),
    comment: draft.comment.trim(),
  }
}

/** A draft from a saved score (or an empty one): every criterion of the rubric has a key. */
export function draftFrom(
  rubric: RubricCriterion[],
  saved: { criteria: { name: string; points: number }[]; comment: string } | null | undefined,
): ScoreDraft {
  const points: Record<string, number | null> = {}
  for (const c of rubric) points[c.name] = saved?.criteria.find((s) => s.name === c.name)?.points ?? null
  return { points, comment: saved?.comment ?? '' }
}

/** The bid after `currentId` in the panel's order (wrapping to the first unscored), or null. */
export function nextBidId<B extends { id: string }>(bids: B[], currentId: string, scored: (b: B) => boolean): string | null {
  const i = bids.findIndex((b) => b.id === currentId)
  const after = [...bids.slice(i + 1), ...bids.slice(0, Math.max(i, 0))]
  const unscored = after.find((b) => !scored(b))
  if (unscored) return unscored.id
  return bids[i + 1]?.id ?? null
}
