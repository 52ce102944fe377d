import createClient from 'openapi-fetch'
import type { paths, components } from './schema'
import { authMiddleware, type AuthHooks } from './middleware'

export type Schemas = components['schemas']

let hooks: AuthHooks = {
  token: () => null,
  refresh: async () => false,
  unauthenticated: () => {},
  language: () => 'zh-CN',
}

/** Called once from main.ts: the auth store and router behind the middleware. */
export function setAuthHooks(next: AuthHooks): void {
  hooks = next
}

/** A typed client; tests build their own with a base URL and fetch. */
export function createApiClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
  const fetchImpl = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a))
  const client = createClient<paths>({
    // Same origin in the browser; an absolute base elsewhere (tests), where fetch needs one.
    baseUrl: options.baseUrl ?? globalThis.location?.origin ?? 'http://localhost',
    fetch: fetchImpl,
    credentials: 'same-origin',
  })
  client.use(
    authMiddleware(
      {
        token: () => hooks.token(),
        refresh: () => hooks.refresh(),
        unauthenticated: () => hooks.unauthenticated(),
        language: () => hooks.language(),
      },
      fetchImpl,
    ),
  )
  return client
}

/** The app's client: `api.GET('/api/v1/challenges', { params: { query } })`. */
export const api = createApiClient()
