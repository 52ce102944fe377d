import { describe, expect, it } from 'vitest'
import { invalidUsccs, isUscc, parseUsccs } from './uscc'

describe('USCC', () => {
  it('accepts a valid code and refuses a wrong check character', () => {
    expect(isUscc('91350200776049653A')).toBe(true)
    expect(isUscc('91350200776049653B')).toBe(false)
    expect(isUscc('9135020077604965')).toBe(false)
  })
  it('parses one per line, upper-cased and unique', () => {
    expect(parseUsccs('91350200776049653a\n 91350200776049653A ,x')).toEqual(['91350200776049653A', 'X'])
    expect(invalidUsccs(['91350200776049653A', 'X'])).toEqual(['X'])
  })
})
