import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLanguage } from './i18n'
import { setAuthHooks } from './api/client'
import { useAuthStore } from './stores/auth'
import './styles/base.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)

const auth = useAuthStore()
setAuthHooks({
  token: () => auth.accessToken,
  refresh: () => auth.refresh(),
  unauthenticated: () => {
    auth.clear()
    const here = router.currentRoute.value
    if (here.name !== 'login') {
      void router.push({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
    }
  },
  language: () => currentLanguage(),
})
document.documentElement.lang = currentLanguage()
// Restore a session from the refresh cookie, if any, without holding up public pages.
void auth.restore()

app.use(router)
app.mount('#app')
