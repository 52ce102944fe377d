// The caller's seats on review and acceptance panels (the lists are short: one page of 100).
import { ref } from 'vue'
import { api } from '@/api/client'
import { type AcceptanceAssignmentView, type AssignmentView } from '@/api/expert'
import { ApiError, unwrap } from '@/api/problem'

const PER_PAGE = 100

export async function loadReviewSeats(): Promise<AssignmentView[]> {
  return unwrap(await api.GET('/api/v1/assignments', { params: { query: { per_page: PER_PAGE } } })).items
}

export async function loadAcceptanceSeats(): Promise<AcceptanceAssignmentView[]> {
  return unwrap(await api.GET('/api/v1/acceptance-assignments', { params: { query: { per_page: PER_PAGE } } }))
    .items
}

/** One review seat of the caller, or null (not theirs, or no such seat). */
export async function loadReviewSeat(id: string): Promise<AssignmentView | null> {
  return (await loadReviewSeats()).find((a) => a.id === id) ?? null
}

export async function loadAcceptanceSeat(id: string): Promise<AcceptanceAssignmentView | null> {
  return (await loadAcceptanceSeats()).find((a) => a.id === id) ?? null
}

/** A 404 or 403: the object is not there for this caller (shown as "not found / no access"). */
export function isNoAccess(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 403)
}

/** Loading state of a page: `run(fn)` sets loading, keeps the error. */
export function useLoad() {
  const loading = ref(false)
  const error = ref<unknown>(null)
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    loading.value = true
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = e
      return undefined
    } finally {
      loading.value = false
    }
  }
  return { loading, error, run }
}
