import type { Middleware } from 'openapi-fetch'

/** What the middleware needs from the rest of the app (the auth store and the router). */
export interface AuthHooks {
  /** The access token in memory, if any. */
  token(): string | null
  /** One silent refresh (deduplicated by the store); true when a new access token is in memory. */
  refresh(): Promise<boolean>
  /** The session is gone: clear it and send the user to the login page. */
  unauthenticated(): void
  /** The UI language, sent as Accept-Language. */
  language(): string
}

const AUTH_PATHS = ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout', '/api/v1/auth/register']

function isAuthCall(url: string): boolean {
  const path = new URL(url, 'http://localhost').pathname
  return AUTH_PATHS.includes(path)
}

/** Requests that can be sent again after a refresh without buffering a large body. */
function replayable(request: Request): boolean {
  if (['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method)) return true
  return (request.headers.get('Content-Type') ?? '').startsWith('application/json')
}

/**
 * Adds the access token and Accept-Language to every call; on a 401 (outside /auth) tries one
 * silent refresh and sends the request again; if that fails too, `unauthenticated()`.
 */
export function authMiddleware(hooks: AuthHooks, fetchImpl: typeof fetch = (...a) => fetch(...a)): Middleware {
  const copies = new Map<string, Request>()
  return {
    onRequest({ request, id }) {
      request.headers.set('Accept-Language', hooks.language())
      const token = hooks.token()
      const path = new URL(request.url, 'http://localhost').pathname
      // Login and refresh go without the (possibly expired) bearer; the cookie is what counts.
      const bare = path === '/api/v1/auth/login' || path === '/api/v1/auth/refresh'
      if (token && !bare) request.headers.set('Authorization', `Bearer ${token}`)
      if (!isAuthCall(request.url) && replayable(request)) copies.set(id, request.clone())
      return request
    },
    async onResponse({ request, response, id }) {
      const copy = copies.get(id)
      copies.delete(id)
      if (response.status !== 401 || isAuthCall(request.url)) return undefined
      if (copy && (await hooks.refresh())) {
        const token = hooks.token()
        if (token) copy.headers.set('Authorization', `Bearer ${token}`)
        const again = await fetchImpl(copy)
        if (again.status !== 401) return again
        hooks.unauthenticated()
        return again
      }
      hooks.unauthenticated()
      return undefined
    },
    onError({ id }) {
      copies.delete(id)
    },
  }
}
