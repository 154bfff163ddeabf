// Who this workstation's analyst is in the team: the role the trusted roster gives their current
// key, checked against the policy tables (custody/policy.ts) before a permissioned change. A
// workspace with no roster yet is a team of one, still setting up: nothing is refused for a role
// nobody has been given.
import { VigilError } from '../../shared/errors';
import { findKey, keyValidAt, type Role } from './custody';
import type { Register } from './register/register';

export type Standing =
  | { kind: 'no_roster' }
  | { kind: 'member'; handle: string; role: Role }
  | { kind: 'outsider'; why: string };

export function standing(reg: Register, now = Date.now()): Standing {
  const stored = reg.roster();
  if (!stored) return { kind: 'no_roster' };
  if (!reg.rosterTrusted()) return { kind: 'outsider', why: 'the stored team roster no longer verifies' };
  const me = reg.analystKey();
  if (!me) return { kind: 'outsider', why: 'this workstation has no analyst key' };
  const holder = findKey(stored.roster, me.key_id);
  if (!holder || holder.analyst.handle !== me.handle || !keyValidAt(holder.key, now)) {
    return { kind: 'outsider', why: `${me.handle}'s key ${me.key_id} is not a current key in the team roster` };
  }
  return { kind: 'member', handle: me.handle, role: holder.analyst.role };
}

/** Throws ROLE_NOT_PERMITTED (saying who you are and who may) unless the standing allows `what`. */
export function requireRole(reg: Register, allowed: readonly Role[], what: string): void {
  const s = standing(reg);
  if (s.kind === 'no_roster') return;
  if (s.kind === 'outsider') throw new VigilError('ROLE_NOT_PERMITTED', `Only ${allowed.join(' or ')} in the team roster may ${what}, and ${s.why}.`);
  if (!allowed.includes(s.role)) {
    throw new VigilError('ROLE_NOT_PERMITTED', `Only ${allowed.map(withArticle).join(' or ')} may ${what}; the team roster makes ${s.handle} ${withArticle(s.role)}.`);
  }
}

const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;

export function hasRole(reg: Register, allowed: readonly Role[]): boolean {
  const s = standing(reg);
  return s.kind === 'no_roster' || (s.kind === 'member' && allowed.includes(s.role));
}
