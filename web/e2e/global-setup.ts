import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bin, databaseUrl } from '../playwright.config'

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

function psql(args: string[]): string {
  return execFileSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-At', ...args], { encoding: 'utf8' })
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync(resolve(here, '../dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm run build` before `npm run e2e`')
  }
  // The server (started by webServer, before this) has created and migrated the database.
  const out = execFileSync(bin, ['seed-demo', '--challenges', '50'], {
    cwd: resolve(here, '../..'),
    env: { ...process.env, DATABASE_URL: databaseUrl, RUST_LOG: 'warn' },
    encoding: 'utf8',
  })
  const accounts = parseSeedOutput(out)
  if (accounts.length < 9) throw new Error(`seed-demo printed ${accounts.length} accounts:\n${out}`)
  // A notice in its period, unless seed-demo already made one.
  if (psql(['-c', "SELECT count(*) FROM awards WHERE status = 'publicity'"]).trim() === '0') {
    psql(['-f', resolve(here, 'notice-fixture.sql')])
  }
  mkdirSync(dirname(STATE), { recursive: true })
  writeFileSync(STATE, JSON.stringify(accounts, null, 2))
}

export function readAccounts(): Account[] {
  return JSON.parse(readFileSync(STATE, 'utf8')) as Account[]
}
