import { defineConfig, devices } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

const web = dirname(fileURLToPath(import.meta.url))
const repo = resolve(web, '..')

// The server under test: the binary `cargo test` built (JIEBANG_BIN), on a fresh database whose
// name is made here once (workers inherit it through the environment), seeded in global-setup.
export const bin = resolve(web, process.env.JIEBANG_BIN ?? '../target/debug/jiebang')
process.env.JIEBANG_E2E_DB ??= `jiebang_e2e_${Date.now()}_${randomBytes(3).toString('hex')}`
export const databaseUrl = `${process.env.JIEBANG_E2E_PG ?? 'postgres://postgres@127.0.0.1:5432'}/${process.env.JIEBANG_E2E_DB}`
const port = Number(process.env.JIEBANG_E2E_PORT ?? 18114)
const apiPort = Number(process.env.JIEBANG_E2E_API_PORT ?? port + 10)

// Who serves web/dist. 'jiebang': the Rust server itself at `/` (server.web_dir, with its CSP).
// 'vite-preview': `vite preview` serves dist (with the same CSP, see vite.config.ts) and proxies
// /api to the Rust server.
const SERVE_WITH = (process.env.JIEBANG_E2E_SERVE ?? 'jiebang') as 'jiebang' | 'vite-preview'

// What seed-demo printed (the demo accounts and their passwords), read by e2e/global-setup.ts.
export const seedOutput = resolve(web, 'e2e/.state/seed-demo.txt')
// The database is seeded before the server starts: seed-demo plays its story with the clock set
// in the past, which a running server's job runner must not see half-way.
const rust = (listen: number) => ({
  command: `mkdir -p "${dirname(seedOutput)}" && "${bin}" seed-demo --challenges 50 > "${seedOutput}" && "${bin}" serve --bind 127.0.0.1:${listen}`,
  cwd: repo,
  url: `http://127.0.0.1:${listen}/health`,
  timeout: 120_000,
  reuseExistingServer: false,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  env: {
    DATABASE_URL: databaseUrl,
    JIEBANG__SERVER__WEB_DIR: resolve(web, 'dist'),
    // The search index of this run's own (a developer's server may hold data/search).
    JIEBANG__SEARCH__DIR: resolve(web, 'e2e/.state', `search-${process.env.JIEBANG_E2E_DB}`),
    RUST_LOG: 'error',
  },
})

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        // Debian's Chromium; Playwright never downloads a browser here.
        launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
      },
    },
  ],
  webServer:
    SERVE_WITH === 'jiebang'
      ? [rust(port)]
      : [
          rust(apiPort),
          {
            command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
            cwd: web,
            url: `http://127.0.0.1:${port}/`,
            timeout: 60_000,
            reuseExistingServer: false,
            env: { JIEBANG_API: `http://127.0.0.1:${apiPort}` },
          },
        ],
})
