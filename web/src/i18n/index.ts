import { createI18n } from 'vue-i18n'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'

export type Language = 'zh-CN' | 'en'
export const LANGUAGES: Language[] = ['zh-CN', 'en']
const STORAGE_KEY = 'jiebang.language'

function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'zh-CN' || saved === 'en') return saved
  } catch {
    // storage unavailable (private mode, tests): fall through
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLanguage(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

/** The UI language, also sent as Accept-Language so that problem titles match it. */
export function currentLanguage(): Language {
  return i18n.global.locale.value as Language
}

export function setLanguage(language: Language): void {
  i18n.global.locale.value = language
  try {
    localStorage.setItem(STORAGE_KEY, language)
  } catch {
    // not kept; fine
  }
  document.documentElement.lang = language
}
