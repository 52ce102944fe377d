import type { components } from './schema'

export type Problem = components['schemas']['ProblemBody']

/** A failed API call: the RFC 9457 problem the server sent (its title is already localised). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem: Problem | null

  constructor(status: number, problem: Problem | null) {
    super(problem?.title ?? `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.code = problem?.code ?? 'unknown'
    this.problem = problem
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'title' in value && 'status' in value
}

/**
 * The data of an openapi-fetch result, or an ApiError carrying the problem. Use as
 * `const page = unwrap(await api.GET('/api/v1/challenges', { params }))`.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, isProblem(result.error) ? result.error : null)
  }
  return result.data as T
}

/** What to show the user for an error: the problem's title (and detail), or the fallback. */
export function problemMessage(error: unknown, fallback: string): string {
  if (error instanceof ApiError && error.problem) {
    const { title, detail } = error.problem
    return detail ? `${title}: ${detail}` : title
  }
  return fallback
}
