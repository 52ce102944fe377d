import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { STATE } from './global-setup'

/** Drops the database this run made (FORCE: the server may still hold connections). */
export default async function globalTeardown(): Promise<void> {
  rmSync(STATE, { force: true })
  const name = process.env.JIEBANG_E2E_DB
  if (!name || !/^jiebang_e2e_[a-z0-9_]+$/.test(name) || process.env.JIEBANG_E2E_KEEP_DB) return
  const admin = `${process.env.JIEBANG_E2E_PG ?? 'postgres://postgres@127.0.0.1:5432'}/postgres`
  try {
    execFileSync('psql', [admin, '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { stdio: 'ignore' })
  } catch {
    console.warn(`could not drop the e2e database ${name}`)
  }
}
