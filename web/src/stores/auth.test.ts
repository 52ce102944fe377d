import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { connectAuth, refreshDelay, tokenExpiry, useAuthStore, REFRESH_LEAD_MS } from './auth'

const NOW = Date.UTC(2026, 10, 28, 9, 0, 0)

function jwt(expSeconds: number, sub = 'u1'): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, exp: expSeconds })}.c2ln`
}

const user = {
  id: '01a22163-0809-74e6-9b2b-3b12f2bc4de1',
  email: 'expert1@demo.jiebang.cn',
  display_name: '赵教授',
  role: 'expert',
  locale: 'zh-CN',
  disabled: false,
  membership_pending: false,
  created_at: '2026-11-28T09:00:00Z',
}

function tokens(lifetimeSeconds: number, sub = 'u1') {
  const exp = Math.floor(Date.now() / 1000) + lifetimeSeconds
  return { access_token: jwt(exp, sub), token_type: 'Bearer', expires_in: lifetimeSeconds, refresh_token: '', user }
}

/** The server's auth endpoints as the cookie-mode contract has them. */
function authServer(options: { refreshOk?: boolean; lifetime?: number } = {}) {
  const calls: { path: string; body: unknown; auth: string | null }[] = []
  let issued = 0
  const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const path = new URL(request.url).pathname
    const text = await request.text()
    calls.push({ path, body: text ? JSON.parse(text) : null, auth: request.headers.get('Authorization') })
    if (path === '/api/v1/auth/login' || (path === '/api/v1/auth/refresh' && options.refreshOk !== false)) {
      issued += 1
      return Response.json(tokens(options.lifetime ?? 900, `u${issued}`))
    }
    if (path === '/api/v1/auth/logout') return new Response(null, { status: 204 })
    return Response.json({ type: 'about:blank', title: '登录已失效', status: 401, code: 'invalid_token' }, { status: 401 })
  })
  return { fetchImpl, calls }
}

function memoryStorage() {
  const data = new Map<string, string>()
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  }
}

describe('token timing', () => {
  it('reads exp from the token', () => {
    expect(tokenExpiry(jwt(1_800_000_000))).toBe(1_800_000_000_000)
    expect(tokenExpiry('not-a-jwt')).toBeNull()
  })
  it('refreshes a minute before expiry, or at half-life for short tokens', () => {
    expect(refreshDelay(NOW + 900_000, NOW)).toBe(900_000 - REFRESH_LEAD_MS)
    expect(refreshDelay(NOW + 60_000, NOW)).toBe(30_000)
    expect(refreshDelay(NOW - 1, NOW)).toBe(0)
  })
})

describe('the auth store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
    vi.stubGlobal('localStorage', memoryStorage())
    setActivePinia(createPinia())
    connectAuth(useAuthStore(), { language: () => 'zh-CN', unauthenticated: () => {} })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('logs in asking for the refresh cookie and keeps the access token in memory only', async () => {
    const { fetchImpl, calls } = authServer()
    vi.stubGlobal('fetch', fetchImpl)
    const auth = useAuthStore()
    await auth.login('expert1@demo.jiebang.cn', 'secret')
    expect(calls[0]).toMatchObject({
      path: '/api/v1/auth/login',
      body: { email: 'expert1@demo.jiebang.cn', password: 'secret', refresh_in_cookie: true },
    })
    expect(auth.loggedIn).toBe(true)
    expect(auth.role).toBe('expert')
    // Only the hint is stored, never a token.
    expect(localStorage.getItem('jiebang.session')).toBe('1')
  })

  it('refreshes silently a minute before the access token expires, and again after', async () => {
    const { fetchImpl, calls } = authServer({ lifetime: 900 })
    vi.stubGlobal('fetch', fetchImpl)
    const auth = useAuthStore()
    await auth.login('expert1@demo.jiebang.cn', 'secret')
    const first = auth.accessToken

    await vi.advanceTimersByTimeAsync(840_000 - 1)
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    const refreshes = calls.filter((c) => c.path === '/api/v1/auth/refresh')
    expect(refreshes).toHaveLength(1)
    // Cookie mode: an empty JSON object, and no stale bearer.
    expect(refreshes[0]).toMatchObject({ body: {}, auth: null })
    expect(auth.accessToken).not.toBe(first)

    await vi.advanceTimersByTimeAsync(840_000)
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(2)
  })

  it('shares one refresh between concurrent callers', async () => {
    const { fetchImpl, calls } = authServer()
    vi.stubGlobal('fetch', fetchImpl)
    const auth = useAuthStore()
    const results = await Promise.all([auth.refresh(), auth.refresh(), auth.refresh()])
    expect(results).toEqual([true, true, true])
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(1)
  })

  it('clears the session when a refresh is refused', async () => {
    const { fetchImpl } = authServer({ refreshOk: false })
    vi.stubGlobal('fetch', fetchImpl)
    const auth = useAuthStore()
    await auth.login('expert1@demo.jiebang.cn', 'secret')
    expect(await auth.refresh()).toBe(false)
    expect(auth.loggedIn).toBe(false)
    expect(auth.user).toBeNull()
    expect(localStorage.getItem('jiebang.session')).toBeNull()
  })

  it('restores a session from the cookie on page load only when this browser had one', async () => {
    const { fetchImpl, calls } = authServer()
    vi.stubGlobal('fetch', fetchImpl)
    await useAuthStore().restore()
    expect(calls).toHaveLength(0)

    setActivePinia(createPinia())
    localStorage.setItem('jiebang.session', '1')
    const auth = useAuthStore()
    connectAuth(auth, { language: () => 'zh-CN', unauthenticated: () => {} })
    await auth.restore()
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/auth/refresh'])
    expect(auth.loggedIn).toBe(true)
  })

  it('logs out: the server ends the cookie session, the memory is cleared', async () => {
    const { fetchImpl, calls } = authServer()
    vi.stubGlobal('fetch', fetchImpl)
    const auth = useAuthStore()
    await auth.login('expert1@demo.jiebang.cn', 'secret')
    const token = auth.accessToken
    await auth.logout()
    expect(calls.at(-1)).toMatchObject({ path: '/api/v1/auth/logout', body: {}, auth: `Bearer ${token}` })
    expect(auth.loggedIn).toBe(false)
    // No timer left to refresh a session that is gone.
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(calls.filter((c) => c.path === '/api/v1/auth/refresh')).toHaveLength(0)
  })
})

describe('a 401 on an ordinary call', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage())
    setActivePinia(createPinia())
  })
  afterEach(() => vi.unstubAllGlobals())

  it('is mended by one refresh, or ends the session and asks to sign in', async () => {
    const { fetchImpl, calls } = authServer({ refreshOk: false })
    vi.stubGlobal('fetch', fetchImpl)
    const auth = useAuthStore()
    const unauthenticated = vi.fn()
    connectAuth(auth, { language: () => 'en', unauthenticated })
    await auth.login('expert1@demo.jiebang.cn', 'secret')
    const { api } = await import('@/api/client')
    const result = await api.GET('/api/v1/me')
    expect(result.response.status).toBe(401)
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/auth/login', '/api/v1/me', '/api/v1/auth/refresh'])
    expect(unauthenticated).toHaveBeenCalledTimes(1)
    expect(auth.loggedIn).toBe(false)
  })
})
