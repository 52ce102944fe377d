// Unified social credit codes (统一社会信用代码, GB 32100-2015) as an expert declares them.

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The codes in a text, one per line (or separated by commas or spaces), upper-cased, unique. */
export function parseUsccs(text: string): string[] {
  const codes = text
    .split(/[\s,，;；]+/)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0)
  return [...new Set(codes)]
}

/** Whether a code has the form and check character of GB 32100. */
export function isUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CHARS.indexOf(code[i]!) * WEIGHTS[i]!
  const check = CHARS[(31 - (sum % 31)) % 31]
  return code[17] === check
}

export function invalidUsccs(codes: string[]): string[] {
  return codes.filter((c) => !isUscc(c))
}
