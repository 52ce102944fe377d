import { test as base, expect, type Page } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { readAccounts, type Account } from './global-setup'

export const WIDTHS = [375, 768, 1280] as const

/** The demo accounts of this run (passwords as seed-demo printed them). */
export const test = base.extend<{ accounts: Account[] }>({
  // eslint-disable-next-line no-empty-pattern
  accounts: async ({}, use) => {
    await use(readAccounts())
  },
})
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
