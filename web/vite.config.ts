import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Where `npm run dev` and `vite preview` send /api (the Rust server); JIEBANG_API overrides.
const api = process.env.JIEBANG_API ?? 'http://127.0.0.1:18104'
const proxy = {
  '/api': { target: api, changeOrigin: false },
}

// The policy `jiebang serve` sends with the client; `vite preview` sends it too, so that e2e
// catches an inline script or an eval before the Rust server does.
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ')

// Element Plus on demand: components and ElMessage & co. imported where used, with their CSS.
// Under vitest (node, plain TS modules) these stay out: they would rewrite the generated .d.ts
// and ESLint globals from the few files a test run sees.
const onDemand = [
  AutoImport({
    resolvers: [ElementPlusResolver()],
    dts: 'src/auto-imports.d.ts',
    eslintrc: { enabled: true, filepath: './.eslint-auto-import.json', globalsPropValue: 'readonly' },
  }),
  Components({
    resolvers: [ElementPlusResolver()],
    dts: 'src/components.d.ts',
  }),
]

export default defineConfig({
  plugins: process.env.VITEST ? [vue()] : [vue(), ...onDemand],
  // vue-i18n: Composition API only (no legacy API, no global $t component), no devtools hooks.
  define: {
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: { proxy },
  preview: { proxy, headers: { 'Content-Security-Policy': CSP } },
  build: { target: 'es2022', chunkSizeWarningLimit: 600 },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
