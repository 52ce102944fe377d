import { test, expect, expectAccessible } from './fixtures'

interface Summary {
  id: string
  title: string
  status: string
}

test('the board finds a challenge by a two-character Chinese word', async ({ page, request }) => {
  const all = (await (await request.get('/api/v1/challenges?status=published&per_page=100')).json()) as {
    items: Summary[]
    total: number
  }
  expect(all.total).toBeGreaterThan(0)
  // A two-character word from the middle of a real title (past a two-character prefix).
  const target = all.items[0]!
  const word = target.title.slice(2, 4)
  expect(word).toMatch(/^[\u4e00-\u9fff]{2}$/)

  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1, name: '榜单大厅' })).toBeVisible()
  await page.getByRole('textbox', { name: '搜索榜单' }).fill(word)
  await page.getByRole('button', { name: '搜索' }).click()
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(word)}`))
  await expect(page.getByRole('link', { name: target.title }).first()).toBeVisible()
  // Every card found carries the word in its title or (not shown) description: the API's count.
  const found = (await (await request.get(`/api/v1/challenges?q=${encodeURIComponent(word)}`)).json()) as { total: number }
  await expect(page.getByText(`共 ${found.total} 项`)).toBeVisible()
  expect(found.total).toBeLessThan(
    ((await (await request.get('/api/v1/challenges?per_page=1')).json()) as { total: number }).total,
  )
  await expectAccessible(page)
})

test('filters and sort go into the URL and narrow the list', async ({ page }) => {
  await page.goto('/?field=new_materials&sort=-bounty')
  await expect(page.getByText(/^共 \d+ 项$/)).toBeVisible()
  const tags = page.locator('.card .tags')
  const n = await tags.count()
  expect(n).toBeGreaterThan(0)
  for (let i = 0; i < n; i++) await expect(tags.nth(i)).toContainText('新材料')
  // Bounties in descending order.
  const bounties = await page.locator('.card .bounty').allTextContents()
  const values = bounties.map((b) => Number(b.replace(/[^\d.]/g, '')))
  expect(values).toEqual([...values].sort((a, b) => b - a))
})

test('the detail page shows KPIs, the bounty in 万元 and the deadline in Beijing time', async ({ page, request }) => {
  const list = (await (await request.get('/api/v1/challenges?status=published&per_page=1')).json()) as { items: Summary[] }
  const id = list.items[0]!.id
  const c = (await (await request.get(`/api/v1/challenges/${id}`)).json()) as {
    title: string
    bounty_fen: number
    bid_closes_at: string
    kpis: { name: string }[]
  }
  await page.goto('/')
  await page.getByRole('link', { name: c.title }).first().click()
  await expect(page).toHaveURL(`/challenges/${id}`)
  await expect(page.getByRole('heading', { level: 1, name: c.title })).toBeVisible()
  await expect(page.getByText(`${c.bounty_fen / 1_000_000} 万元`)).toBeVisible()
  const closes = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(c.bid_closes_at))
  await expect(page.getByText(closes)).toBeVisible()
  for (const kpi of c.kpis) await expect(page.getByRole('cell', { name: kpi.name })).toBeVisible()
  await expect(page.getByRole('heading', { name: '答疑' })).toBeVisible()
  await expect(page.getByRole('heading', { name: '附件' })).toBeVisible()
  await expectAccessible(page)
})

test('a challenge with a specification links its document for download', async ({ page, request }) => {
  const list = (await (await request.get('/api/v1/challenges?status=published&per_page=100')).json()) as { items: Summary[] }
  let withDoc: { id: string; file: string; href: string } | null = null
  for (const c of list.items) {
    const docs = (await (await request.get(`/api/v1/challenges/${c.id}/documents`)).json()) as {
      items: { file_name: string; download: string }[]
    }
    if (docs.items[0]) {
      withDoc = { id: c.id, file: docs.items[0].file_name, href: docs.items[0].download }
      break
    }
  }
  expect(withDoc, 'seed-demo attaches a 需求说明 to some challenges').not.toBeNull()
  await page.goto(`/challenges/${withDoc!.id}`)
  const link = page.getByRole('link', { name: withDoc!.file })
  await expect(link).toHaveAttribute('href', withDoc!.href)
  const download = await request.get(withDoc!.href)
  expect(download.status()).toBe(200)
})
