// Copies pdf.js's CMaps and standard fonts into public/pdfjs/ (not committed: a .gitignore is
// written there), so that `vite build` puts them in dist/pdfjs/ and the viewer loads them from our
// own origin. Without the CMaps, PDFs with predefined CJK encodings (UniGB-UCS2-H, as in
// seed-demo's documents) render without their Chinese text. Run by `npm run build` and `npm run dev`
// (prebuild, predev).
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const from = resolve(web, 'node_modules/pdfjs-dist')
const to = resolve(web, 'public/pdfjs')

rmSync(to, { recursive: true, force: true })
mkdirSync(to, { recursive: true })
for (const dir of ['cmaps', 'standard_fonts']) cpSync(resolve(from, dir), resolve(to, dir), { recursive: true })
writeFileSync(resolve(to, '.gitignore'), '*\n')
