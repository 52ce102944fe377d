import { test, expect, account, cookieModeLogin, expectAccessible, login } from './fixtures'

test('the expert pages send an anonymous visitor to sign in, and back afterwards', async ({ page }) => {
  await page.goto('/expert/panels')
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)expert(%2F|\/)panels$/)
  await expect(page.getByRole('heading', { level: 1, name: '登录' })).toBeVisible()
  await expectAccessible(page)
})

test('a wrong password shows the server\'s problem title, in the UI language', async ({ page }) => {
  await page.goto('/login')
  await page.getByLabel('邮箱').fill('expert1@demo.jiebang.cn')
  await page.getByLabel('密码').fill('definitely-wrong')
  await page.getByRole('button', { name: '登录', exact: true }).click()
  // The current server refuses an unknown field (422) and a cookie-mode one refuses the password
  // (401): either way the alert carries the server's own Chinese title.
  await expect(page.getByRole('alert')).toContainText(/[\u4e00-\u9fff]/)

  await page.getByRole('button', { name: /English/ }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('alert')).not.toContainText(/[\u4e00-\u9fff]/)
})

test.describe('signed in (cookie mode)', () => {
  test.beforeEach(async ({ request }) => {
    test.skip(!(await cookieModeLogin(request)), 'this server does not do cookie-mode login yet')
  })

  test('an expert signs in, reaches the expert pages, keeps the session over a reload, signs out', async ({
    page,
    accounts,
  }) => {
    await page.goto('/expert/panels')
    await expect(page).toHaveURL(/\/login/)
    await page.getByLabel('邮箱').fill('expert1@demo.jiebang.cn')
    await page.getByLabel('密码').fill(account(accounts, 'expert1@demo.jiebang.cn').password)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await expect(page).toHaveURL('/expert/panels')
    // The access token is in memory only: nothing of it in storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))
    expect(stored).not.toMatch(/eyJ/)
    // A reload restores the session from the HttpOnly cookie.
    await page.reload()
    await expect(page).toHaveURL('/expert/panels')
    await expect(page.getByRole('button', { name: /赵教授/ })).toBeVisible()
    await page.getByRole('button', { name: /赵教授/ }).click()
    await page.getByRole('menuitem', { name: '退出登录' }).click()
    await expect(page).toHaveURL('/')
    await page.goto('/expert/panels')
    await expect(page).toHaveURL(/\/login/)
  })

  test('a solver is not let into the expert pages', async ({ page, accounts }) => {
    await login(page, account(accounts, 'solver1@demo.jiebang.cn'))
    await page.goto('/expert/invitations')
    await expect(page).toHaveURL('/forbidden')
  })
})
