import type { RouteRecordRaw } from 'vue-router'

// The expert section (专家评审). Every route here requires a signed-in expert (meta.role, checked
// in router/index.ts). Pages live in src/views/expert/; replace them freely.
export const expertRoutes: RouteRecordRaw[] = [
  {
    path: '/expert',
    component: () => import('@/views/expert/ExpertLayout.vue'),
    meta: { role: 'expert' },
    children: [
      { path: '', redirect: { name: 'expert-invitations' } },
      {
        path: 'invitations',
        name: 'expert-invitations',
        component: () => import('@/views/expert/InvitationsPage.vue'),
        meta: { title: 'expert.invitations.title' },
      },
      {
        path: 'panels',
        name: 'expert-panels',
        component: () => import('@/views/expert/PanelsPage.vue'),
        meta: { title: 'expert.panels.title' },
      },
      {
        path: 'panels/:assignmentId',
        name: 'expert-panel',
        component: () => import('@/views/expert/PanelPage.vue'),
        props: true,
        meta: { title: 'expert.panel.title' },
      },
      {
        path: 'panels/:assignmentId/bids/:bidId',
        name: 'expert-bid',
        component: () => import('@/views/expert/BidPage.vue'),
        props: true,
        meta: { title: 'expert.bid.title' },
      },
      {
        path: 'acceptance/:id',
        name: 'expert-acceptance',
        component: () => import('@/views/expert/AcceptancePage.vue'),
        props: true,
        meta: { title: 'expert.acceptance.title' },
      },
      {
        path: 'fees',
        name: 'expert-fees',
        component: () => import('@/views/expert/FeesPage.vue'),
        meta: { title: 'expert.fees.title' },
      },
      {
        path: 'notifications',
        name: 'expert-notifications',
        component: () => import('@/views/expert/NotificationsPage.vue'),
        meta: { title: 'expert.notifications.title' },
      },
      {
        path: 'profile',
        name: 'expert-profile',
        component: () => import('@/views/expert/ProfilePage.vue'),
        meta: { title: 'expert.profile.title' },
      },
    ],
  },
]
