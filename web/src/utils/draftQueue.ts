// The autosave of a draft (a score sheet): every change is kept at once in sessionStorage (a reload
// or a lost connection loses nothing), then sent after a pause in typing (debounced). One save is
// in flight at a time; a change made meanwhile is sent after it. A failed save keeps the draft
// stored and the state `error` until `retry()` (or the next change) sends it again. What the
// server took is removed from the storage; what is left there on load is unsent and wins over the
// server's copy.

export type DraftState =
  /** Nothing changed since loading. */
  | 'idle'
  /** Changed, but not complete enough for the server: kept in this tab only. */
  | 'local'
  /** Waiting for the pause in typing. */
  | 'pending'
  | 'saving'
  | 'saved'
  | 'error'

export interface DraftStatus {
  state: DraftState
  error: unknown
  savedAt: number | null
}

export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export interface DraftQueueOptions<T> {
  /** The sessionStorage key of this draft. */
  key: string
  /** Where unsent drafts are kept (sessionStorage in the browser; null: nowhere). */
  storage: StorageLike | null
  /** The pause after the last change before saving. */
  delayMs: number
  /** Whether the server will take this draft (incomplete drafts stay local). */
  ready(draft: T): boolean
  /** Sends the draft; rejects on failure. */
  save(draft: T): Promise<unknown>
  /** Called on every change of state. */
  onStatus?(status: DraftStatus): void
  now?(): number
}

interface Stored<T> {
  draft: T
  at: number
}

export class DraftQueue<T> {
  private latest: T | null = null
  private version = 0
  private savedVersion = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private inFlight: Promise<boolean> | null = null
  private status: DraftStatus = { state: 'idle', error: null, savedAt: null }
  private disposed = false

  constructor(private readonly options: DraftQueueOptions<T>) {}

  get current(): DraftStatus {
    return this.status
  }

  /** Whether there is a change the server has not taken. */
  get dirty(): boolean {
    return this.version !== this.savedVersion
  }

  /** The unsent draft kept from an earlier visit (or before a reload), if any. */
  stored(): Stored<T> | null {
    try {
      const raw = this.options.storage?.getItem(this.options.key)
      return raw ? (JSON.parse(raw) as Stored<T>) : null
    } catch {
      return null
    }
  }

  /** A change: kept at once, saved after the pause. */
  update(draft: T): void {
    if (this.disposed) return
    this.latest = draft
    this.version += 1
    this.keep(draft)
    this.clearTimer()
    if (!this.options.ready(draft)) {
      this.set({ state: 'local', error: null })
      return
    }
    if (!this.inFlight) this.set({ state: 'pending', error: null })
    this.timer = setTimeout(() => {
      this.timer = null
      void this.send()
    }, this.options.delayMs)
  }

  /** Save now (e.g. "save and next"): true once the server has the latest draft. */
  async flush(): Promise<boolean> {
    this.clearTimer()
    if (this.inFlight) await this.inFlight
    if (!this.dirty) return this.status.state !== 'error'
    if (this.latest === null || !this.options.ready(this.latest)) return false
    return this.send()
  }

  /** Send again after a failure. */
  retry(): Promise<boolean> {
    return this.flush()
  }

  /** Stop the timer (the page is left); the stored draft stays. */
  dispose(): void {
    this.disposed = true
    this.clearTimer()
  }

  private send(): Promise<boolean> {
    if (this.inFlight) return this.inFlight
    const draft = this.latest
    if (draft === null) return Promise.resolve(true)
    const version = this.version
    this.set({ state: 'saving', error: null })
    this.inFlight = this.options
      .save(draft)
      .then(
        () => {
          this.savedVersion = version
          this.inFlight = null
          if (this.dirty) {
            // Changed while saving: the newer draft goes next (after its own pause if pending).
            if (!this.timer && this.latest !== null && this.options.ready(this.latest)) return this.send()
            this.set({ state: this.latest !== null && this.options.ready(this.latest) ? 'pending' : 'local', error: null })
            return true
          }
          this.forget()
          this.set({ state: 'saved', error: null, savedAt: (this.options.now ?? Date.now)() })
          return true
        },
        (error: unknown) => {
          this.inFlight = null
          this.set({ state: 'error', error })
          return false
        },
      )
    return this.inFlight
  }

  private keep(draft: T): void {
    try {
      const stored: Stored<T> = { draft, at: (this.options.now ?? Date.now)() }
      this.options.storage?.setItem(this.options.key, JSON.stringify(stored))
    } catch {
      // storage full or unavailable: the server copy is all there is
    }
  }

  private forget(): void {
    try {
      this.options.storage?.removeItem(this.options.key)
    } catch {
      // fine
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private set(next: Partial<DraftStatus>): void {
    this.status = { ...this.status, ...next }
    this.options.onStatus?.(this.status)
  }
}
