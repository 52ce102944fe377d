import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, setAuthHooks, type Schemas } from '@/api/client'
import { unwrap } from '@/api/problem'

export type User = Schemas['UserView']
type TokenResponse = Schemas['TokenResponse']

/** Refresh this long before the access token expires (at most half its lifetime). */
export const REFRESH_LEAD_MS = 60_000

/** The `exp` of a JWT, in ms since the epoch (no signature check: the server does that). */
export function tokenExpiry(token: string): number | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='))
    const exp = (JSON.parse(json) as { exp?: unknown }).exp
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}

/** How long to wait before refreshing a token that expires at `expMs`. */
export function refreshDelay(expMs: number, nowMs: number): number {
  const left = expMs - nowMs
  return Math.max(0, left - Math.min(REFRESH_LEAD_MS, left / 2))
}

// A hint, not a secret: "this browser signed in and has not signed out", so that a page load
// tries the cookie only when there may be one (anonymous visitors cause no refresh call).
const SESSION_HINT = 'jiebang.session'

function hint(on: boolean | null): boolean {
  try {
    if (on === true) localStorage.setItem(SESSION_HINT, '1')
    else if (on === false) localStorage.removeItem(SESSION_HINT)
    return localStorage.getItem(SESSION_HINT) === '1'
  } catch {
    return on === true
  }
}

/**
 * Runs a refresh under a lock shared by this site's tabs: each refresh rotates the cookie, and two
 * tabs spending the same one at once would look like reuse to the server (which then ends the
 * session). In turn, the second tab sends the cookie the first one just got.
 */
function acrossTabs<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  return locks ? (locks.request('jiebang.refresh', fn) as Promise<T>) : fn()
}

// The login body in cookie mode: the refresh token comes as an HttpOnly cookie scoped to
// /api/v1/auth, never in the body and never in JavaScript's reach.
type CookieLogin = Schemas['LoginRequest'] & { refresh_in_cookie: true }

export const useAuthStore = defineStore('auth', () => {
  // In memory only: never localStorage or sessionStorage.
  const accessToken = ref<string | null>(null)
  const user = ref<User | null>(null)
  const expiresAt = ref<number | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null
  let refreshing: Promise<boolean> | null = null
  let restoring: Promise<void> | null = null

  const loggedIn = computed(() => accessToken.value !== null)
  const role = computed(() => user.value?.role ?? null)

  function schedule(): void {
    if (timer) clearTimeout(timer)
    timer = null
    if (expiresAt.value === null) return
    timer = setTimeout(() => {
      void refresh()
    }, refreshDelay(expiresAt.value, Date.now()))
  }

  function accept(tokens: TokenResponse): void {
    accessToken.value = tokens.access_token
    user.value = tokens.user ?? user.value
    expiresAt.value = tokenExpiry(tokens.access_token) ?? Date.now() + tokens.expires_in * 1000
    schedule()
  }

  function clear(): void {
    hint(false)
    if (timer) clearTimeout(timer)
    timer = null
    accessToken.value = null
    user.value = null
    expiresAt.value = null
  }

  async function login(email: string, password: string): Promise<User> {
    const body: CookieLogin = { email, password, refresh_in_cookie: true }
    const tokens = unwrap(await api.POST('/api/v1/auth/login', { body }))
    accept(tokens)
    hint(true)
    return tokens.user
  }

  /** One silent refresh through the cookie; concurrent callers share it. */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      try {
        const result = await acrossTabs(() =>
          api.POST('/api/v1/auth/refresh', {
            // Cookie mode: an empty JSON object; the cookie carries the refresh token.
            body: {},
          }),
        )
        if (!result.data) {
          clear()
          return false
        }
        accept(result.data)
        return true
      } catch {
        clear()
        return false
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  /** On page load: a session is restored from the cookie if there is one (quietly otherwise). */
  function restore(): Promise<void> {
    restoring ??= (hint(null) ? refresh() : Promise.resolve(false)).then(async (ok) => {
      if (ok && !user.value) await loadMe()
    })
    return restoring
  }

  async function loadMe(): Promise<User | null> {
    if (!accessToken.value) return null
    const result = await api.GET('/api/v1/me')
    user.value = result.data ?? null
    return user.value
  }

  async function logout(): Promise<void> {
    try {
      await api.POST('/api/v1/auth/logout', { body: {} })
    } finally {
      clear()
    }
  }

  return { accessToken, user, expiresAt, loggedIn, role, login, refresh, restore, loadMe, logout, clear }
})

/**
 * Puts the auth store behind the API client's middleware (main.ts does this once):
 * the token it sends, the refresh it tries on a 401, and what happens when that fails.
 */
export function connectAuth(
  auth: ReturnType<typeof useAuthStore>,
  options: { language: () => string; unauthenticated: () => void },
): void {
  setAuthHooks({
    token: () => auth.accessToken,
    refresh: () => auth.refresh(),
    unauthenticated: () => {
      auth.clear()
      options.unauthenticated()
    },
    language: options.language,
  })
}
