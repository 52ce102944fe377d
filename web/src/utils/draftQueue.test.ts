import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DraftQueue, type DraftStatus, type StorageLike } from './draftQueue'

interface Draft {
  points: number | null
  comment: string
}

class MemoryStorage implements StorageLike {
  data = new Map<string, string>()
  getItem(key: string): string | null {
    return this.data.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value)
  }
  removeItem(key: string): void {
    this.data.delete(key)
  }
}

/** A server whose answers the test decides, one by one. */
function server() {
  const calls: Draft[] = []
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = []
  const save = (d: Draft) => {
    calls.push(structuredClone(d))
    return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }))
  }
  return { calls, pending, save }
}

function setup() {
  const storage = new MemoryStorage()
  const srv = server()
  const states: DraftStatus[] = []
  const queue = new DraftQueue<Draft>({
    key: 'draft.a.b',
    storage,
    delayMs: 800,
    ready: (d) => d.points !== null && d.comment.length > 0,
    save: srv.save,
    onStatus: (s) => states.push(s),
    now: () => 42,
  })
  return { storage, srv, states, queue }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('DraftQueue', () => {
  it('keeps every change in storage at once and saves once after the pause', async () => {
    const { storage, srv, queue } = setup()
    queue.update({ points: 10, comment: 'a' })
    queue.update({ points: 12, comment: 'ab' })
    expect(JSON.parse(storage.getItem('draft.a.b')!).draft).toEqual({ points: 12, comment: 'ab' })
    expect(queue.current.state).toBe('pending')
    vi.advanceTimersByTime(799)
    expect(srv.calls).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(srv.calls).toEqual([{ points: 12, comment: 'ab' }])
    expect(queue.current.state).toBe('saving')
    srv.pending[0]!.resolve()
    await vi.runAllTimersAsync()
    expect(queue.current).toEqual({ state: 'saved', error: null, savedAt: 42 })
    // What the server took is no longer "unsent".
    expect(storage.getItem('draft.a.b')).toBeNull()
    expect(queue.dirty).toBe(false)
  })

  it('keeps an incomplete draft local without sending it', async () => {
    const { storage, srv, queue } = setup()
    queue.update({ points: null, comment: 'x' })
    await vi.runAllTimersAsync()
    expect(srv.calls).toHaveLength(0)
    expect(queue.current.state).toBe('local')
    expect(queue.stored()?.draft).toEqual({ points: null, comment: 'x' })
    expect(storage.data.size).toBe(1)
    expect(await queue.flush()).toBe(false)
  })

  it('shows a failed save, keeps the draft, and retry sends it again', async () => {
    const { storage, srv, queue } = setup()
    queue.update({ points: 5, comment: 'ok' })
    vi.advanceTimersByTime(800)
    srv.pending[0]!.reject(new Error('offline'))
    await vi.runAllTimersAsync()
    expect(queue.current.state).toBe('error')
    expect((queue.current.error as Error).message).toBe('offline')
    expect(queue.stored()?.draft).toEqual({ points: 5, comment: 'ok' })
    expect(queue.dirty).toBe(true)

    const retried = queue.retry()
    expect(srv.calls).toHaveLength(2)
    expect(srv.calls[1]).toEqual({ points: 5, comment: 'ok' })
    srv.pending[1]!.resolve()
    expect(await retried).toBe(true)
    expect(queue.current.state).toBe('saved')
    expect(storage.getItem('draft.a.b')).toBeNull()
  })

  it('sends a change made during a save after it, never two at once', async () => {
    const { srv, queue } = setup()
    queue.update({ points: 1, comment: 'a' })
    vi.advanceTimersByTime(800)
    expect(srv.calls).toHaveLength(1)
    queue.update({ points: 2, comment: 'b' })
    vi.advanceTimersByTime(800)
    // The first is still in flight: nothing more is sent yet.
    expect(srv.calls).toHaveLength(1)
    srv.pending[0]!.resolve()
    await vi.advanceTimersByTimeAsync(0)
    expect(srv.calls).toEqual([
      { points: 1, comment: 'a' },
      { points: 2, comment: 'b' },
    ])
    expect(queue.current.state).toBe('saving')
    expect(queue.dirty).toBe(true)
    srv.pending[1]!.resolve()
    await vi.runAllTimersAsync()
    expect(queue.current.state).toBe('saved')
    expect(queue.dirty).toBe(false)
  })

  it('flush saves at once without waiting for the pause ("save and next")', async () => {
    const { srv, queue } = setup()
    queue.update({ points: 7, comment: 'c' })
    const flushed = queue.flush()
    expect(srv.calls).toHaveLength(1)
    srv.pending[0]!.resolve()
    expect(await flushed).toBe(true)
    vi.advanceTimersByTime(5000)
    expect(srv.calls).toHaveLength(1)
  })

  it('a draft left in storage (a reload before it was sent) is found by the next queue', () => {
    const { storage, queue } = setup()
    queue.update({ points: 3, comment: 'kept' })
    queue.dispose()
    const again = new DraftQueue<Draft>({
      key: 'draft.a.b',
      storage,
      delayMs: 800,
      ready: () => true,
      save: () => Promise.resolve(),
    })
    expect(again.stored()).toEqual({ draft: { points: 3, comment: 'kept' }, at: 42 })
  })
})
