// An htpasswd file for distribution's `auth: htpasswd`, which accepts bcrypt entries only
// (registry/auth/htpasswd). apache2-utils' `htpasswd` is not installed and openssl has no bcrypt,
// so the entry is made with bcryptjs (a dependency-free JavaScript bcrypt).
import { writeFileSync } from 'node:fs';
import { hashSync } from 'bcryptjs';

/** Writes `user:bcrypt(password)` lines. Cost 4, bcrypt's minimum: these are test accounts. */
export function writeHtpasswd(path: string, accounts: Readonly<Record<string, string>>): void {
  const lines = Object.entries(accounts).map(([user, password]) => `${user}:${hashSync(password, 4)}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}
