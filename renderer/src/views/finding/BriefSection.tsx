// The brief a drafter proposed for this finding (the LLM or the offline drafter): technique, the
// proposed severity, confidence, the recommended action, blast radius, risk with its arithmetic,
// the mitigation plan, related findings, and every claim with the evidence it rests on. Vigil
// checks each claim's references itself: ✓ verified means every ref resolves to real evidence,
// ⚠ unverified means it does not and the claim must be checked by hand. Nothing here acts: the
// analyst decides (Triage above) and signs.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AutoAwesomeOutlined from '@mui/icons-material/AutoAwesomeOutlined';
import CheckCircleOutlined from '@mui/icons-material/CheckCircleOutlined';
import ReplayOutlined from '@mui/icons-material/ReplayOutlined';
import WarningAmberOutlined from '@mui/icons-material/WarningAmberOutlined';
import { useEffect, useState, type ReactNode } from 'react';
import type { ActionKind, Claim, DraftView, FindingBrief } from '../../../../shared/brief';
import type { FindingDetail, Severity } from '../../../../shared/domain';
import { SeverityChip } from '../../components/SeverityChip';
import { formatCount, formatLatency, formatTimeSeconds, formatUsd, humanize } from '../../lib/format';
import { useDraftStore } from '../../stores/draftStore';
import { useFindingStore } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';
import { RiskScore } from './RiskScore';
import { Field, Fields, Missing, Section } from './Section';

const ACTION_COLOR: Record<ActionKind, 'error' | 'warning' | 'info' | 'default' | 'success'> = {
  escalate: 'error',
  contain: 'warning',
  investigate: 'info',
  suppress: 'default',
  close: 'success',
};

/** Blast-radius entities shown before "+N more". */
const MAX_ENTITIES = 16;
/** Draft attempts listed before "show all". */
const MAX_ATTEMPTS = 4;

const mono = { fontFamily: MONO_FONT } as const;

function Id({ children }: { children: ReactNode }) {
  return (
    <Box component="span" sx={{ ...mono, fontWeight: 600 }}>
      {children}
    </Box>
  );
}

/** Drafters quote identifiers in `backticks`: show them as code, everything else as plain text. */
function Text({ children }: { children: string }) {
  const parts = children.split(/`([^`\n]+)`/);
  if (parts.length === 1) return <>{children}</>;
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <Box key={i} component="code" sx={{ px: 0.375, borderRadius: 0.5, bgcolor: 'action.hover', fontSize: '0.95em', overflowWrap: 'anywhere' }}>
            {p}
          </Box>
        ) : (
          p
        ),
      )}
    </>
  );
}

function Confidence({ value }: { value: number }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }} data-testid="brief-confidence">
      <LinearProgress
        variant="determinate"
        value={pct}
        color={pct >= 70 ? 'success' : pct >= 40 ? 'warning' : 'error'}
        aria-label={`Confidence ${pct}%`}
        sx={{ flex: 1, maxWidth: 220, height: 6, borderRadius: 3 }}
      />
      <Box component="span" sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600, minWidth: 34 }}>
        {pct}%
      </Box>
    </Box>
  );
}

function EvidenceRefChip({ kind, ref }: { kind: string; ref: string }) {
  const related = kind === 'related_finding' && /^FND-\d+$/.test(ref);
  return (
    <Tooltip title={`${humanize(kind)}: ${ref}`}>
      <Chip
        size="small"
        variant="outlined"
        label={
          <>
            <Box component="span" sx={{ color: 'text.secondary' }}>
              {humanize(kind)}
            </Box>{' '}
            {ref}
          </>
        }
        onClick={related ? () => void useFindingStore.getState().open(ref) : undefined}
        sx={{ ...mono, fontSize: '0.625rem', height: 18, maxWidth: '100%', '& .MuiChip-label': { px: 0.75, overflow: 'hidden', textOverflow: 'ellipsis' } }}
        data-testid="claim-evidence"
      />
    </Tooltip>
  );
}

function ClaimItem({ claim }: { claim: Claim }) {
  const ok = claim.verified;
  return (
    <Box
      component="li"
      data-testid="claim"
      data-verified={ok ? 'true' : 'false'}
      sx={{ display: 'grid', gridTemplateColumns: '92px minmax(0, 1fr)', gap: 1, py: 0.75, borderTop: 1, borderColor: 'divider', '&:first-of-type': { borderTop: 0, pt: 0 } }}
    >
      <Tooltip title={ok ? 'Every evidence reference resolves to real evidence on this finding.' : 'No resolvable evidence: check this claim by hand before relying on it.'}>
        <Box
          component="span"
          sx={{ display: 'inline-flex', alignItems: 'flex-start', gap: 0.5, fontSize: '0.6875rem', fontWeight: 700, color: ok ? 'success.main' : 'warning.main', whiteSpace: 'nowrap' }}
          data-testid="claim-marker"
        >
          {ok ? <CheckCircleOutlined sx={{ fontSize: 14 }} /> : <WarningAmberOutlined sx={{ fontSize: 14 }} />}
          {ok ? '✓ verified' : '⚠ unverified'}
        </Box>
      </Tooltip>
      <Box sx={{ minWidth: 0 }}>
        <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }} data-testid="claim-text">
          <Text>{claim.text}</Text>
        </Typography>
        {claim.evidence.length > 0 ? (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.5 }}>
            {claim.evidence.map((e, i) => (
              <EvidenceRefChip key={`${e.kind}:${e.ref}:${i}`} kind={e.kind} ref={e.ref} />
            ))}
          </Box>
        ) : (
          <Typography variant="caption" color="warning.main">
            no evidence cited
          </Typography>
        )}
      </Box>
    </Box>
  );
}

function List({ items, ordered, testId }: { items: readonly string[]; ordered?: boolean; testId?: string }) {
  if (items.length === 0) return <Missing>none</Missing>;
  return (
    <Box component={ordered ? 'ol' : 'ul'} sx={{ m: 0, pl: 2.25, '& li + li': { mt: 0.25 } }} data-testid={testId}>
      {items.map((t, i) => (
        <li key={i}>
          <Text>{t}</Text>
        </li>
      ))}
    </Box>
  );
}

function DraftCost({ d }: { d: DraftView }) {
  const parts: string[] = [];
  if (d.tokens_in !== null || d.tokens_out !== null) parts.push(`${formatCount(d.tokens_in ?? 0)} in / ${formatCount(d.tokens_out ?? 0)} out tokens`);
  parts.push(formatUsd(d.cost_usd));
  if (d.latency_ms !== null) parts.push(formatLatency(d.latency_ms));
  if (d.retries > 0) parts.push(`${d.retries} ${d.retries === 1 ? 'retry' : 'retries'}`);
  return <>{parts.join(' · ')}</>;
}

function Attempts({ drafts }: { drafts: readonly DraftView[] }) {
  const [all, setAll] = useState(false);
  if (drafts.length === 0) return null;
  const shown = all ? drafts : drafts.slice(0, MAX_ATTEMPTS);
  return (
    <Box sx={{ mt: 1.5 }} data-testid="brief-attempts">
      <Typography variant="overline" component="h4" color="text.secondary">
        Draft attempts ({drafts.length})
      </Typography>
      <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0, fontSize: '0.6875rem' }}>
        {shown.map((d) => (
          <Box
            component="li"
            key={d.id}
            data-testid="brief-attempt"
            data-failed={d.error ? 'true' : 'false'}
            sx={{ display: 'grid', gridTemplateColumns: '14px 128px minmax(0, 1fr)', columnGap: 0.75, alignItems: 'baseline', py: 0.25 }}
          >
            <Box component="span" sx={{ color: d.error ? 'error.main' : 'success.main', fontWeight: 700 }}>
              {d.error ? '✕' : '✓'}
            </Box>
            <Box component="span" sx={{ ...mono, color: 'text.secondary', fontSize: '0.625rem' }}>
              {formatTimeSeconds(d.created_at)}
            </Box>
            <Box component="span" sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>
              <Box component="span" sx={mono}>
                {d.drafter}
              </Box>
              {d.error ? (
                <Box component="span" sx={{ display: 'block', color: 'error.main' }} data-testid="brief-attempt-error">
                  {d.error}
                </Box>
              ) : (
                <Box component="span" sx={{ color: 'text.secondary' }}>
                  {' '}
                  · <DraftCost d={d} />
                </Box>
              )}
            </Box>
          </Box>
        ))}
      </Box>
      {drafts.length > MAX_ATTEMPTS && (
        <Button size="small" onClick={() => setAll((a) => !a)} sx={{ mt: 0.25, px: 0.5, minWidth: 0 }}>
          {all ? 'Show fewer' : `Show all ${drafts.length}`}
        </Button>
      )}
    </Box>
  );
}

function severityNote(proposed: Severity, current: Severity): ReactNode {
  if (proposed === current) return null;
  return (
    <Box component="span" sx={{ color: 'warning.main', fontSize: '0.6875rem' }} data-testid="brief-severity-differs">
      differs from the finding’s <strong>{current}</strong>
    </Box>
  );
}

function BriefBody({ brief, finding, drafts }: { brief: FindingBrief; finding: FindingDetail['finding']; drafts: readonly DraftView[] }) {
  const [allEntities, setAllEntities] = useState(false);
  const latest = drafts.find((d) => !d.error) ?? null;
  const entities = allEntities ? brief.blast_radius.entities : brief.blast_radius.entities.slice(0, MAX_ENTITIES);
  const verified = brief.claims.filter((c) => c.verified).length;
  const plan = brief.mitigation_plan;

  return (
    <>
      <Fields>
        <Field label="Technique" testId="brief-technique">
          <Id>{brief.technique.id}</Id> {brief.technique.name}
          {brief.technique.tactic_id && (
            <Box component="span" sx={{ color: 'text.secondary' }}>
              {' · '}
              <Id>{brief.technique.tactic_id}</Id> {brief.technique.tactic_name ?? ''}
            </Box>
          )}
          {brief.secondary_techniques.length > 0 && (
            <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 0.5, mt: 0.5 }} data-testid="brief-secondary">
              <Box component="span" sx={{ color: 'text.secondary' }}>
                also
              </Box>
              {brief.secondary_techniques.map((t) => (
                <Chip key={t} size="small" variant="outlined" label={t} sx={{ ...mono, height: 18, fontSize: '0.625rem' }} />
              ))}
            </Box>
          )}
        </Field>
        <Field label="Proposed severity" testId="brief-severity">
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
            <SeverityChip severity={brief.severity} />
            {severityNote(brief.severity, finding.severity)}
          </Box>
        </Field>
        <Field label="Confidence">
          <Confidence value={brief.confidence} />
        </Field>
        <Field label="Recommended action" testId="brief-action">
          <Chip
            size="small"
            label={brief.recommended_action.kind}
            color={ACTION_COLOR[brief.recommended_action.kind]}
            variant="outlined"
            sx={{ textTransform: 'uppercase', fontWeight: 700, fontSize: '0.625rem', height: 18, mr: 0.75 }}
            data-testid="brief-action-kind"
          />
          <Text>{brief.recommended_action.text}</Text>
        </Field>
        <Field label="Blast radius" testId="brief-blast">
          <Box>
            {brief.blast_radius.summary ? <Text>{brief.blast_radius.summary}</Text> : <Missing>no summary</Missing>}
            <Box component="span" sx={{ color: 'text.secondary' }}>
              {' '}
              ({formatCount(brief.blast_radius.count)} {brief.blast_radius.count === 1 ? 'entity' : 'entities'})
            </Box>
          </Box>
          {entities.length > 0 && (
            <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.5 }}>
              {entities.map((e, i) => (
                <Chip
                  key={`${e.type}:${e.value}:${i}`}
                  size="small"
                  variant="outlined"
                  label={
                    <>
                      <Box component="span" sx={{ color: 'text.secondary' }}>
                        {e.type}
                      </Box>{' '}
                      {e.value}
                    </>
                  }
                  sx={{ ...mono, height: 18, fontSize: '0.625rem', maxWidth: '100%' }}
                  data-testid="brief-entity"
                />
              ))}
              {brief.blast_radius.entities.length > MAX_ENTITIES && (
                <Link component="button" type="button" onClick={() => setAllEntities((a) => !a)} sx={{ fontSize: '0.6875rem' }}>
                  {allEntities ? 'fewer' : `+${brief.blast_radius.entities.length - MAX_ENTITIES} more`}
                </Link>
              )}
            </Box>
          )}
        </Field>
        <Field label="Risk score">
          <RiskScore score={brief.risk.score} factors={brief.risk.factors} formula={brief.risk.formula} testId="brief-risk" />
        </Field>
        <Field label="Mitigation plan" testId="brief-plan">
          <Box sx={{ display: 'grid', gap: 0.75 }}>
            <Box>
              <Box sx={{ color: 'text.secondary', mb: 0.25 }}>Containment steps</Box>
              <List items={plan.containment_steps} ordered testId="brief-plan-steps" />
            </Box>
            <Box>
              <Box component="span" sx={{ color: 'text.secondary' }}>
                Timeline:{' '}
              </Box>
              {plan.timeline ? <Text>{plan.timeline}</Text> : <Missing />}
            </Box>
            {plan.dependencies.length > 0 && (
              <Box>
                <Box sx={{ color: 'text.secondary', mb: 0.25 }}>Dependencies</Box>
                <List items={plan.dependencies} />
              </Box>
            )}
            {plan.blockers.length > 0 && (
              <Box>
                <Box sx={{ color: 'warning.main', mb: 0.25 }}>Blockers</Box>
                <List items={plan.blockers} />
              </Box>
            )}
            <Box>
              <Box component="span" sx={{ color: 'text.secondary' }}>
                Residual risk:{' '}
              </Box>
              {plan.residual_risk ? <Text>{plan.residual_risk}</Text> : <Missing />}
            </Box>
          </Box>
        </Field>
        <Field label="Related findings" testId="brief-related">
          {brief.related_findings.length === 0 ? (
            <Missing>none found</Missing>
          ) : (
            <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none', display: 'grid', gap: 0.5 }}>
              {brief.related_findings.map((r) => (
                <Box component="li" key={r.finding_id} data-testid="brief-related-finding">
                  <Link
                    component="button"
                    type="button"
                    onClick={() => void useFindingStore.getState().open(r.finding_id)}
                    sx={{ ...mono, fontWeight: 700, fontSize: 'inherit', verticalAlign: 'baseline' }}
                  >
                    {r.finding_id}
                  </Link>{' '}
                  <Box component="span" sx={{ color: 'text.secondary' }}>
                    {r.reason}
                  </Box>
                  {r.shared.length > 0 && (
                    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.25 }}>
                      {r.shared.map((e, i) => (
                        <Chip key={i} size="small" variant="outlined" label={`${e.type} ${e.value}`} sx={{ ...mono, height: 18, fontSize: '0.625rem' }} />
                      ))}
                    </Box>
                  )}
                </Box>
              ))}
            </Box>
          )}
        </Field>
      </Fields>

      <Box sx={{ mt: 1.5 }} data-testid="brief-claims">
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1, mb: 0.5 }}>
          <Typography variant="overline" component="h4" color="text.secondary">
            Claims ({brief.claims.length})
          </Typography>
          <Typography variant="caption" sx={{ color: verified === brief.claims.length ? 'success.main' : 'warning.main' }} data-testid="brief-claims-summary">
            {verified} of {brief.claims.length} verified against the evidence
          </Typography>
        </Box>
        {brief.claims.length === 0 ? (
          <Missing>no claims</Missing>
        ) : (
          <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none' }}>
            {brief.claims.map((c, i) => (
              <ClaimItem key={i} claim={c} />
            ))}
          </Box>
        )}
      </Box>

      {brief.notes.length > 0 && (
        <Alert severity="info" variant="outlined" sx={{ mt: 1.5, py: 0, '& .MuiAlert-message': { fontSize: '0.6875rem' } }} data-testid="brief-notes">
          <List items={brief.notes} />
        </Alert>
      )}

      <Box sx={{ mt: 1.5, fontSize: '0.6875rem', color: 'text.secondary' }} data-testid="brief-drafted-by">
        drafted by{' '}
        <Box component="span" sx={{ ...mono, color: 'text.primary', fontWeight: 600 }} data-testid="brief-drafter">
          {latest?.drafter ?? finding.drafted_by ?? 'unknown'}
        </Box>
        {latest && (
          <>
            {' · '}
            <span data-testid="brief-draft-cost">
              <DraftCost d={latest} />
            </span>
            {' · '}
            <Box component="span" sx={mono}>
              {formatTimeSeconds(latest.created_at)}
            </Box>
          </>
        )}
      </Box>
    </>
  );
}

export function BriefSection({ detail }: { detail: FindingDetail }) {
  const id = detail.finding.finding_id;
  const running = useDraftStore((s) => s.status?.running ?? false);
  const busy = useDraftStore((s) => s.busy);
  const run = useDraftStore((s) => s.run);
  /** this finding was sent to the drafter from here and the run has not ended yet */
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (!running && busy === null) setPending(false);
  }, [running, busy]);
  useEffect(() => setPending(false), [id]);

  const draft = async (force: boolean) => {
    setPending(true);
    if (!(await run({ scope: 'ids', ids: [id], ...(force ? { force: true } : {}) }))) setPending(false);
  };
  const disabled = running || busy !== null;
  const working = pending && (running || busy === 'run');
  const tip = running && !pending ? 'A drafting run is going; wait for it or stop it in the top bar' : '';

  const action = detail.brief ? (
    <Tooltip title={tip || 'Draft again, even if nothing changed since the last draft'}>
      <span>
        <Button
          size="small"
          startIcon={working ? <CircularProgress size={12} color="inherit" /> : <ReplayOutlined />}
          disabled={disabled}
          onClick={() => void draft(true)}
          data-testid="brief-redraft"
        >
          {working ? 'Drafting…' : 'Re-draft'}
        </Button>
      </span>
    </Tooltip>
  ) : null;

  return (
    <Section title="Brief" testId="brief-section" aside={action}>
      {detail.brief ? (
        <BriefBody brief={detail.brief} finding={detail.finding} drafts={detail.drafts} />
      ) : (
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }} data-testid="brief-empty">
          <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
            {detail.drafts.length > 0
              ? 'No brief: every draft attempt for this finding failed (see below).'
              : 'Not drafted yet. A brief proposes the technique, blast radius, risk and a plan, with every claim tied to its evidence.'}
          </Typography>
          <Tooltip title={tip}>
            <span>
              <Button
                variant="contained"
                startIcon={working ? <CircularProgress size={14} color="inherit" /> : <AutoAwesomeOutlined />}
                disabled={disabled}
                onClick={() => void draft(detail.drafts.length > 0)}
                data-testid="brief-draft-now"
              >
                {working ? 'Drafting…' : 'Draft now'}
              </Button>
            </span>
          </Tooltip>
        </Box>
      )}
      <Attempts key={id} drafts={detail.drafts} />
    </Section>
  );
}
