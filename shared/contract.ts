// The one typed contract between the renderer and the core. Every channel has a zod input and
// output; electron/main registers each with validation, the e2e harness serves the same map over
// loopback HTTP, and the renderer calls it through window.vigil.
import { z } from 'zod';
import { DraftView, FindingBrief } from './brief';
import {
  DraftRunInput,
  DraftRunStatus,
  SaveLlmInput,
  ConnectionReport,
  FindingUpdateInput,
  OutboxStatus,
  SaveDatadogInput,
  SaveSplunkInput,
  SourcesSettings,
  SyncStatus,
  AppInfo,
  FindingDetail,
  FindingId,
  MAX_RECHECK_DAYS,
  QueueFacets,
  QueuePage,
  QueueQuery,
  VaultStatus,
} from './domain';
import { CreateKeyInput, CustodyStatus, ImportRosterInput, SignoffReceipt } from './custody';
import {
  ApprovalFileText,
  ApproveLocalInput,
  ApproverView,
  ContainmentActionView,
  ContainmentFindingState,
  EnrolApproverInput,
  RequestContainmentInput,
  SaveContainmentActionInput,
} from './containment';
import { AssignmentApplyResult, AssignmentConfig, AssignmentStatus } from './assignment';
import { EvidenceCosignInput, EvidenceCosignResult, EvidenceExportInput, EvidenceExportResult, EvidenceVerifyInput, EvidenceVerifyResult } from './evidence';
import type { VigilErrorShape } from './errors';
import { AttackMatrix, NavigatorLayerExport, NavigatorLayerInput, SetTechniqueInput, TaggingView } from './attack';
import type { VigilEvent } from './domain';

const Empty = z.object({}).strict();
const Passphrase = z.string().min(1).max(1024);

export const contract = {
  'app.info': { input: Empty, output: AppInfo },
  'vault.status': { input: Empty, output: VaultStatus },
  'vault.unlock': { input: z.object({ passphrase: Passphrase.optional() }).strict(), output: VaultStatus },
  'vault.lock': { input: Empty, output: VaultStatus },
  'vault.setIdleLock': { input: z.object({ minutes: z.number().int().min(1).max(1440) }).strict(), output: VaultStatus },
  'workspace.openDemo': { input: z.object({ passphrase: Passphrase.optional() }).strict(), output: VaultStatus },
  'workspace.create': { input: z.object({ name: z.string().trim().min(1).max(120), passphrase: Passphrase.optional() }).strict(), output: VaultStatus },
  /** a recent workspace by its path, or (no input) a file the person picks in the desktop dialog */
  'workspace.open': { input: z.object({ recent: z.string().min(1).max(4096).optional() }).strict(), output: VaultStatus },
  'workspace.close': { input: Empty, output: VaultStatus },
  'session.touch': { input: Empty, output: z.object({ locksAt: z.string().nullable() }) },
  'queue.page': { input: QueueQuery, output: QueuePage },
  'queue.facets': { input: Empty, output: QueueFacets },
  'finding.get': { input: z.object({ id: FindingId }).strict(), output: FindingDetail },
  'finding.update': { input: FindingUpdateInput, output: FindingDetail },
  'finding.comment': { input: z.object({ id: FindingId, text: z.string().trim().min(1).max(10_000) }).strict(), output: FindingDetail },
  'finding.fetchContext': { input: z.object({ id: FindingId }).strict(), output: FindingDetail },
  'settings.get': { input: Empty, output: SourcesSettings },
  'settings.saveDatadog': { input: SaveDatadogInput, output: SourcesSettings },
  'settings.saveSplunk': { input: SaveSplunkInput, output: SourcesSettings },
  'connection.test': { input: z.object({ source: z.enum(['datadog', 'splunk']) }).strict(), output: ConnectionReport },
  'sync.start': { input: Empty, output: SyncStatus },
  /** read the last `days` days again (default: the workspace's re-check window) */
  'sync.recheck': { input: z.object({ days: z.number().int().min(1).max(MAX_RECHECK_DAYS).optional() }).strict(), output: SyncStatus },
  'sync.cancel': { input: Empty, output: SyncStatus },
  'sync.status': { input: Empty, output: SyncStatus },
  'outbox.status': { input: Empty, output: OutboxStatus },
  'outbox.retry': { input: Empty, output: OutboxStatus },
  'settings.saveLlm': { input: SaveLlmInput, output: SourcesSettings },
  'drafts.run': { input: DraftRunInput, output: DraftRunStatus },
  'drafts.cancel': { input: Empty, output: DraftRunStatus },
  'drafts.status': { input: Empty, output: DraftRunStatus },
  'drafts.list': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(200), offset: z.number().int().min(0).default(0) }).strict(),
    output: z.object({
      drafts: z.array(DraftView),
      totals: z.object({ count: z.number().int(), failed: z.number().int(), unpriced: z.number().int(), tokens_in: z.number().int(), tokens_out: z.number().int(), cost_usd: z.number(), latency_avg_ms: z.number().nullable() }),
    }),
  },
  'attack.import': { input: Empty, output: z.object({ imported: z.boolean(), version: z.string() }) },
  'attack.search': {
    input: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    output: z.array(z.object({ id: z.string(), name: z.string(), tactics: z.array(z.string()), is_subtechnique: z.boolean() })),
  },
  'custody.status': { input: Empty, output: CustodyStatus },
  'custody.createKey': { input: CreateKeyInput, output: CustodyStatus },
  'custody.importRoster': { input: ImportRosterInput, output: CustodyStatus },
  'custody.exportRoster': { input: Empty, output: z.object({ text: z.string() }) },
  'finding.signOff': { input: z.object({ id: FindingId }).strict(), output: SignoffReceipt },
  'evidence.export': { input: EvidenceExportInput, output: EvidenceExportResult },
  'evidence.verify': { input: EvidenceVerifyInput, output: EvidenceVerifyResult },
  'evidence.cosign': { input: EvidenceCosignInput, output: EvidenceCosignResult },
  'containment.actions': { input: Empty, output: z.array(ContainmentActionView) },
  'containment.saveAction': { input: SaveContainmentActionInput, output: z.array(ContainmentActionView) },
  'containment.deleteAction': { input: z.object({ id: z.number().int().positive() }).strict(), output: z.array(ContainmentActionView) },
  'containment.state': { input: z.object({ id: FindingId }).strict(), output: ContainmentFindingState },
  'containment.request': { input: RequestContainmentInput, output: ContainmentFindingState },
  'containment.approveLocal': { input: ApproveLocalInput, output: ContainmentFindingState },
  'containment.exportRequest': { input: z.object({ request: z.number().int().positive() }).strict(), output: z.object({ text: z.string(), filename: z.string() }) },
  'containment.importApproval': { input: ApprovalFileText, output: ContainmentFindingState },
  'containment.approveFile': { input: ApprovalFileText, output: z.object({ text: z.string(), filename: z.string() }) },
  'containment.approvers': { input: Empty, output: z.array(ApproverView) },
  'containment.enrolApprover': { input: EnrolApproverInput, output: z.array(ApproverView) },
  'finding.revisionDiff': {
    input: z.object({ id: FindingId, revision: z.number().int().min(1) }).strict(),
    output: z.object({ from: z.number().int(), to: z.number().int(), changes: z.array(z.object({ path: z.string(), kind: z.enum(['added', 'removed', 'changed']), old: z.unknown().optional(), new: z.unknown().optional() })) }),
  },
  'assignment.get': { input: Empty, output: AssignmentStatus },
  'assignment.save': { input: z.object({ config: AssignmentConfig }).strict(), output: AssignmentStatus },
  'assignment.apply': { input: Empty, output: AssignmentApplyResult },
  'attack.matrix': { input: Empty, output: AttackMatrix },
  'attack.tagging': { input: z.object({ id: FindingId }).strict(), output: TaggingView },
  'finding.setTechnique': { input: SetTechniqueInput, output: TaggingView },
  'attack.navigatorLayer': { input: NavigatorLayerInput, output: NavigatorLayerExport },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const CHANNELS = Object.keys(contract) as Channel[];

export type Reply<T> = { ok: true; value: T } | { ok: false; error: VigilErrorShape };

/** What preload exposes as window.vigil, and what the e2e harness injects. */
export interface VigilBridge {
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Reply<ChannelOutput<C>>>;
  onEvent(listener: (event: VigilEvent) => void): () => void;
}

/** Transport names, shared by preload and main so they cannot drift. */
export const IPC_PREFIX = 'vigil:';
export const IPC_EVENT = 'vigil:event';
