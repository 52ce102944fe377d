// A review seat with its bids and rubric: what the panel page and the bid page share.
import { computed, ref } from 'vue'
import { api, type Schemas } from '@/api/client'
import type { AssignmentView, Criterion } from '@/api/expert'
import { ApiError, unwrap } from '@/api/problem'
import { loadReviewSeat } from './useAssignments'

export type ReviewBid = Schemas['ReviewBidView']

export function usePanel(assignmentId: () => string) {
  const seat = ref<AssignmentView | null>(null)
  const bids = ref<ReviewBid[]>([])
  const rubric = ref<Criterion[]>([])
  const loading = ref(false)
  const error = ref<unknown>(null)
  /** Why the panel cannot be shown: not the caller's (or no such seat), or not accepted yet. */
  const blocked = ref<'not-found' | 'not-accepted' | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    blocked.value = null
    try {
      const found = await loadReviewSeat(assignmentId())
      seat.value = found
      if (!found || found.status === 'declined') {
        blocked.value = 'not-found'
        return
      }
      if (found.status === 'invited') {
        blocked.value = 'not-accepted'
        return
      }
      const view = unwrap(await api.GET('/api/v1/assignments/{id}/bids', { params: { path: { id: found.id } } }))
      bids.value = view.items
      // The seat's rubric carries the guidance; the bids' view the same criteria without it.
      rubric.value = found.rubric.length ? found.rubric : view.rubric
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 403)) blocked.value = 'not-found'
      else if (e instanceof ApiError && e.status === 409) blocked.value = 'not-accepted'
      else error.value = e
    } finally {
      loading.value = false
    }
  }

  const unscored = computed(() => bids.value.filter((b) => !b.my_score))
  return { seat, bids, rubric, loading, error, blocked, unscored, load }
}
