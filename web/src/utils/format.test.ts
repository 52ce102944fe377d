import { describe, expect, it } from 'vitest'
import {
  beijingDayBound,
  fenToWan,
  formatBeijing,
  formatBeijingDate,
  formatBounty,
  formatRemaining,
  remaining,
  wanToFen,
} from './format'
import { i18n } from '@/i18n'

function translator(language: 'zh-CN' | 'en') {
  return (key: string, named: Record<string, unknown>) => i18n.global.t(key, named, { locale: language })
}
const zh = translator('zh-CN')
const en = translator('en')

describe('bounty in 万元', () => {
  it('turns fen into 万元 without trailing zeros', () => {
    expect(fenToWan(250_000_000)).toBe('250')
    expect(fenToWan(12_500_000)).toBe('12.5')
    expect(fenToWan(1_234_567)).toBe('1.23')
    expect(fenToWan(50_000_000_000)).toBe('50000')
    expect(fenToWan(0)).toBe('0')
  })
  it('labels it by language', () => {
    expect(formatBounty(250_000_000, zh)).toBe('250 万元')
    expect(formatBounty(250_000_000, en)).toBe('CNY 2,500,000')
  })
  it('turns 万元 from a filter back into fen', () => {
    expect(wanToFen(250)).toBe(250_000_000)
    expect(wanToFen(0.5)).toBe(500_000)
    expect(wanToFen(undefined)).toBeUndefined()
    expect(wanToFen(null)).toBeUndefined()
  })
})

describe('Beijing time', () => {
  it('shows an instant in UTC+8 whatever the zone of the machine', () => {
    expect(formatBeijing('2026-12-03T09:00:00Z')).toBe('2026-12-03 17:00')
    // 16:00 UTC is midnight in Beijing: the next day, hour 00 (never 24).
    expect(formatBeijing('2026-12-03T16:00:00Z')).toBe('2026-12-04 00:00')
    expect(formatBeijing('2026-12-31T23:30:00+08:00')).toBe('2026-12-31 23:30')
    expect(formatBeijingDate('2026-12-31T16:30:00Z')).toBe('2027-01-01')
  })
  it('returns nothing for a value that is not a date', () => {
    expect(formatBeijing('not a date')).toBe('')
  })
  it('bounds a Beijing day for the deadline filters', () => {
    expect(beijingDayBound('2026-12-03', 'start')).toBe('2026-12-03T00:00:00+08:00')
    expect(new Date(beijingDayBound('2026-12-03', 'end')).toISOString()).toBe('2026-12-03T15:59:59.000Z')
  })
})

describe('countdowns', () => {
  const now = Date.parse('2026-11-28T09:00:00Z')
  it('counts whole days, hours and minutes to a deadline', () => {
    expect(remaining('2026-12-01T13:30:00Z', now)).toEqual({ past: false, days: 3, hours: 4, minutes: 30 })
    expect(remaining('2026-11-28T08:59:00Z', now)).toEqual({ past: true, days: 0, hours: 0, minutes: 0 })
  })
  it('says it in the UI language', () => {
    expect(formatRemaining('2026-12-01T13:30:00Z', zh, now)).toBe('还剩 3 天 4 小时')
    expect(formatRemaining('2026-11-28T11:05:00Z', zh, now)).toBe('还剩 2 小时 5 分')
    expect(formatRemaining('2026-12-01T13:30:00Z', en, now)).toBe('3 d 4 h left')
    expect(formatRemaining('2026-11-28T09:00:00Z', zh, now)).toBe('已截止')
  })
})
