import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { seedOutput } from '../playwright.config'

const here = dirname(fileURLToPath(import.meta.url))
export const STATE = resolve(here, '.state/accounts.json')

export interface Account {
  role: string
  email: string
  password: string
}

/** The table `jiebang seed-demo` prints (src/seed.rs): `role email password name / org`. */
export function parseSeedOutput(out: string): Account[] {
  const accounts: Account[] = []
  for (const line of out.split('\n')) {
    const m = /^(admin|issuer|solver|expert)\s+(\S+@\S+)\s+(\S+)\s/.exec(line)
    if (m) accounts.push({ role: m[1]!, email: m[2]!, password: m[3]! })
  }
  return accounts
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync(resolve(here, '../dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm run build` before `npm run e2e`')
  }
  // The webServer command ran seed-demo on the fresh database before it started the server.
  const out = readFileSync(seedOutput, 'utf8')
  const accounts = parseSeedOutput(out)
  if (accounts.length < 9) throw new Error(`seed-demo printed ${accounts.length} accounts:\n${out}`)
  mkdirSync(dirname(STATE), { recursive: true })
  writeFileSync(STATE, JSON.stringify(accounts, null, 2))
}

export function readAccounts(): Account[] {
  return JSON.parse(readFileSync(STATE, 'utf8')) as Account[]
}
