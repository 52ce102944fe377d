import type { APIRequestContext, Page } from '@playwright/test'
import { test, expect, account, login, expectAccessible, expectNoHorizontalOverflow, WIDTHS } from './fixtures'

// The expert's cycle on seed-demo's challenge under review (panel: the five demo experts, invited,
// two bids with PDF documents): expert1 signs the commitment and accepts, reads a blind bid and
// its PDF, scores both bids (the draft survives a reload) and submits; expert2 cannot open
// expert1's bid by URL. One browser session after another: the steps depend on each other.
test.describe.configure({ mode: 'serial' })

const EXPERT1 = 'expert1@demo.jiebang.cn'
const EXPERT2 = 'expert2@demo.jiebang.cn'
/** Names a blind review must not show (seed-demo's bidders and their people). */
const NAMES = ['海西大学', '福建先进复合材料研究院', '陈思远', '林晓峰']

interface Seat {
  id: string
  challenge_title: string
  status: string
  blind_review: boolean
  rubric: { name: string; max_points: number }[]
}

/** A bearer token for API look-ups beside the browser (body mode: no cookie involved). */
async function token(request: APIRequestContext, email: string, password: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { email, password } })
  expect(res.status()).toBe(200)
  return ((await res.json()) as { access_token: string }).access_token
}

async function seats(request: APIRequestContext, bearer: string): Promise<Seat[]> {
  const res = await request.get('/api/v1/assignments?per_page=100', { headers: { Authorization: `Bearer ${bearer}` } })
  expect(res.status()).toBe(200)
  return ((await res.json()) as { items: Seat[] }).items
}

/** Fills a bid's score sheet: each criterion by its label, then the comment. */
async function score(page: Page, rubric: Seat['rubric'], points: (max: number) => number, comment: string) {
  for (const c of rubric) {
    await page.getByLabel(`${c.name}（0–${c.max_points} 分）`).fill(String(points(c.max_points)))
  }
  await page.getByLabel('评审意见').fill(comment)
  await expect(page.getByRole('status').filter({ hasText: '草稿已保存' })).toBeVisible({ timeout: 10_000 })
}

let seat: Seat

test('expert1 signs the commitment and accepts the invitation', async ({ page, request, accounts }) => {
  const me = account(accounts, EXPERT1)
  const mine = await seats(request, await token(request, me.email, me.password))
  const invited = mine.find((s) => s.status === 'invited')
  expect(invited, 'seed-demo invites expert1 to the panel of the challenge under review').toBeTruthy()
  seat = invited!

  await login(page, me)
  await page.goto('/expert/invitations')
  await expect(page.getByRole('heading', { level: 1, name: '评审邀请' })).toBeVisible()
  const card = page.locator('article').filter({ hasText: seat.challenge_title })
  await expect(card.getByText('2 份')).toBeVisible()
  await expect(card.getByText(seat.rubric[0]!.name)).toBeVisible()
  await expectAccessible(page)

  await card.getByRole('button', { name: '阅读承诺书并接受' }).click()
  const dialog = page.getByRole('dialog', { name: '保密及回避承诺书' })
  await expect(dialog.getByText('保密')).not.toHaveCount(0)
  const sign = dialog.getByRole('button', { name: '签署并接受邀请' })
  await expect(sign).toBeDisabled()
  await dialog.getByText('我已阅读并同意上述承诺').click()
  await expect(sign).toBeEnabled()
  await sign.click()

  await expect(page).toHaveURL(`/expert/panels/${seat.id}`)
  await expect(page.getByRole('heading', { level: 1, name: seat.challenge_title })).toBeVisible()
  await expect(page.getByText('0 / 2 已评分')).toBeVisible()
  await expect(page.getByText(/已签署承诺书（第 \d+ 版/)).toBeVisible()
  await expectAccessible(page)
})

test('expert1 reads a blind bid, opens its PDF, and scores both bids; the draft survives a reload', async ({
  page,
  accounts,
}) => {
  await login(page, account(accounts, EXPERT1))
  await page.goto(`/expert/panels/${seat.id}`)
  await page.getByRole('link', { name: '方案 A' }).click()
  await expect(page).toHaveURL(new RegExp(`/expert/panels/${seat.id}/bids/[0-9a-f-]+$`))
  const firstBid = page.url()
  await expect(page.getByRole('heading', { level: 1, name: '方案 A' })).toBeVisible()
  for (const h of ['技术路线', '考核指标与承诺', '里程碑计划', '团队（匿名）', '方案材料', '评分']) {
    await expect(page.getByRole('heading', { level: 2, name: h })).toBeVisible()
  }
  // Blind: no organisation or person of the bidders anywhere on the page.
  const text = await page.locator('main, #app').first().innerText()
  for (const name of NAMES) expect(text).not.toContain(name)
  await expectAccessible(page)

  // The PDF in the page (pdf.js in its own chunk, its worker from our origin).
  await page.getByRole('button', { name: '在线查看' }).first().click()
  await expect(page.getByRole('img', { name: /^第 1 \/ \d+ 页$/ })).toBeVisible({ timeout: 15_000 })
  // Something is drawn on the page (its text: the CMaps are served from our origin).
  await expect
    .poll(
      () =>
        page
          .locator('canvas')
          .first()
          .evaluate((c: HTMLCanvasElement) => {
            const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []
            let dark = 0
            for (let i = 0; i < data.length; i += 4) if (data[i]! < 128 && data[i + 3]! > 0) dark += 1
            return dark
          }),
      { timeout: 10_000 },
    )
    .toBeGreaterThan(100)

  // "Download all": the panel's documents as one ZIP, fetched with the token and saved.
  const [zip] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '全部下载（ZIP）' }).click(),
  ])
  expect(zip.suggestedFilename()).toMatch(/\.zip$/)

  // Scores: saved automatically as a draft, on the server.
  await score(page, seat.rubric, (max) => max - 3, '技术路线清晰，中试计划可行。')
  await expect(page.getByTestId('score-total')).toHaveText(String(seat.rubric.reduce((s, c) => s + c.max_points - 3, 0)))

  // A reload shows the draft (the server's copy).
  await page.reload()
  const first = seat.rubric[0]!
  await expect(page.getByLabel(`${first.name}（0–${first.max_points} 分）`)).toHaveValue(String(first.max_points - 3))
  await expect(page.getByLabel('评审意见')).toHaveValue('技术路线清晰，中试计划可行。')

  // A bound: more than a criterion's points is not taken.
  await page.getByLabel(`${first.name}（0–${first.max_points} 分）`).fill(String(first.max_points + 50))
  await page.getByLabel(`${first.name}（0–${first.max_points} 分）`).blur()
  await expect(page.getByLabel(`${first.name}（0–${first.max_points} 分）`)).toHaveValue(String(first.max_points))

  // Save and next: the second bid.
  await page.getByRole('button', { name: '保存并评下一份' }).click()
  await expect(page).not.toHaveURL(firstBid)
  await expect(page.getByRole('heading', { level: 1, name: '方案 B' })).toBeVisible()

  // A save that fails (the connection drops) is shown beside the form; retry sends it.
  await page.route('**/api/v1/assignments/*/scores/*', (route) => route.abort('internetdisconnected'), { times: 1 })
  for (const c of seat.rubric) {
    await page.getByLabel(`${c.name}（0–${c.max_points} 分）`).fill(String(Math.floor(c.max_points / 2)))
  }
  await page.getByLabel('评审意见').fill('方案基本可行，经费测算偏高。')
  const failed = page.getByRole('alert').filter({ hasText: '保存失败' })
  await expect(failed).toBeVisible({ timeout: 10_000 })
  await failed.getByRole('button', { name: '重试' }).click()
  await expect(failed).toHaveCount(0)
  await expect(page.getByRole('status').filter({ hasText: '草稿已保存' })).toBeVisible({ timeout: 10_000 })

  // An unsent change (typed, reloaded at once) is kept in the tab and restored.
  await page.getByLabel('评审意见').fill('方案基本可行，经费测算偏高，进度偏紧。')
  await page.reload()
  await expect(page.getByLabel('评审意见')).toHaveValue('方案基本可行，经费测算偏高，进度偏紧。')
  await expect(page.getByRole('status').filter({ hasText: '草稿已保存' })).toBeVisible({ timeout: 10_000 })
})

test('expert1 submits, after confirming; the sheets are then read-only', async ({ page, accounts }) => {
  await login(page, account(accounts, EXPERT1))
  await page.goto(`/expert/panels/${seat.id}`)
  await expect(page.getByText('2 / 2 已评分')).toBeVisible()
  await page.getByRole('button', { name: '提交全部评分' }).click()
  const confirm = page.getByRole('dialog', { name: '提交评分' })
  await expect(confirm).toContainText('提交后评分不可再修改')
  await confirm.getByRole('button', { name: '提交全部评分' }).click()
  await expect(page.getByText('评分已提交')).toBeVisible()
  await expect(page.locator('.summary').getByText('已提交')).toBeVisible()
  await expect(page.getByRole('button', { name: '提交全部评分' })).toHaveCount(0)

  await page.getByRole('link', { name: '方案 A' }).click()
  await expect(page.getByText('评审已提交或已截止，内容只读。').first()).toBeVisible()
  const first = seat.rubric[0]!
  await expect(page.getByLabel(`${first.name}（0–${first.max_points} 分）`)).toBeDisabled()
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 })
    await expectNoHorizontalOverflow(page)
  }
})

test('an expert without a seat on that panel cannot reach the bid by URL', async ({ page, request, accounts }) => {
  const me = account(accounts, EXPERT1)
  const other = account(accounts, EXPERT2)
  const bearer1 = await token(request, me.email, me.password)
  const bids = await request.get(`/api/v1/assignments/${seat.id}/bids`, { headers: { Authorization: `Bearer ${bearer1}` } })
  const bidId = ((await bids.json()) as { items: { id: string }[] }).items[0]!.id

  // The API refuses expert2 expert1's seat…
  const bearer2 = await token(request, other.email, other.password)
  const refused = await request.get(`/api/v1/assignments/${seat.id}/bids`, { headers: { Authorization: `Bearer ${bearer2}` } })
  expect([403, 404]).toContain(refused.status())

  // …and the page says so plainly.
  await login(page, other)
  await page.goto(`/expert/panels/${seat.id}/bids/${bidId}`)
  await expect(page.getByRole('heading', { level: 1, name: '未找到该评审，或您无权查看。' })).toBeVisible()
  await expect(page.getByRole('link', { name: '返回我的评审' })).toBeVisible()
  await expect(page.getByText('技术路线')).toHaveCount(0)
  await expectAccessible(page)
})

test("the expert's other pages: panels, fees, notifications, profile", async ({ page, accounts }) => {
  await login(page, account(accounts, EXPERT1))
  const pages: [string, string][] = [
    ['/expert/panels', '我的评审'],
    ['/expert/fees', '评审费'],
    ['/expert/notifications', '消息通知'],
    ['/expert/profile', '个人资料'],
  ]
  for (const [path, heading] of pages) {
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
    await expectAccessible(page)
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 })
      await expectNoHorizontalOverflow(page)
    }
  }
  // The submitted panel among "my panels", with its progress.
  await page.goto('/expert/panels')
  const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: seat.challenge_title }) })
  await expect(card.getByText('2 / 2 已评分')).toBeVisible()
  await expect(card.getByText('已提交')).toBeVisible()

  // The profile: title and declared conflicts saved; a malformed USCC is refused before sending.
  await page.goto('/expert/profile')
  await page.getByLabel('职称').fill('教授、博士生导师')
  await page.getByLabel('回避单位（统一社会信用代码）').fill('91350200776049653B')
  await page.getByRole('button', { name: '保存资料' }).click()
  await expect(page.getByText('以下代码格式不正确：91350200776049653B')).toBeVisible()
  await page.getByLabel('回避单位（统一社会信用代码）').fill('91350200776049653A')
  await page.getByRole('button', { name: '保存资料' }).click()
  await expect(page.getByText('资料已保存')).toBeVisible()
  await page.reload()
  await expect(page.getByLabel('职称')).toHaveValue('教授、博士生导师')
  await expect(page.getByLabel('回避单位（统一社会信用代码）')).toHaveValue('91350200776049653A')
})

test('a commitment republished while the expert reads it must be read again (409 commitment_outdated)', async ({
  page,
  request,
  accounts,
}) => {
  const expert = account(accounts, EXPERT2)
  const admin = accounts.find((a) => a.role === 'admin')!
  await login(page, expert)
  await page.goto('/expert/invitations')
  const card = page.locator('article').filter({ hasText: seat.challenge_title })
  await card.getByRole('button', { name: '阅读承诺书并接受' }).click()
  const dialog = page.getByRole('dialog', { name: '保密及回避承诺书' })
  const version = dialog.getByText(/^第 \d+ 版$/)
  await expect(version).toBeVisible()
  const before = Number((await version.innerText()).replace(/\D/g, ''))

  // Meanwhile the office publishes a new version.
  const bearer = await token(request, admin.email, admin.password)
  const current = (await (
    await request.get('/api/v1/commitments/expert_review', { headers: { Authorization: `Bearer ${bearer}` } })
  ).json()) as { text_zh: string; text_en: string }
  const put = await request.put('/api/v1/commitments/expert_review', {
    headers: { Authorization: `Bearer ${bearer}` },
    data: { text_zh: `${current.text_zh}\n\n五、本承诺自签署之日起生效。`, text_en: `${current.text_en}\n\n5. Effective on signing.` },
  })
  expect(put.ok()).toBe(true)

  await dialog.getByText('我已阅读并同意上述承诺').click()
  await dialog.getByRole('button', { name: '签署并接受邀请' }).click()
  await expect(dialog.getByText('承诺书已更新，请阅读新版本后重新签署。')).toBeVisible()
  await expect(dialog.getByText(`第 ${before + 1} 版`)).toBeVisible()
  await expect(dialog.getByText('五、本承诺自签署之日起生效。')).toBeVisible()
  await expect(dialog.getByRole('button', { name: '签署并接受邀请' })).toBeDisabled()
  await dialog.getByText('我已阅读并同意上述承诺').click()
  await dialog.getByRole('button', { name: '签署并接受邀请' }).click()
  await expect(page).toHaveURL(/\/expert\/panels\/[0-9a-f-]+$/)
  await expect(page.getByText(`已签署承诺书（第 ${before + 1} 版`)).toBeVisible()
})

test('an expert declines an invitation with a reason', async ({ page, accounts }) => {
  await login(page, account(accounts, 'expert3@demo.jiebang.cn'))
  await page.goto('/expert/invitations')
  const card = page.locator('article').filter({ hasText: seat.challenge_title })
  await card.getByRole('button', { name: '谢绝' }).click()
  const dialog = page.getByRole('dialog', { name: '谢绝邀请' })
  await dialog.getByRole('button', { name: '确认谢绝' }).click()
  await expect(dialog.getByText('请填写谢绝理由')).toBeVisible()
  await dialog.getByLabel('谢绝理由').fill('评审期间出国访问')
  await page.mouse.move(0, 0) // not a hovered button's colours
  await expectAccessible(page)
  await dialog.getByRole('button', { name: '确认谢绝' }).click()
  await expect(page.getByText('已谢绝邀请')).toBeVisible()
  await expect(card).toHaveCount(0)
})
