/** Saves a blob fetched with the token as a file (an object URL clicked, then revoked). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The file name of a Content-Disposition header (RFC 6266 `filename*` first), or the fallback. */
export function dispositionName(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain?.[1]?.trim() || fallback
}

/** The query of a document's `download` path (e.g. which copy), for GET /documents/{id}. */
export function downloadQuery(download: string): Record<string, string> {
  const url = new URL(download, 'http://localhost')
  return Object.fromEntries(url.searchParams.entries())
}
