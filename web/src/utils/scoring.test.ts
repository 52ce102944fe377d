import { describe, expect, it } from 'vitest'
import { boundPoints, draftFrom, isComplete, missingCriteria, nextBidId, rubricMax, sheetTotal, toSheet } from './scoring'

const rubric = [
  { name: '技术方案', max_points: 40 },
  { name: '团队能力', max_points: 25 },
  { name: '经费合理性', max_points: 15 },
  { name: '进度安排', max_points: 10 },
  { name: '产业带动', max_points: 10 },
]

describe('score bounds', () => {
  it('keeps points whole and within 0..max; empty stays empty', () => {
    expect(boundPoints(41, 40)).toBe(40)
    expect(boundPoints(-3, 40)).toBe(0)
    expect(boundPoints(12.6, 40)).toBe(13)
    expect(boundPoints('7', 10)).toBe(7)
    expect(boundPoints(null, 10)).toBeNull()
    expect(boundPoints(undefined, 10)).toBeNull()
    expect(boundPoints('', 10)).toBeNull()
    expect(boundPoints('abc', 10)).toBeNull()
  })
})

describe('the live total', () => {
  it('adds what is entered, bounded, empty counting 0', () => {
    const draft = draftFrom(rubric, null)
    expect(sheetTotal(rubric, draft)).toBe(0)
    draft.points['技术方案'] = 35
    draft.points['团队能力'] = 99 // bounded to 25
    expect(sheetTotal(rubric, draft)).toBe(60)
    expect(rubricMax(rubric)).toBe(100)
  })

  it('a sheet is complete with every criterion and a comment', () => {
    const draft = draftFrom(rubric, null)
    expect(missingCriteria(rubric, draft)).toEqual(rubric.map((c) => c.name))
    for (const c of rubric) draft.points[c.name] = c.max_points
    expect(isComplete(rubric, draft)).toBe(false)
    draft.comment = '   '
    expect(isComplete(rubric, draft)).toBe(false)
    draft.comment = '方案可行'
    expect(isComplete(rubric, draft)).toBe(true)
    expect(toSheet(rubric, draft)).toEqual({
      criteria: rubric.map((c) => ({ name: c.name, points: c.max_points })),
      comment: '方案可行',
    })
  })

  it('a saved score becomes a draft in rubric order', () => {
    const draft = draftFrom(rubric, {
      criteria: [
        { name: '团队能力', points: 20 },
        { name: '技术方案', points: 35 },
      ],
      comment: 'ok',
    })
    expect(draft.points).toEqual({ 技术方案: 35, 团队能力: 20, 经费合理性: null, 进度安排: null, 产业带动: null })
    expect(sheetTotal(rubric, draft)).toBe(55)
  })
})

describe('save and next', () => {
  const bids = [{ id: 'a' }, { id: 'b' }, { id: 'c' }]
  it('goes to the next unscored bid, wrapping round', () => {
    expect(nextBidId(bids, 'a', () => false)).toBe('b')
    expect(nextBidId(bids, 'a', (b) => b.id === 'b')).toBe('c')
    expect(nextBidId(bids, 'c', (b) => b.id !== 'a')).toBe('a')
  })
  it('when all are scored, simply the next one, or none after the last', () => {
    expect(nextBidId(bids, 'a', () => true)).toBe('b')
    expect(nextBidId(bids, 'c', () => true)).toBeNull()
  })
})
