import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { readAccounts, type Account } from './global-setup'

export const WIDTHS = [375, 768, 1280] as const

/**
 * `accounts`: the demo accounts of this run (passwords as seed-demo printed them).
 * `pageGuard` (automatic): fails a test whose page broke the Content-Security-Policy (an inline
 * script, an eval) or threw an uncaught error.
 */
export const test = base.extend<{ accounts: Account[]; pageGuard: void }>({
  // eslint-disable-next-line no-empty-pattern
  accounts: async ({}, use) => {
    await use(readAccounts())
  },
  pageGuard: [
    async ({ page }, use) => {
      const problems: string[] = []
      page.on('console', (m) => {
        if (/Content.Security.Policy/i.test(m.text())) problems.push(m.text())
      })
      page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`))
      await use()
      expect(problems).toEqual([])
    },
    { auto: true },
  ],
})

/** Whether the server under test does cookie-mode login (the `refresh_in_cookie` field). */
export async function cookieModeLogin(request: APIRequestContext): Promise<boolean> {
  const doc = (await (await request.get('/api/v1/openapi.json')).json()) as {
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
  }
  return Boolean(doc.components.schemas.LoginRequest?.properties?.refresh_in_cookie)
}
export { expect }

export function account(accounts: Account[], email: string): Account {
  const found = accounts.find((a) => a.email === email)
  if (!found) throw new Error(`no demo account ${email}`)
  return found
}

/** Signs in through the login page. */
export async function login(page: Page, who: Account): Promise<void> {
  await page.goto('/login')
  await page.getByLabel(/邮箱|Email/).fill(who.email)
  await page.getByLabel(/密码|Password/).fill(who.password)
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

/** No serious or critical axe violation on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  // Colours are judged as they end: no fade or transition half-way (axe would see it translucent).
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .filter((a) => a.effect?.getTiming().iterations !== Infinity) // spinners never end
      .every((a) => a.playState !== 'running' && !a.pending),
  )
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([])
}

/** Nothing wider than the viewport: the page never scrolls sideways. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, client, culprits } = await page.evaluate(() => {
    const doc = document.documentElement
    const width = doc.clientWidth
    const wide = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-box'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)
    return { scroll: doc.scrollWidth, client: width, culprits: wide }
  })
  expect(scroll, `page ${scroll}px wide in a ${client}px viewport; widest: ${culprits.join(', ')}`).toBeLessThanOrEqual(client)
}
