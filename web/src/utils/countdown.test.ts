import { describe, expect, it } from 'vitest'
import { countdown, countdownText, deadlineText, isPast } from './countdown'

const t = (key: string, v?: Record<string, unknown>) => `${key}${v ? JSON.stringify(v) : ''}`

describe('the countdown in Beijing time', () => {
  // 2026-12-03 17:00 in Beijing is 09:00 UTC.
  const deadline = '2026-12-03T17:00:00+08:00'

  it('counts days, hours and minutes left', () => {
    const now = Date.parse('2026-12-01T06:30:00Z') // 2026-12-01 14:30 Beijing
    expect(countdown(deadline, now)).toEqual({ past: false, days: 2, hours: 2, minutes: 30, urgent: false })
    expect(countdownText(countdown(deadline, now), t)).toBe('expert.countdown.days{"d":2,"h":2}')
  })

  it('is urgent in the last day and shows minutes', () => {
    const now = Date.parse('2026-12-03T08:15:00Z')
    const c = countdown(deadline, now)
    expect(c).toEqual({ past: false, days: 0, hours: 0, minutes: 45, urgent: true })
    expect(countdownText(c, t)).toBe('expert.countdown.minutes{"m":45}')
    expect(countdownText(countdown(deadline, Date.parse('2026-12-03T05:59:00Z')), t)).toBe(
      'expert.countdown.hours{"h":3,"m":1}',
    )
  })

  it('is past at and after the deadline', () => {
    expect(isPast(deadline, Date.parse('2026-12-03T09:00:00Z'))).toBe(true)
    expect(isPast(deadline, Date.parse('2026-12-03T08:59:59Z'))).toBe(false)
    expect(countdownText(countdown(deadline, Date.parse('2026-12-04T00:00:00Z')), t)).toBe('expert.countdown.past')
  })

  it('states the deadline in Beijing time whatever the zone of the instant given', () => {
    expect(deadlineText('2026-12-03T09:00:00Z', t)).toBe('expert.countdown.deadline{"at":"2026-12-03 17:00"}')
    // Just after midnight in Beijing is still the previous day in UTC.
    expect(deadlineText('2026-12-03T16:30:00Z', t)).toBe('expert.countdown.deadline{"at":"2026-12-04 00:30"}')
  })
})
