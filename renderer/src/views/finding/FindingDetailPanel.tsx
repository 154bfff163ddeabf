// The finding an analyst opened (Enter or double-click): triage, the drafted brief and the decision at the top, the
// evidence (Splunk context, notes, the signal) below, and how it got here (history) at the end. A side panel rather than a route,
// so the queue and its scroll position stay put while reading.
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CloseOutlined from '@mui/icons-material/CloseOutlined';
import PersonOutlined from '@mui/icons-material/PersonOutlined';
import VerifiedOutlined from '@mui/icons-material/VerifiedOutlined';
import WorkOutlineOutlined from '@mui/icons-material/WorkOutlineOutlined';
import { useEffect, useRef } from 'react';
import type { FindingDetail } from '../../../../shared/domain';
import { SeverityChip } from '../../components/SeverityChip';
import { StatusLabel } from '../../components/StatusLabel';
import { formatTimeSeconds } from '../../lib/format';
import { useFindingStore } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';
import { BriefSection } from './BriefSection';
import { DecisionEditor, SeverityHistory } from './DecisionEditor';
import { ContextSection } from './ContextSection';
import { HistoryTable } from './HistoryTable';
import { NotesSection, OtherEvidenceSection } from './NotesSection';
import { RiskScore } from './RiskScore';
import { Field, Fields, Missing, Section } from './Section';
import { SignalSection } from './SignalSection';
import { SignalDeltasSection } from './SignalDeltasSection';
import { SignoffSection } from './SignoffSection';
import { ContainmentSection } from './ContainmentSection';
import { TriageSection } from './TriageSection';
import { AttackTagButton } from '../attack/AttackTaggingDialog';
import { ExportFindingButton } from '../evidence/EvidenceMenu';

type Finding = FindingDetail['finding'];

function Header({ f, datadogCase, onClose }: { f: Finding; datadogCase: FindingDetail['datadogCase']; onClose: () => void }) {
  return (
    <Box sx={{ px: 2, pt: 1.5, pb: 1.25, borderBottom: 1, borderColor: 'divider' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography component="span" sx={{ fontFamily: MONO_FONT, fontWeight: 700, fontSize: '0.8125rem', color: 'primary.main' }} data-testid="detail-finding-id">
          {f.finding_id}
        </Typography>
        {f.supersedes && (
          <Typography variant="caption" color="text.secondary">
            supersedes {f.supersedes}
          </Typography>
        )}
        <Box sx={{ flex: 1 }} />
        <Tooltip title="Close (Esc)">
          <IconButton onClick={onClose} aria-label="Close finding">
            <CloseOutlined fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <Typography variant="h3" component="h2" sx={{ mt: 0.25, mb: 1, lineHeight: 1.3 }} data-testid="detail-title">
        {f.title}
      </Typography>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1.5, fontSize: '0.75rem' }}>
        <SeverityChip severity={f.severity} />
        <StatusLabel status={f.status} />
        <Chip label={f.priority} variant="outlined" sx={{ fontFamily: MONO_FONT }} />
        <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, color: f.assignee ? 'text.primary' : 'text.disabled' }}>
          <PersonOutlined sx={{ fontSize: 15 }} />
          {f.assignee ?? 'unassigned'}
        </Box>
        {f.status === 'blocked' && f.awaiting && (
          <Box component="span" sx={{ color: 'text.secondary', flexBasis: '100%' }} data-testid="detail-awaiting">
            Waiting for: <Box component="span" sx={{ color: 'text.primary' }}>{f.awaiting}</Box>
          </Box>
        )}
        {datadogCase && (
          <Tooltip title={`Mirrored as Datadog case ${datadogCase.key ?? datadogCase.id}`}>
            <Chip
              icon={<WorkOutlineOutlined />}
              label={datadogCase.key ?? `case ${datadogCase.id.slice(0, 8)}…`}
              variant="outlined"
              color="secondary"
              sx={{ fontFamily: MONO_FONT }}
              data-testid="detail-case"
            />
          </Tooltip>
        )}
      </Box>
    </Box>
  );
}

function Decision({ f, detail }: { f: Finding; detail: FindingDetail }) {
  return (
    <Section title="Decision" testId="decision" aside={<AttackTagButton id={f.finding_id} />}>
      <Fields>
        <Field label="Technique" testId="detail-technique">
          {f.mitre_technique ? (
            <>
              <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                {f.mitre_technique}
              </Box>{' '}
              {f.technique_name ?? ''}
            </>
          ) : (
            <Missing>not drafted yet</Missing>
          )}
        </Field>
        {f.secondary_techniques.length > 0 && (
          <Field label="Secondary" testId="detail-secondary">
            <Box component="span" sx={{ fontFamily: MONO_FONT }}>
              {f.secondary_techniques.join(', ')}
            </Box>
          </Field>
        )}
        <Field label="Tactic">
          {f.mitre_tactic ? (
            <>
              <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                {f.mitre_tactic}
              </Box>{' '}
              {f.tactic_name ?? ''}
            </>
          ) : (
            <Missing />
          )}
        </Field>
        <Field label="Blast radius">{f.blast_radius ?? <Missing />}</Field>
        <Field label="Recommended action">{f.recommended_action ?? <Missing />}</Field>
        <Field label="Risk score">
          <RiskScore score={f.risk_score} factors={f.risk_factors} />
        </Field>
        {f.mitigation_plan && (
          <Field label="Mitigation plan" testId="detail-mitigation">
            <Box component="span" sx={{ whiteSpace: 'pre-wrap' }}>
              {f.mitigation_plan}
            </Box>
          </Field>
        )}
        <Field label="Drafted by">{f.drafted_by ?? <Missing>not drafted</Missing>}</Field>
        <Field label="Sign-off" testId="detail-signoff">
          {f.analyst_signoff ? (
            <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }}>
              <VerifiedOutlined sx={{ fontSize: 15, color: 'success.main' }} />
              {f.analyst_signoff}
              {f.signed_at && (
                <Box component="span" sx={{ color: 'text.secondary', fontFamily: MONO_FONT, fontSize: '0.6875rem', ml: 0.5 }}>
                  {formatTimeSeconds(f.signed_at)}
                </Box>
              )}
            </Box>
          ) : (
            <Missing>not signed</Missing>
          )}
        </Field>
        <Field label="Splunk search">{f.splunk_search ?? <Missing />}</Field>
        <Field label="Opened">
          <Box component="span" sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem' }}>
            {formatTimeSeconds(f.created_at)}
          </Box>
        </Field>
        <Field label="Updated">
          <Box component="span" sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem' }}>
            {formatTimeSeconds(f.updated_at)}
          </Box>
        </Field>
        {detail.history.some((e) => e.field === 'severity') && (
          <Field label="Severity history">
            <SeverityHistory history={detail.history} />
          </Field>
        )}
      </Fields>
      <DecisionEditor key={`decision-${f.finding_id}|${f.decision_revision}|${f.updated_at}`} detail={detail} />
    </Section>
  );
}

export function FindingDetailPanel() {
  const openId = useFindingStore((s) => s.openId);
  const detail = useFindingStore((s) => s.detail);
  const loading = useFindingStore((s) => s.loading);
  const close = useFindingStore((s) => s.close);
  const scroller = useRef<HTMLDivElement>(null);

  // A different finding starts at its top, not at the previous one's scroll position.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [detail?.finding.finding_id]);

  if (!openId) return null;
  return (
    <Box
      component="aside"
      aria-label={`Finding ${openId}`}
      data-testid="finding-detail"
      sx={{
        width: 'clamp(440px, 42%, 720px)',
        flex: 'none',
        display: 'flex',
        flexDirection: 'column',
        borderLeft: 1,
        borderColor: 'divider',
        bgcolor: 'background.paper',
        minHeight: 0,
        position: 'relative',
      }}
    >
      {loading && <LinearProgress sx={{ position: 'absolute', top: 0, left: 0, right: 0, height: 2, zIndex: 1 }} />}
      {detail ? (
        <Box ref={scroller} sx={{ overflow: 'auto', flex: 1, minHeight: 0 }}>
          <Header f={detail.finding} datadogCase={detail.datadogCase} onClose={close} />
          {/* Keyed by the stored values: once they change (here or elsewhere) the form starts from them;
              other background changes (a Splunk run) leave an edit in progress alone. */}
          <TriageSection key={`${detail.finding.finding_id}|${detail.finding.status}|${detail.finding.priority}|${detail.finding.assignee ?? ''}|${detail.finding.awaiting ?? ''}`} f={detail.finding} />
          <BriefSection detail={detail} />
          <Decision f={detail.finding} detail={detail} />
          <SignoffSection key={`signoff-${detail.finding.finding_id}`} detail={detail} />
          <Box sx={{ px: 2, pb: 1 }}>
            <ExportFindingButton id={detail.finding.finding_id} />
          </Box>
          <SignalDeltasSection detail={detail} />
          <ContainmentSection key={`containment-${detail.finding.finding_id}`} detail={detail} />
          <ContextSection detail={detail} />
          <NotesSection key={detail.finding.finding_id} evidence={detail.evidence} hasCase={detail.datadogCase !== null} />
          <SignalSection signal={detail.signal} findingId={detail.finding.finding_id} />
          <OtherEvidenceSection evidence={detail.evidence} />
          <Section title={`History (${detail.history.length})`} testId="history-section">
            <HistoryTable history={detail.history} />
          </Section>
        </Box>
      ) : (
        <Box sx={{ p: 2, display: 'flex', alignItems: 'center', gap: 1 }}>
          <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
            {loading ? `Opening ${openId}…` : `${openId} could not be loaded.`}
          </Typography>
          <IconButton onClick={close} aria-label="Close finding">
            <CloseOutlined fontSize="small" />
          </IconButton>
        </Box>
      )}
    </Box>
  );
}
