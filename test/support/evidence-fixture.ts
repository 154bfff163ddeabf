// A worked register for evidence-bundle tests and the bench: demo signals through the real ingest,
// drafts recorded with drafter identity, model and prompt version, Splunk results and notes as
// evidence, a roster a lead signed (pinned), sign-offs by an analyst and by the lead — all through
// the register's own audited paths. The workstation's key is the lead's: only a lead exports.
import { join } from 'node:path';
import { createRoster, exportRoster, generateAnalystKey, signRoster, type AnalystKey } from '../../electron/core/custody';
import { iterateDemoSignals } from '../../electron/core/demo/signal-factory';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';

export const FIXTURE_PASSPHRASE = 'evidence fixture passphrase';
const DAY = 86_400_000;

export interface EvidenceFixture {
  reg: Register;
  path: string;
  lead: AnalystKey;
  analyst: AnalystKey;
  /** findings signed off, by number */
  signed: number[];
}

export interface FixtureOptions {
  findings: number;
  /** sign off every k-th finding (alternating analyst and lead); 0 signs none */
  signEvery?: number;
  /** Splunk results and a note on every finding (default true) */
  evidence?: boolean;
  seed?: number;
  /** the workstation's key role in the roster (default lead) */
  workstationRole?: 'lead' | 'analyst';
}

export async function buildEvidenceFixture(dir: string, o: FixtureOptions): Promise<EvidenceFixture> {
  const path = join(dir, 'evidence.vigil');
  const reg = await Register.create(path, { passphrase: FIXTURE_PASSPHRASE }, { scrypt: FAST_SCRYPT_FOR_TESTS, name: 'Evidence fixture' });
  const now = Date.now();
  let batch: unknown[] = [];
  for (const s of iterateDemoSignals({ count: o.findings, seed: o.seed ?? 7, now: new Date(now - 60_000), spanDays: 20 })) {
    batch.push(s);
    if (batch.length === 2000) {
      reg.ingestSignals(batch, { actor: 'system:sync', now: now - 10 * DAY });
      batch = [];
    }
  }
  if (batch.length) reg.ingestSignals(batch, { actor: 'system:sync', now: now - 10 * DAY });

  const role = o.workstationRole ?? 'lead';
  reg.storeAnalystKey({ handle: 'diego.ramos', name: 'Diego Ramos' }, generateAnalystKey(), 'local:diego');
  const lead = reg.signingKey()!.key;
  const analyst = generateAnalystKey();
  const notBefore = new Date(now - 30 * DAY).toISOString();
  const signerKey = role === 'lead' ? lead : generateAnalystKey();
  const roster = createRoster({
    team: 'blue',
    version: 1,
    issued_at: new Date(now - 20 * DAY).toISOString(),
    analysts: [
      { handle: 'diego.ramos', name: 'Diego Ramos', role, keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
      { handle: 'amara.okafor', name: 'Amara Okafor', role: 'analyst', keys: [{ key_id: analyst.keyId, public_key: analyst.publicKey, not_before: notBefore }] },
      ...(role === 'lead' ? [] : [{ handle: 'lena.fischer', name: 'Lena Fischer', role: 'lead' as const, keys: [{ key_id: signerKey.keyId, public_key: signerKey.publicKey, not_before: notBefore }] }]),
    ],
  });
  reg.importRoster(exportRoster(signRoster(roster, role === 'lead' ? 'diego.ramos' : 'lena.fischer', signerKey)), signerKey.keyId, 'local:diego');
  const trusted = reg.roster()!.roster;

  const signEvery = o.signEvery ?? 3;
  const signed: number[] = [];
  const total = reg.facets().total;
  const at = now - 5 * DAY;
  for (let start = 1; start <= total; start += 500) {
    reg.transaction(() => {
      for (let id = start; id < Math.min(start + 500, total + 1); id++) {
        const technique = ['T1110.003', 'T1078.004', 'T1059.001', 'T1098'][id % 4]!;
        const brief = {
          technique: { id: technique, name: 'Demo technique', tactic_id: 'TA0006', tactic_name: 'Credential Access' },
          recommended_action: { kind: 'investigate', text: `Check the sign-ins around FND-${id}.` },
          blast_radius: { entities: [{ type: 'user', value: `user${id}@example.com` }], count: 1, summary: `One user (user${id}@example.com).` },
          confidence: 0.7,
          claims: [{ text: `FND-${id} shows repeated failures <script>alert(1)</script>`, status: 'verified' }],
        };
        reg.recordDraft(
          {
            finding_id: id,
            drafter: 'vigil/llm-drafter@1',
            model: 'gpt-4o-mini',
            prompt_version: 'p2',
            input_hash: `h${id}`,
            output: JSON.stringify(brief),
            tokens_in: 900,
            tokens_out: 300,
            cost_usd: 0.0003,
            latency_ms: 800,
            retries: 0,
            error: null,
            created_at: at,
          },
          {
            patch: { status: 'drafted', mitre_technique: technique, mitre_tactic: 'TA0006', blast_radius: `user${id}@example.com`, recommended_action: 'investigate', risk_score: 40 + (id % 50), drafted_by: 'vigil/llm-drafter@1 gpt-4o-mini p2' },
            actor: 'vigil/llm-drafter@1',
          },
        );
        if (o.evidence ?? true) {
          const rows = [{ _time: '2026-11-01T10:00:00Z', user: `user${id}@example.com`, action: 'failure', src_ip: '203.0.113.7' }];
          reg.addEvidence(
            id,
            {
              kind: 'splunk_results',
              title: `Splunk: Vigil - prior activity (1 rows)`,
              content: JSON.stringify({ fields: ['_time', 'user', 'action', 'src_ip'], rows }),
              meta: { saved_search: 'Vigil - prior activity', spl: `search index=auth user="user${id}@example.com" | stats count by action`, sid: `scheduler__vigil__${id}`, result_count: 1 },
            },
            'system:splunk',
            at + 1000,
          );
          reg.addEvidence(id, { kind: 'note', title: 'Note by local:amara', content: `Spoke with the owner of user${id}; not expected.` }, 'local:amara', at + 2000);
        }
        if (signEvery > 0 && id % signEvery === 0) {
          const byLead = (id / signEvery) % 2 === 0;
          reg.signOffFinding(id, { handle: byLead ? 'diego.ramos' : 'amara.okafor', key: byLead ? lead : analyst, roster: trusted, now: at + 3000 });
          signed.push(id);
        }
      }
    });
  }
  return { reg, path, lead, analyst, signed };
}
