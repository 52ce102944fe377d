import { test, expect, expectAccessible, expectNoHorizontalOverflow, WIDTHS } from './fixtures'

const PAGES = [
  { name: 'board', path: '/', ready: '榜单大厅' },
  { name: 'notices', path: '/notices', ready: '公示' },
  { name: 'login', path: '/login', ready: '登录' },
]

for (const width of WIDTHS) {
  test.describe(`${width} px`, () => {
    test.use({ viewport: { width, height: 900 } })

    for (const p of PAGES) {
      test(`${p.name}: no horizontal overflow, accessible`, async ({ page }) => {
        await page.goto(p.path)
        await expect(page.getByRole('heading', { level: 1, name: p.ready })).toBeVisible()
        await page.waitForLoadState('networkidle')
        await expectNoHorizontalOverflow(page)
        await expectAccessible(page)
      })
    }

    test('challenge detail: no horizontal overflow, accessible', async ({ page, request }) => {
      const list = (await (await request.get('/api/v1/challenges?status=published&per_page=1')).json()) as {
        items: { id: string; title: string }[]
      }
      await page.goto(`/challenges/${list.items[0]!.id}`)
      await expect(page.getByRole('heading', { level: 1, name: list.items[0]!.title })).toBeVisible()
      await page.waitForLoadState('networkidle')
      await expectNoHorizontalOverflow(page)
      await expectAccessible(page)
    })
  })
}
