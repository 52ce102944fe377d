import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router } from './router'
import { i18n, currentLanguage } from './i18n'
import { connectAuth, useAuthStore } from './stores/auth'
import './styles/base.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)

const auth = useAuthStore()
connectAuth(auth, {
  language: () => currentLanguage(),
  // A 401 that a refresh could not mend: sign in again, then back to where the user was.
  unauthenticated: () => {
    const here = router.currentRoute.value
    if (here.name !== 'login') {
      void router.push({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
    }
  },
})
document.documentElement.lang = currentLanguage()
// Restore a session from the refresh cookie, if any, without holding up public pages.
void auth.restore()

app.use(router)
app.mount('#app')
