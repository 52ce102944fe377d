// A Markdown text (the commitment's) as plain blocks to render without v-html: headings,
// list items and paragraphs; inline marks (**, *, `) are dropped, never interpreted as HTML.

export interface TextBlock {
  kind: 'heading' | 'item' | 'paragraph'
  text: string
}

function plain(s: string): string {
  return s.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1').trim()
}

export function textBlocks(markdown: string): TextBlock[] {
  const blocks: TextBlock[] = []
  let paragraph: string[] = []
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: 'paragraph', text: plain(paragraph.join('')) })
    paragraph = []
  }
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trim()
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    // A bullet loses its marker; a numbered item keeps its number.
    const item = /^[-*+]\s+(.*)$/.exec(line) ?? /^(\d+[.)]\s+.*)$/.exec(line)
    if (!line) {
      flush()
    } else if (heading) {
      flush()
      blocks.push({ kind: 'heading', text: plain(heading[1]!) })
    } else if (item) {
      flush()
      blocks.push({ kind: 'item', text: plain(item[1]!) })
    } else {
      // Chinese lines join without a space; Latin ones with one.
      const last = paragraph[paragraph.length - 1]
      paragraph.push(last && /[A-Za-z0-9,.;:]$/.test(last) ? ` ${line}` : line)
    }
  }
  flush()
  return blocks
}
