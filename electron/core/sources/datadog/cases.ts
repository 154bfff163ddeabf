// Case Management (README §3): create a case for a signal, find it again, move it along.
// Datadog has no idempotency key for case creation, so creates are never blindly retried: Vigil's
// outbox writes a marker into the case and, after an ambiguous failure, looks for it with
// findCaseByMarker before trying again.
import { type client, v2 } from '@datadog/datadog-api-client';
import { z } from 'zod';
import { VigilError, type VigilErrorShape } from '../../../../shared/errors';
import { call, type CallContext, type CallOptions } from './call';
import type { Operation } from './operation';
import { expectShape } from './shape';
import { oneOf, requireId, short } from './input';

export const CASE_PRIORITIES = ['NOT_DEFINED', 'P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type CasePriority = (typeof CASE_PRIORITIES)[number];
export const CASE_STATUSES = ['OPEN', 'IN_PROGRESS', 'CLOSED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Built-in "Standard" case type (README §3). */
export const STANDARD_CASE_TYPE = '00000000-0000-0000-0000-000000000001';
/** Built-in "Security" case type. */
export const SECURITY_CASE_TYPE = '00000000-0000-0000-0000-000000000003';
/**
 * A marker must survive Datadog's search parser: no spaces, quotes or colons (a colon would turn
 * it into a facet query and silently match nothing, which is how duplicates get made).
 */
export const CASE_MARKER = /^[A-Za-z0-9_-]{8,128}$/;

export interface CaseInsight {
  type: string;
  ref: string;
  resourceId: string;
}

export interface CaseRef {
  id: string;
  key: string | null;
  publicId: string | null;
  title: string;
  description: string;
  status: string | null;
  statusName: string | null;
  priority: string | null;
  createdAt: string | null;
  archivedAt: string | null;
  assigneeId: string | null;
  projectId: string | null;
  insights: CaseInsight[];
}

export interface CreateCaseParams {
  title: string;
  description: string;
  priority: CasePriority;
  projectId: string;
  /** defaults to the built-in Standard type */
  typeId?: string;
  signalId: string;
  assigneeId?: string;
}

export interface CreatedCase extends CaseRef {
  /** false when the case exists but attaching the signal failed: call addSignalToCase later */
  signalLinked: boolean;
  linkError?: VigilErrorShape;
}

const Rel = z.looseObject({ data: z.looseObject({ id: z.string() }).nullish() }).nullish();
const CaseData = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  attributes: z.looseObject({
    title: z.string().nullish(),
    description: z.string().nullish(),
    key: z.string().nullish(),
    public_id: z.union([z.string(), z.number()]).nullish(),
    status: z.string().nullish(),
    status_name: z.string().nullish(),
    priority: z.string().nullish(),
    created_at: z.string().nullish(),
    archived_at: z.string().nullish(),
    insights: z.array(z.looseObject({ type: z.string(), ref: z.string(), resource_id: z.string() })).nullish(),
  }),
  relationships: z.looseObject({ assignee: Rel, project: Rel }).nullish(),
});
const CaseBody = z.looseObject({ data: CaseData });
const CaseListBody = z.looseObject({
  data: z.array(CaseData),
  meta: z.looseObject({ page: z.looseObject({ current: z.number().nullish(), total: z.number().nullish() }).nullish() }).nullish(),
});
const TimelineBody = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

const MAX_MARKER_PAGES = 5;
const MARKER_PAGE_SIZE = 100;

export function casesApi(ctx: CallContext) {
  const api = (c: client.Configuration) => new v2.CaseManagementApi(c);
  const write = (name: string, idempotent: boolean, caseId?: string): Operation => ({
    name,
    auth: 'api_and_app_key',
    permission: 'cases_write',
    idempotent,
    ...(caseId ? { subject: `Case ${short(caseId)}` } : {}),
  });

  /** Create the case, then attach the signal as a SECURITY_SIGNAL insight (there is no way to do both in one call). */
  async function createCase(p: CreateCaseParams, opts?: CallOptions): Promise<CreatedCase> {
    const title = requireText(p.title, 'case title', 2_000);
    const projectId = requireId(p.projectId, 'project id');
    const signalId = requireId(p.signalId, 'signal id');
    oneOf(p.priority, CASE_PRIORITIES, 'case priority');
    const body: v2.CaseCreateRequest = {
      data: {
        type: 'case',
        attributes: {
          title,
          typeId: p.typeId ? requireId(p.typeId, 'case type id') : STANDARD_CASE_TYPE,
          priority: p.priority,
          ...(p.description ? { description: p.description } : {}),
        },
        relationships: {
          project: { data: { id: projectId, type: 'project' } },
          ...(p.assigneeId ? { assignee: { data: { id: requireId(p.assigneeId, 'assignee id'), type: 'user' } } } : {}),
        },
      },
    };
    // Not idempotent: retried only when Datadog cannot have received it (429, refused, DNS).
    const op: Operation = { ...write('create a case', false), subject: `Project ${short(projectId)}` };
    const { raw } = await call(ctx, op, (c) => api(c).createCase({ body }), opts);
    const created = caseRef(expectShape(CaseBody, raw, op).data);
    try {
      const linked = await addSignalToCase(created.id, signalId, opts);
      return { ...linked, signalLinked: true };
    } catch (e) {
      if (e instanceof VigilError && e.code === 'CANCELLED') throw e;
      const err = e instanceof VigilError ? e.toJSON() : { code: 'INTERNAL' as const, message: 'Attaching the signal failed.' };
      return { ...created, signalLinked: false, linkError: err };
    }
  }

  /** Adds the signal as an insight. Re-adding the same insight is harmless, so this retries freely. */
  async function addSignalToCase(caseId: string, signalId: string, opts?: CallOptions): Promise<CaseRef> {
    const id = requireId(caseId, 'case id');
    const sid = requireId(signalId, 'signal id');
    const body: v2.CaseInsightsRequest = {
      data: {
        type: 'case',
        attributes: { insights: [{ type: 'SECURITY_SIGNAL', ref: `/security?event=${encodeURIComponent(sid)}`, resourceId: sid }] },
      },
    };
    const op = write('attach the signal to the case', true, id);
    const { raw } = await call(ctx, op, (c) => api(c).addCaseInsights({ caseId: id, body }), opts);
    return caseRef(expectShape(CaseBody, raw, op).data);
  }

  async function getCase(caseId: string, opts?: CallOptions): Promise<CaseRef> {
    const id = requireId(caseId, 'case id');
    const op: Operation = { name: 'get the case', auth: 'api_and_app_key', permission: 'cases_read', idempotent: true, subject: `Case ${short(id)}` };
    const { raw } = await call(ctx, op, (c) => api(c).getCase({ caseId: id }), opts);
    return caseRef(expectShape(CaseBody, raw, op).data);
  }

  /**
   * The case whose title or description contains `marker`, or null. Search relevance is Datadog's
   * business, containment is checked here; with several matches (an earlier duplicate) the oldest
   * wins so every retry converges on the same case. Datadog's search index may lag a fresh create by
   * a few seconds, so a null right after an ambiguous create is not proof of absence.
   */
  async function findCaseByMarker(marker: string, opts?: CallOptions): Promise<CaseRef | null> {
    if (typeof marker !== 'string' || !CASE_MARKER.test(marker)) {
      throw new VigilError('VALIDATION_FAILED', 'A case marker is 8–128 letters, digits, "-" or "_".');
    }
    const op: Operation = { name: 'search cases', auth: 'api_and_app_key', permission: 'cases_read', idempotent: true };
    const matches: CaseRef[] = [];
    for (let pageNumber = 1; pageNumber <= MAX_MARKER_PAGES; pageNumber++) {
      const { raw } = await call(
        ctx,
        op,
        (c) => api(c).searchCases({ filter: marker, pageSize: MARKER_PAGE_SIZE, pageNumber, sortField: 'created_at', sortAsc: false }),
        opts,
      );
      const page = expectShape(CaseListBody, raw, op);
      for (const d of page.data) {
        const ref = caseRef(d);
        if (ref.title.includes(marker) || ref.description.includes(marker)) matches.push(ref);
      }
      const total = page.meta?.page?.total;
      if (page.data.length < MARKER_PAGE_SIZE || (typeof total === 'number' && pageNumber >= total)) break;
    }
    if (!matches.length) return null;
    return matches.reduce((a, b) => ((b.createdAt ?? '') < (a.createdAt ?? '') ? b : a));
  }

  async function updateCaseStatus(caseId: string, status: CaseStatus, opts?: CallOptions): Promise<CaseRef> {
    const id = requireId(caseId, 'case id');
    oneOf(status, CASE_STATUSES, 'case status');
    const body: v2.CaseUpdateStatusRequest = { data: { type: 'case', attributes: { status } } };
    const op = write('change the case status', true, id);
    const { raw } = await call(ctx, op, (c) => api(c).updateStatus({ caseId: id, body }), opts);
    return caseRef(expectShape(CaseBody, raw, op).data);
  }

  async function updateCasePriority(caseId: string, priority: CasePriority, opts?: CallOptions): Promise<CaseRef> {
    const id = requireId(caseId, 'case id');
    oneOf(priority, CASE_PRIORITIES, 'case priority');
    const body: v2.CaseUpdatePriorityRequest = { data: { type: 'case', attributes: { priority } } };
    const op = write('change the case priority', true, id);
    const { raw } = await call(ctx, op, (c) => api(c).updatePriority({ caseId: id, body }), opts);
    return caseRef(expectShape(CaseBody, raw, op).data);
  }

  async function assignCase(caseId: string, userUuid: string, opts?: CallOptions): Promise<CaseRef> {
    const id = requireId(caseId, 'case id');
    const assigneeId = requireId(userUuid, 'user id');
    const body: v2.CaseAssignRequest = { data: { type: 'case', attributes: { assigneeId } } };
    const op = write('assign the case', true, id);
    const { raw } = await call(ctx, op, (c) => api(c).assignCase({ caseId: id, body }), opts);
    return caseRef(expectShape(CaseBody, raw, op).data);
  }

  /** Not idempotent (a retry would post the comment twice). Returns the timeline cell id. */
  async function commentCase(caseId: string, comment: string, opts?: CallOptions): Promise<{ cellId: string }> {
    const id = requireId(caseId, 'case id');
    const text = requireText(comment, 'comment', 50_000);
    const body: v2.CaseCommentRequest = { data: { type: 'case', attributes: { comment: text } } };
    const op = write('comment on the case', false, id);
    const { raw } = await call(ctx, op, (c) => api(c).commentCase({ caseId: id, body }), opts);
    const cell = expectShape(TimelineBody, raw, op).data[0];
    if (!cell) throw new VigilError('SOURCE_BAD_RESPONSE', 'Datadog accepted the comment but returned no timeline entry for it.');
    return { cellId: cell.id };
  }

  return { createCase, addSignalToCase, getCase, findCaseByMarker, updateCaseStatus, updateCasePriority, assignCase, commentCase };
}

function caseRef(d: z.infer<typeof CaseData>): CaseRef {
  const a = d.attributes;
  return {
    id: d.id,
    key: a.key ?? null,
    publicId: a.public_id == null ? null : String(a.public_id),
    title: a.title ?? '',
    description: a.description ?? '',
    status: a.status ?? null,
    statusName: a.status_name ?? null,
    priority: a.priority ?? null,
    createdAt: a.created_at ?? null,
    archivedAt: a.archived_at ?? null,
    assigneeId: d.relationships?.assignee?.data?.id ?? null,
    projectId: d.relationships?.project?.data?.id ?? null,
    insights: (a.insights ?? []).map((i) => ({ type: i.type, ref: i.ref, resourceId: i.resource_id })),
  };
}

/** `max` is a sanity bound against pasting a whole log, not a documented Datadog limit. */
function requireText(s: string, what: string, max: number): string {
  const v = typeof s === 'string' ? s.trim() : '';
  if (!v) throw new VigilError('VALIDATION_FAILED', `The ${what} is empty.`);
  if (v.length > max) throw new VigilError('VALIDATION_FAILED', `The ${what} is longer than ${max} characters.`);
  return v;
}
