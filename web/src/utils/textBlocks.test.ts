import { describe, expect, it } from 'vitest'
import { textBlocks } from './textBlocks'

describe('the commitment text as blocks', () => {
  it('splits headings, items and paragraphs, dropping inline marks and keeping markup inert', () => {
    const md = '# 评审专家保密及回避承诺书\n\n本人受邀参加评审。\n为保证公正，承诺如下：\n\n- **遵守**保密纪律\n- 回避 <script>x</script>\n1. 独立评分\n\nI will\nscore independently.'
    expect(textBlocks(md)).toEqual([
      { kind: 'heading', text: '评审专家保密及回避承诺书' },
      { kind: 'paragraph', text: '本人受邀参加评审。为保证公正，承诺如下：' },
      { kind: 'item', text: '遵守保密纪律' },
      { kind: 'item', text: '回避 <script>x</script>' },
      { kind: 'item', text: '1. 独立评分' },
      { kind: 'paragraph', text: 'I will score independently.' },
    ])
  })
})
