// The fixed mix of filters and sort columns the queue benchmark runs (a SOC's usual views).
import type { QueueQuery as QueueQueryInput } from '../../shared/domain';

export const QUEUE_MIX: QueueQueryInput[] = [
  { sort: { field: 'finding_id', dir: 'desc' } },
  { sort: { field: 'created_at', dir: 'desc' } },
  { sort: { field: 'severity', dir: 'desc' } },
  { sort: { field: 'priority', dir: 'asc' } },
  { sort: { field: 'risk_score', dir: 'desc' } },
  { filter: { status: ['new'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { status: ['new', 'drafted'] }, sort: { field: 'severity', dir: 'desc' } },
  { filter: { severity: ['critical'] }, sort: { field: 'created_at', dir: 'desc' } },
  { filter: { severity: ['high', 'critical'], status: ['new'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { priority: ['P1', 'P2'] }, sort: { field: 'updated_at', dir: 'desc' } },
  { filter: { assignee: ['amara.okafor'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { assignee: [''] }, sort: { field: 'severity', dir: 'desc' } },
  { filter: { tactic: ['TA0006'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { technique: ['T1110'] }, sort: { field: 'created_at', dir: 'desc' } },
  { filter: { technique: ['T1078.004'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { status: ['in_review'], assignee: ['li.wei'] }, sort: { field: 'priority', dir: 'asc' } },
  { filter: { tactic: ['TA0003'], severity: ['high'] }, sort: { field: 'status', dir: 'asc' } },
  { sort: { field: 'assignee', dir: 'asc' } },
  { sort: { field: 'mitre_technique', dir: 'asc' } },
  { filter: { status: ['blocked'] }, sort: { field: 'title', dir: 'asc' } },
];
