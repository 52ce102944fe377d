import { test, expect, account, cookieModeLogin, expectAccessible, login } from './fixtures'

test('the notices page shows each notice with its period and how to object', async ({ page, request }) => {
  const notices = (await (await request.get('/api/v1/notices')).json()) as {
    items: { challenge_title: string; starts_on: string; ends_on: string; organization_name: string; open: boolean }[]
  }
  const n = notices.items[0]
  expect(n, 'a notice in its period (seed-demo makes one)').toBeDefined()
  await page.goto('/notices')
  await expect(page.getByRole('heading', { level: 1, name: '公示' })).toBeVisible()
  const card = page.locator('article.notice').filter({ hasText: n!.challenge_title })
  await expect(card).toContainText(`${n!.starts_on} 至 ${n!.ends_on} 24:00（北京时间）`)
  await expect(card).toContainText(n!.organization_name)
  await expect(page.getByRole('heading', { name: '如何提出异议' })).toBeVisible()
  if (n!.open) await expect(card.getByRole('link', { name: '登录后提出异议' })).toBeVisible()
  // The Atom feed is linked on the page and announced in the head.
  await expect(page.getByRole('link', { name: 'Atom 订阅' })).toHaveAttribute('href', '/api/v1/notices/feed')
  await expect(page.locator('link[rel="alternate"][type="application/atom+xml"]')).toHaveAttribute(
    'href',
    '/api/v1/notices/feed',
  )
  const feed = await request.get('/api/v1/notices/feed')
  expect(feed.status()).toBe(200)
  expect(await feed.text()).toContain(n!.challenge_title)
  await expectAccessible(page)
})

test('a signed-in solver objects to a notice in its period', async ({ page, request, accounts }) => {
  test.skip(!(await cookieModeLogin(request)), 'this server does not do cookie-mode login yet')
  const notices = (await (await request.get('/api/v1/notices')).json()) as {
    items: { challenge_title: string; open: boolean; objection_count: number }[]
  }
  const n = notices.items.find((x) => x.open)
  expect(n, 'an open notice').toBeDefined()
  await login(page, account(accounts, 'solver2@demo.jiebang.cn'))
  await page.goto('/notices')
  const card = page.locator('article.notice').filter({ hasText: n!.challenge_title })
  await card.getByRole('button', { name: '提出异议' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('异议理由').fill('太短')
  await dialog.getByRole('button', { name: '提交异议' }).click()
  await expect(dialog.getByRole('alert')).toContainText('至少 10 个字')
  await dialog.getByLabel('异议理由').fill('拟挂帅单位的项目负责人同时承担另一同类榜单项目，精力投入难以保证。')
  await dialog.getByRole('button', { name: '提交异议' }).click()
  await expect(dialog).toBeHidden()
  await expect(card).toContainText(`已收到异议 ${n!.objection_count + 1} 件`)
})
