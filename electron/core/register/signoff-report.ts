// Every sign-off in a register checked against its trusted roster: what `vigil signatures verify`
// prints. A sign-off of an older decision revision is still genuine (stale, not invalid).
import type { Register } from './register';

export interface SignoffFailure {
  finding_id: string;
  id: number;
  analyst: string;
  reason: string;
  message: string | null;
}

export interface RegisterSignoffReport {
  roster: { team: string; version: number; trusted: boolean } | null;
  findings: number;
  checked: number;
  valid: number;
  stale: number;
  failures: SignoffFailure[];
}

export function verifyRegisterSignoffs(reg: Register, now = Date.now()): RegisterSignoffReport {
  const stored = reg.roster();
  const trusted = stored !== null && reg.rosterTrusted();
  const roster = trusted ? stored.roster : null;
  const report: RegisterSignoffReport = {
    roster: stored ? { team: stored.team, version: stored.version, trusted } : null,
    findings: 0,
    checked: 0,
    valid: 0,
    stale: 0,
    failures: [],
  };
  for (const findingId of reg.signedFindingIds()) {
    report.findings++;
    for (const c of reg.verifyFindingSignoffs(findingId, roster, now)) {
      report.checked++;
      if (c.valid) {
        report.valid++;
        if (c.stale) report.stale++;
      } else report.failures.push({ finding_id: `FND-${findingId}`, id: c.id, analyst: c.analyst, reason: c.reason ?? 'invalid', message: c.message ?? null });
    }
  }
  return report;
}
