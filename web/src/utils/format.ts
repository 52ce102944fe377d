// Formatting of money and time as the program shows them: bounties in 万元 (the API gives fen),
// instants in Beijing time (Asia/Shanghai, no daylight saving) whatever the browser's zone.

const FEN_PER_WAN = 1_000_000 // 1 万元 = 10 000 元 = 1 000 000 分

/** `250000000` fen → `"250"` (万元), at most two decimals, no trailing zeros, no grouping (`2107 万元`). */
export function fenToWan(fen: number): string {
  const wan = fen / FEN_PER_WAN
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: false }).format(wan)
}

/** The translate function of vue-i18n (`useI18n().t` or `i18n.global.t`). */
export type Translate = (key: string, named: Record<string, unknown>) => string

/**
 * A bounty for display, worded by the locale's `format.bounty`: `250 万元` in Chinese (from
 * `{wan}`), `CNY 2,500,000` in English (from `{yuan}`).
 */
export function formatBounty(fen: number, t: Translate): string {
  const yuan = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(fen / 100)
  return t('format.bounty', { wan: fenToWan(fen), yuan })
}

/** 万元 entered in a filter → fen for the API (undefined stays undefined). */
export function wanToFen(wan: number | null | undefined): number | undefined {
  if (wan === null || wan === undefined || Number.isNaN(wan)) return undefined
  return Math.round(wan * FEN_PER_WAN)
}

const BEIJING = 'Asia/Shanghai'

function beijingParts(date: Date): Record<string, string> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: BEIJING,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date)
  return Object.fromEntries(parts.map((p) => [p.type, p.value]))
}

/** An RFC 3339 instant → `2026-12-03 17:00` in Beijing time. */
export function formatBeijing(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  if (Number.isNaN(date.getTime())) return ''
  const p = beijingParts(date)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** An RFC 3339 instant → `2026-12-03`, the Beijing date. */
export function formatBeijingDate(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  if (Number.isNaN(date.getTime())) return ''
  const p = beijingParts(date)
  return `${p.year}-${p.month}-${p.day}`
}

/** A Beijing calendar day (`YYYY-MM-DD`) → the instant it starts or ends, for date filters. */
export function beijingDayBound(day: string, bound: 'start' | 'end'): string {
  return bound === 'start' ? `${day}T00:00:00+08:00` : `${day}T23:59:59+08:00`
}

/** What is left until a deadline, for countdowns: whole days, hours and minutes (0 once past). */
export function remaining(deadline: string | Date, now: number = Date.now()): {
  past: boolean
  days: number
  hours: number
  minutes: number
} {
  const end = (typeof deadline === 'string' ? new Date(deadline) : deadline).getTime()
  const left = Math.max(0, end - now)
  const minutes = Math.floor(left / 60_000)
  return { past: end <= now, days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 }
}

/** `还剩 3 天 4 小时`; under a day, hours and minutes; `已截止` once past (locale `format.*`). */
export function formatRemaining(deadline: string | Date, t: Translate, now: number = Date.now()): string {
  const r = remaining(deadline, now)
  if (r.past) return t('format.closed', {})
  if (r.days > 0) return t('format.leftDays', { d: r.days, h: r.hours })
  return t('format.leftHours', { h: r.hours, m: r.minutes })
}
