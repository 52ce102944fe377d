import { describe, expect, it } from 'vitest'
import { dispositionName, downloadQuery } from './download'

describe('download helpers', () => {
  it('reads the file name of a Content-Disposition, the UTF-8 one first', () => {
    expect(dispositionName(`attachment; filename="a.zip"; filename*=UTF-8''%E6%96%B9%E6%A1%88.zip`, 'x')).toBe('方案.zip')
    expect(dispositionName('attachment; filename="bids.zip"', 'x')).toBe('bids.zip')
    expect(dispositionName(null, 'fallback.zip')).toBe('fallback.zip')
  })
  it('keeps the query of a download path', () => {
    expect(downloadQuery('/api/v1/documents/abc?copy=blind')).toEqual({ copy: 'blind' })
    expect(downloadQuery('/api/v1/documents/abc')).toEqual({})
  })
})
