// The time left until a deadline, and how the deadline reads in Beijing time (Asia/Shanghai),
// whatever the browser's zone.
import { formatBeijing } from './format'

export interface Countdown {
  /** The deadline has passed. */
  past: boolean
  days: number
  hours: number
  minutes: number
  /** Less than 24 hours left. */
  urgent: boolean
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** What is left from `nowMs` until `deadline` (whole minutes, rounded down). */
export function countdown(deadline: string | Date, nowMs: number): Countdown {
  const end = (typeof deadline === 'string' ? new Date(deadline) : deadline).getTime()
  const left = end - nowMs
  if (Number.isNaN(left) || left <= 0) return { past: true, days: 0, hours: 0, minutes: 0, urgent: false }
  return {
    past: false,
    days: Math.floor(left / DAY),
    hours: Math.floor((left % DAY) / HOUR),
    minutes: Math.floor((left % HOUR) / MINUTE),
    urgent: left < DAY,
  }
}

/** Whether `deadline` has passed at `nowMs`. */
export function isPast(deadline: string | Date, nowMs: number): boolean {
  return countdown(deadline, nowMs).past
}

type Translate = (key: string, values?: Record<string, unknown>) => string

/** "剩余 2 天 3 小时" / "2 d 3 h left"; minutes only in the last day; "已截止" once past. */
export function countdownText(c: Countdown, t: Translate): string {
  if (c.past) return t('expert.countdown.past')
  if (c.days > 0) return t('expert.countdown.days', { d: c.days, h: c.hours })
  if (c.hours > 0) return t('expert.countdown.hours', { h: c.hours, m: c.minutes })
  return t('expert.countdown.minutes', { m: c.minutes })
}

/** The deadline as the program states it: `2026-12-03 17:00` (Beijing time). */
export function deadlineText(deadline: string, t: Translate): string {
  return t('expert.countdown.deadline', { at: formatBeijing(deadline) })
}
