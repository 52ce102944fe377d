import { describe, expect, it, vi } from 'vitest'
import { createApiClient, setAuthHooks } from './client'
import type { AuthHooks } from './middleware'

const BASE = 'http://api.test'

/** A stand-in for the server: answers by the bearer token it is given. */
function server(valid: Set<string>) {
  const seen: { url: string; auth: string | null; lang: string | null; body: string }[] = []
  const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request
    const auth = request.headers.get('Authorization')
    seen.push({ url: request.url, auth, lang: request.headers.get('Accept-Language'), body: await request.text() })
    const token = auth?.replace(/^Bearer /, '') ?? ''
    if (request.url.endsWith('/api/v1/auth/login')) {
      return Response.json({ type: 'about:blank', title: '邮箱或密码错误', status: 401, code: 'invalid_credentials' }, { status: 401 })
    }
    if (!valid.has(token)) {
      return new Response(JSON.stringify({ type: 'about:blank', title: '登录已失效', status: 401, code: 'invalid_token' }), {
        status: 401,
        headers: { 'Content-Type': 'application/problem+json' },
      })
    }
    return Response.json({ ok: true })
  })
  return { fetchImpl, seen }
}

function hooks(initial: string | null, refreshTo: string | null): AuthHooks & { token: () => string | null } {
  let token = initial
  return {
    token: () => token,
    refresh: vi.fn(async () => {
      token = refreshTo
      return refreshTo !== null
    }),
    unauthenticated: vi.fn(),
    language: () => 'en',
  }
}

describe('the API middleware', () => {
  it('sends the access token and the UI language', async () => {
    const { fetchImpl, seen } = server(new Set(['good']))
    const h = hooks('good', null)
    setAuthHooks(h)
    const api = createApiClient({ baseUrl: BASE, fetch: fetchImpl as typeof fetch })
    const result = await api.GET('/api/v1/me')
    expect(result.response.status).toBe(200)
    expect(seen[0]).toMatchObject({ auth: 'Bearer good', lang: 'en' })
    expect(h.refresh).not.toHaveBeenCalled()
  })

  it('on a 401 refreshes once and sends the request again, body and all', async () => {
    const { fetchImpl, seen } = server(new Set(['fresh']))
    const h = hooks('stale', 'fresh')
    setAuthHooks(h)
    const api = createApiClient({ baseUrl: BASE, fetch: fetchImpl as typeof fetch })
    const result = await api.POST('/api/v1/challenges/{id}/objections', {
      params: { path: { id: '01a22163-08a1-734d-9887-b83b7e618a88' } },
      body: { reason: '拟挂帅单位的项目负责人精力投入难以保证。' },
    })
    expect(result.response.status).toBe(200)
    expect(result.data).toEqual({ ok: true })
    expect(h.refresh).toHaveBeenCalledTimes(1)
    expect(h.unauthenticated).not.toHaveBeenCalled()
    expect(seen.map((s) => s.auth)).toEqual(['Bearer stale', 'Bearer fresh'])
    expect(JSON.parse(seen[1]!.body)).toEqual({ reason: '拟挂帅单位的项目负责人精力投入难以保证。' })
  })

  it('sends the user to sign in when the refresh fails', async () => {
    const { fetchImpl, seen } = server(new Set())
    const h = hooks('stale', null)
    setAuthHooks(h)
    const api = createApiClient({ baseUrl: BASE, fetch: fetchImpl as typeof fetch })
    const result = await api.GET('/api/v1/me')
    expect(result.response.status).toBe(401)
    expect(result.error).toMatchObject({ code: 'invalid_token', title: '登录已失效' })
    expect(h.refresh).toHaveBeenCalledTimes(1)
    expect(h.unauthenticated).toHaveBeenCalledTimes(1)
    expect(seen).toHaveLength(1)
  })

  it('gives up when the retried request is refused too', async () => {
    const { fetchImpl, seen } = server(new Set())
    const h = hooks('stale', 'also-bad')
    setAuthHooks(h)
    const api = createApiClient({ baseUrl: BASE, fetch: fetchImpl as typeof fetch })
    const result = await api.GET('/api/v1/me')
    expect(result.response.status).toBe(401)
    expect(seen).toHaveLength(2)
    expect(h.refresh).toHaveBeenCalledTimes(1)
    expect(h.unauthenticated).toHaveBeenCalledTimes(1)
  })

  it('leaves a failed login alone: wrong credentials are the page\'s to show', async () => {
    const { fetchImpl } = server(new Set())
    const h = hooks(null, 'fresh')
    setAuthHooks(h)
    const api = createApiClient({ baseUrl: BASE, fetch: fetchImpl as typeof fetch })
    const result = await api.POST('/api/v1/auth/login', { body: { email: 'a@b.cn', password: 'x' } })
    expect(result.response.status).toBe(401)
    expect(result.error).toMatchObject({ code: 'invalid_credentials' })
    expect(h.refresh).not.toHaveBeenCalled()
    expect(h.unauthenticated).not.toHaveBeenCalled()
  })
})
