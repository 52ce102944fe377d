import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'
import { expertRoutes } from './expert'
import BoardList from '@/views/board/BoardList.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** The role a page requires; the guard sends others to /login or /forbidden. */
    role?: 'admin' | 'issuer' | 'solver' | 'expert'
    /** An i18n key for document.title. */
    title?: string
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'board', component: BoardList, meta: { title: 'board.title' } },
  {
    path: '/challenges/:id',
    name: 'challenge',
    component: () => import('@/views/board/ChallengeDetail.vue'),
    props: true,
    meta: { title: 'detail.overview' },
  },
  {
    path: '/notices',
    name: 'notices',
    component: () => import('@/views/board/NoticesPage.vue'),
    meta: { title: 'notices.title' },
  },
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginPage.vue'),
    meta: { title: 'login.title' },
  },
  {
    path: '/forbidden',
    name: 'forbidden',
    component: () => import('@/views/ForbiddenPage.vue'),
    meta: { title: 'app.error' },
  },
  ...expertRoutes,
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundPage.vue'),
    meta: { title: 'app.notFound' },
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

router.beforeEach(async (to) => {
  const role = to.matched.map((r) => r.meta.role).find((r) => r !== undefined)
  if (!role) return true
  const auth = useAuthStore()
  await auth.restore()
  if (!auth.loggedIn) return { name: 'login', query: { redirect: to.fullPath } }
  const user = auth.user ?? (await auth.loadMe())
  if (!user) return { name: 'login', query: { redirect: to.fullPath } }
  if (user.role !== role) return { name: 'forbidden' }
  return true
})

/** document.title from the route's meta.title, in the UI language. */
export function setTitle(to: RouteLocationNormalized): void {
  const key = [...to.matched].reverse().find((r) => r.meta.title)?.meta.title
  const name = i18n.global.t('app.name')
  document.title = key ? `${i18n.global.t(key)} · ${name}` : name
}

router.afterEach(setTitle)
