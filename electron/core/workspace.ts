// Composition root: from options to services, and the implementation of every contract channel.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { importAttackBundle } from './attack/build-catalog';
import { writeFileAtomic } from './register/atomic-file';
import type { Handlers } from './dispatch';
import type { FindingDetail, QueueFacets, VaultStatus, VigilEvent } from '../../shared/domain';
import { FINDING_STATUSES, PRIORITIES, SEVERITIES } from '../../shared/domain';
import { VigilError } from '../../shared/errors';
import { AttackCatalog } from './attack/catalog';
import { navigatorLayer } from './attack/navigator-layer';
import { attackMatrix, setTechnique, taggingView } from './attack/tagging';
import { tacticFacets, techniqueFacets } from './attack/facets';
import { AppStateFile } from './app-state';
import { Register } from './register/register';
import { sniffWorkspaceFile } from './register/database';
import { DEFAULT_SCRYPT, type OsKeyWrapper, type ScryptParams, type Unlock } from './register/vault-key';
import { createDemoWorkspace } from './demo/demo-workspace';
import { IdleLock } from './idle-lock';
import { Sources } from './sources/sources-service';
import { Containment } from './containment/containment-service';
import { containmentHandlers } from './containment/handlers';
import { Drafting } from './drafter/drafting-service';
import { LlmDrafter } from './drafter/llm-drafter';
import { OfflineDrafter } from './drafter/offline-drafter';
import { costUsd } from './drafter/pricing';
import { DEFAULT_PROMPT_VERSION, isPromptVersion } from './drafter/prompts';
import { FindingBrief } from '../../shared/brief';
import type { SourcesSettings } from '../../shared/domain';
import { outboundFor, type OutboundContext } from './outbox/outbound';
import { triagePatch } from './triage';
import { requireRole, standing } from './permissions';
import { withRecent, workspacePathFor } from './workspace-files';
import { applyAssignmentNow, assignmentStatus, saveAssignment } from './assignment';
import type { FindingUpdateInput } from '../../shared/domain';
import type { z } from 'zod';
import { CONNECTION_ROLES, findKey, generateAnalystKey, type Roster } from './custody';
import type { CustodyStatus, SignoffReceipt } from '../../shared/custody';
import { EvidenceService } from './evidence/evidence-service';

export interface WorkspaceOptions {
  version: string;
  /** non-secret app state (last workspace, idle lock minutes) */
  statePath: string;
  /** where the app keeps the demo workspace it creates on first launch */
  demoPath: string;
  /** where new team workspaces are created (default: beside the demo) */
  workspacesDir?: string;
  /** the OS key store, when electron/main has a real one */
  os?: OsKeyWrapper | null;
  scrypt?: ScryptParams;
  catalog?: AttackCatalog;
  demoSignals?: number;
  /** the demo team's roster, keys and sign-offs (default on); off for the first-use walk */
  demoTeam?: boolean;
  /** who the local user is, until analyst profiles exist */
  actor: string;
  /** background timers of the sources (auto sync, drain, probe); tests turn them off */
  sourceTimers?: boolean;
  /** where an imported (newer) ATT&CK catalog is kept; it wins over the bundled one */
  catalogDir?: string;
  /** asks the person for a file (Electron's open dialog); absent where there is no one to ask */
  pickFile?: (title: string, extensions: string[]) => Promise<string | null>;
  /** asks the person where to save a file (Electron's save dialog, which confirms replacing one) */
  pickSavePath?: (title: string, defaultName: string, extensions: string[]) => Promise<string | null>;
  /** tests shorten the clients' retry waits */
  clientOverrides?: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; maxRetries?: number; timeoutMs?: number };
}

/** The imported catalog when there is a readable one, else the one Vigil ships. */
function loadCatalog(dir: string | undefined, bundled: AttackCatalog | undefined): AttackCatalog {
  if (dir && existsSync(join(dir, 'catalog.json'))) {
    try {
      return AttackCatalog.load(join(dir, 'catalog.json'));
    } catch {
      // A damaged import must not keep the app from starting: the bundled catalog still works.
    }
  }
  return bundled ?? AttackCatalog.load();
}

function draftView(d: import('./register/register').DraftRow) {
  return {
    id: d.id,
    finding_id: `FND-${d.finding_id}`,
    drafter: d.drafter,
    model: d.model,
    prompt_version: d.prompt_version,
    input_hash: d.input_hash,
    tokens_in: d.tokens_in,
    tokens_out: d.tokens_out,
    cost_usd: d.cost_usd,
    latency_ms: d.latency_ms,
    retries: d.retries,
    error: d.error,
    created_at: new Date(d.created_at).toISOString(),
  };
}

export class Workspace {
  private register: Register | null = null;
  private src: Sources | null = null;
  private drafting: Drafting | null = null;
  private contain: Containment | null = null;
  private offlineDrafter: OfflineDrafter | null = null;
  private readonly state: AppStateFile;
  private readonly listeners = new Set<(e: VigilEvent) => void>();
  private readonly idle: IdleLock;
  private readonly evidence: EvidenceService;
  catalog: AttackCatalog;

  constructor(private readonly opts: WorkspaceOptions) {
    this.state = new AppStateFile(opts.statePath);
    this.catalog = loadCatalog(opts.catalogDir, opts.catalog);
    this.idle = new IdleLock(() => this.lock('idle'));
    this.evidence = new EvidenceService({
      reg: () => this.reg(),
      version: opts.version,
      emit: (p) => this.emit({ type: 'export', ...p }),
      ...(opts.pickFile ? { pickFile: opts.pickFile } : {}),
      ...(opts.pickSavePath ? { pickSavePath: opts.pickSavePath } : {}),
    });
  }

  onEvent(listener: (e: VigilEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: VigilEvent): void {
    for (const l of this.listeners) l(e);
  }

  private get path(): string | null {
    const p = this.state.get().workspacePath;
    return p && existsSync(p) ? p : null;
  }

  status(): VaultStatus {
    const path = this.path;
    let methods: ('passphrase' | 'os')[] = [];
    if (path && !this.register) {
      try {
        methods = Register.unlockMethods(path);
      } catch {
        methods = [];
      }
    }
    return {
      state: !path ? 'none' : this.register ? 'unlocked' : 'locked',
      workspace: path
        ? {
            path,
            name: this.register?.setting('workspace.name') ?? basename(path).replace(/\.vigil$/i, ''),
            demo: path === this.opts.demoPath,
          }
        : null,
      unlockMethods: this.register ? [] : methods,
      recent: this.state
        .get()
        .recent.filter((p) => p !== this.opts.demoPath && existsSync(p))
        .map((p) => ({ path: p, name: basename(p).replace(/\.vigil$/i, '') })),
      idleLockMinutes: this.state.get().idleLockMinutes,
      osKeystore: this.opts.os ? 'available' : 'unavailable',
    };
  }

  private unlockWith(passphrase: string | undefined): Unlock {
    const u: Unlock = {};
    if (passphrase !== undefined) u.passphrase = passphrase;
    if (this.opts.os) u.os = this.opts.os;
    return u;
  }

  async unlock(passphrase?: string): Promise<VaultStatus> {
    const path = this.path;
    if (!path) throw new VigilError('VAULT_NOT_OPEN', 'No workspace is open yet. Open the demo workspace or create one.');
    if (!this.register) {
      this.register = await Register.open(path, this.unlockWith(passphrase));
      if (path !== this.opts.demoPath) this.state.update({ recent: withRecent(this.state.get().recent, path) });
      this.attachServices();
      this.idle.start(this.state.get().idleLockMinutes);
    }
    const s = this.status();
    this.emit({ type: 'vault', status: s });
    return s;
  }

  lock(_why: 'user' | 'idle' | 'system' = 'user'): VaultStatus {
    this.idle.stop();
    this.src?.dispose();
    this.src = null;
    this.drafting?.dispose();
    this.drafting = null;
    this.contain?.dispose();
    this.contain = null;
    if (this.register) {
      this.register.close();
      this.register = null;
    }
    const s = this.status();
    this.emit({ type: 'vault', status: s });
    return s;
  }

  /** A new, empty team workspace in the app's workspaces folder, opened at once. */
  async createWorkspace(name: string, passphrase?: string): Promise<VaultStatus> {
    const dir = this.opts.workspacesDir ?? dirname(this.opts.demoPath);
    const path = workspacePathFor(dir, name);
    if (existsSync(path)) throw new VigilError('VAULT_EXISTS', `A workspace file ${basename(path)} exists already; open it, or choose another name.`);
    if (!this.opts.os && passphrase === undefined) {
      throw new VigilError('PASSPHRASE_REQUIRED', 'Choose a passphrase to protect the workspace (no OS key store is available).');
    }
    if (this.register) this.lock('user');
    mkdirSync(dir, { recursive: true });
    this.register = await Register.create(path, this.unlockWith(passphrase), { name: name.trim(), scrypt: this.opts.scrypt ?? DEFAULT_SCRYPT });
    this.state.update({ workspacePath: path, recent: withRecent(this.state.get().recent, path) });
    this.attachServices();
    this.idle.start(this.state.get().idleLockMinutes);
    const s = this.status();
    this.emit({ type: 'vault', status: s });
    return s;
  }

  /**
   * Point the app at another workspace file, locked: a file the person picks (desktop dialog) or
   * one from the recent list. The renderer never names an arbitrary path.
   */
  async openWorkspace(from: { recent: string } | { pick: true }): Promise<VaultStatus> {
    let path: string | null;
    if ('recent' in from) {
      if (!this.state.get().recent.includes(from.recent)) throw new VigilError('NOT_FOUND', 'That workspace is not in the recent list; open it with Open workspace….');
      path = from.recent;
    } else {
      if (!this.opts.pickFile) throw new VigilError('VALIDATION_FAILED', 'Opening a workspace file needs the desktop app (a file dialog).');
      path = await this.opts.pickFile('Open a Vigil workspace', ['vigil']);
      if (path === null) return this.status();
    }
    if (!existsSync(path)) throw new VigilError('WORKSPACE_NOT_FOUND', `${basename(path)} no longer exists.`);
    // Refuse what is not a Vigil workspace (or has lost its key file) before anything changes.
    sniffWorkspaceFile(path);
    Register.unlockMethods(path);
    if (this.register) this.lock('user');
    this.state.update({ workspacePath: path });
    const s = this.status();
    this.emit({ type: 'vault', status: s });
    return s;
  }

  /** Lock and leave the workspace: the app returns to the Welcome view. */
  closeWorkspace(): VaultStatus {
    this.lock('user');
    this.state.update({ workspacePath: null });
    const s = this.status();
    this.emit({ type: 'vault', status: s });
    return s;
  }

  /** Open the demo workspace, creating it (with a fixed seed) on first use. */
  async openDemo(passphrase?: string): Promise<VaultStatus> {
    const path = this.opts.demoPath;
    if (this.register && this.register.path !== path) this.lock('user');
    if (!existsSync(path)) {
      if (!this.opts.os && passphrase === undefined) {
        throw new VigilError('PASSPHRASE_REQUIRED', 'Choose a passphrase to protect the demo workspace (no OS key store is available).');
      }
      const reg = await createDemoWorkspace(path, this.unlockWith(passphrase), {
        signals: this.opts.demoSignals ?? 500,
        scrypt: this.opts.scrypt ?? DEFAULT_SCRYPT,
        catalog: this.catalog,
        ...(this.opts.demoTeam === false ? { team: false } : {}),
      });
      this.register = reg;
      this.attachServices();
      this.state.update({ workspacePath: path });
      this.idle.start(this.state.get().idleLockMinutes);
      const s = this.status();
      this.emit({ type: 'vault', status: s });
      return s;
    }
    this.state.update({ workspacePath: path });
    return this.unlock(passphrase);
  }

  /** The services of an unlocked workspace: sources (sync, outbox, context) and drafting. */
  private attachServices(): void {
    this.src?.dispose();
    this.drafting?.dispose();
    const reg = this.reg();
    this.drafting = new Drafting(reg, {
      emit: (e) => this.emit(e),
      offline: () => (this.offlineDrafter ??= new OfflineDrafter(this.catalog)),
      llm: (cfg) =>
        new LlmDrafter({
          baseUrl: cfg.baseUrl,
          apiKey: cfg.apiKey,
          model: cfg.model,
          promptVersion: isPromptVersion(cfg.promptVersion) ? cfg.promptVersion : DEFAULT_PROMPT_VERSION,
          catalog: this.catalog,
        }),
      cost: (model, usage) => costUsd(model, usage, undefined, { baseUrl: this.drafting?.settings().baseUrl ?? null }),
      actor: this.opts.actor,
      defaultPromptVersion: DEFAULT_PROMPT_VERSION,
    });
    this.src = new Sources(reg, {
      actor: this.opts.actor,
      emit: (e) => {
        this.emit(e);
        // New findings from a sync get drafted (offline, or by the LLM when one is configured).
        if (e.type === 'findings' && e.reason === 'sync') this.drafting?.autoDraftNew();
      },
      tacticFor: (t) => this.catalog.technique(t)?.tactics[0] ?? null,
      timers: this.opts.sourceTimers ?? true,
      ...(this.opts.clientOverrides ? { clientOverrides: this.opts.clientOverrides } : {}),
    });
    this.contain?.dispose();
    this.contain = new Containment(reg, {
      scrypt: this.opts.scrypt ?? DEFAULT_SCRYPT,
      emit: (changed) => this.emit({ type: 'findings', changed, reason: 'containment' }),
      enqueued: () => this.src?.notifyEnqueued(),
      timers: this.opts.sourceTimers ?? true,
      datadogConfigured: () => this.src?.datadogConfigured() ?? false,
    });
  }

  /** The unlocked workspace's containment gate. */
  containment(): Containment {
    this.reg();
    return this.contain!;
  }

  /** The unlocked workspace's drafting. */
  drafts(): Drafting {
    this.reg();
    return this.drafting!;
  }

  settings(): SourcesSettings {
    return { ...this.sources().settings(), llm: this.drafts().settings() };
  }

  /** The unlocked workspace's sources. */
  sources(): Sources {
    this.reg();
    return this.src!;
  }

  updateFinding(i: z.output<typeof FindingUpdateInput>): FindingDetail {
    const reg = this.reg();
    const n = Number(i.id.slice(4));
    const src = this.sources();
    const settings = src.settings().datadog;
    const current = reg.finding(n);
    if (!current) throw new VigilError('NOT_FOUND', `Finding ${i.id} does not exist in this workspace.`);
    const patch = triagePatch(current, i);
    const triage = {
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}),
    };
    const reason = i.reason ?? (patch.status === 'blocked' && patch.awaiting ? `blocked: ${patch.awaiting}` : undefined);
    reg.updateFinding(n, patch, this.opts.actor, {
      ...(reason ? { reason } : {}),
      ...(i.newRevision ? { newRevision: true } : {}),
      outbox: settings.configured
        ? (before) =>
            outboundFor(before, { ...triage, ...(reason ? { reason } : {}), actor: this.opts.actor }, this.outboundContext(n))
        : undefined,
    });
    if (settings.configured) src.notifyEnqueued();
    this.emit({ type: 'findings', changed: [i.id], reason: 'update' });
    return this.findingDetail(i.id);
  }

  // ------------------------------------------------------------------------------------------
  // Custody

  custodyStatus(): CustodyStatus {
    const reg = this.reg();
    const k = reg.analystKey();
    const r = reg.roster();
    const st = standing(reg);
    return {
      role: st.kind === 'member' ? st.role : null,
      me: k ? { handle: k.handle, key_id: k.key_id, public_key: k.public_key } : null,
      roster: r
        ? {
            team: r.team,
            version: r.version,
            signer: { handle: findKey(r.roster, r.signer_key_id)?.analyst.handle ?? null, key_id: r.signer_key_id },
            trusted: reg.rosterTrusted(),
          }
        : null,
    };
  }

  /** A new Ed25519 key for this workstation's analyst; the private half stays in the register. */
  createKey(handle: string, name: string): CustodyStatus {
    this.reg().storeAnalystKey({ handle, name }, generateAnalystKey(), this.opts.actor);
    return this.custodyStatus();
  }

  importRoster(text: string, pinKeyId: string | undefined): CustodyStatus {
    this.reg().importRoster(text, pinKeyId, this.opts.actor);
    return this.custodyStatus();
  }

  exportRoster(): { text: string } {
    const r = this.reg().roster();
    if (!r) throw new VigilError('ROSTER_MISSING', 'No team roster has been imported into this workspace yet.');
    return { text: r.text };
  }

  /** The roster sign-offs are checked against: the newest one, while it is still trusted. */
  private trustedRoster(): Roster | null {
    const reg = this.reg();
    const r = reg.roster();
    return r && reg.rosterTrusted() ? r.roster : null;
  }

  signOff(id: string): SignoffReceipt {
    const reg = this.reg();
    const n = Number(id.slice(4));
    if (!reg.finding(n)) throw new VigilError('NOT_FOUND', `Finding ${id} does not exist in this workspace.`);
    const me = reg.signingKey();
    if (!me) throw new VigilError('KEY_MISSING', 'This workstation has no analyst key yet. Create one, and have a lead add it to the team roster.');
    if (!reg.roster()) throw new VigilError('ROSTER_MISSING', 'Import the team roster before signing off: it is what a sign-off is checked against.');
    const roster = this.trustedRoster();
    if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'The stored team roster no longer verifies; import a roster a lead signed.');
    const settings = this.sources().settings().datadog;
    // The sign-off and its copy for Datadog (signal under review, case status and a comment naming
    // the key and signature) commit together.
    const receipt = reg.transaction(() => {
      const before = reg.finding(n)!;
      const r = reg.signOffFinding(n, { handle: me.handle, key: me.key, roster, workspaceId: reg.workspaceId });
      if (settings.configured) {
        const note = `Signed off in Vigil by ${me.handle} (key ${r.key_id}, decision revision ${r.revision}, signature sha256 ${r.signature_sha256}).`;
        reg.enqueueOutbox(outboundFor(before, { status: 'signed', reason: note, ...(settings.projectId ? { comment: note } : {}), actor: me.handle }, this.outboundContext(n)), me.handle);
      }
      return r;
    });
    if (settings.configured) this.sources().notifyEnqueued();
    this.emit({ type: 'findings', changed: [id], reason: 'signoff' });
    return receipt;
  }

  /** How a local change of finding n maps to Datadog: the workspace, its case, the case project. */
  private outboundContext(n: number): OutboundContext {
    const reg = this.reg();
    const settings = this.sources().settings().datadog;
    return {
      workspaceId: reg.workspaceId,
      hasCase: reg.findingCase(n) !== null,
      caseProject: settings.projectId ? { projectId: settings.projectId, ...(settings.caseTypeId ? { typeId: settings.caseTypeId } : {}) } : null,
      datadogUser: (h) => reg.datadogUserOf(h),
    };
  }

  commentFinding(id: string, text: string): FindingDetail {
    const reg = this.reg();
    const n = Number(id.slice(4));
    const before = reg.finding(n);
    if (!before) throw new VigilError('NOT_FOUND', `Finding ${id} does not exist in this workspace.`);
    const settings = this.sources().settings().datadog;
    reg.transaction(() => {
      reg.addEvidence(n, { kind: 'note', title: `Note by ${this.opts.actor}`, content: text }, this.opts.actor);
      if (settings.configured && settings.projectId) {
        reg.enqueueOutbox(
          outboundFor(before, { comment: text, actor: this.opts.actor }, this.outboundContext(n)),
          this.opts.actor,
        );
      }
    });
    if (settings.configured) this.sources().notifyEnqueued();
    this.emit({ type: 'findings', changed: [id], reason: 'comment' });
    return this.findingDetail(id);
  }

  setIdleLock(minutes: number): VaultStatus {
    this.state.update({ idleLockMinutes: minutes });
    if (this.register) this.idle.start(minutes);
    return this.status();
  }

  touch(): { locksAt: string | null } {
    const at = this.register ? this.idle.touch() : null;
    return { locksAt: at === null ? null : new Date(at).toISOString() };
  }

  /** The open register, or a clear error saying why there is none. */
  reg(): Register {
    if (this.register) return this.register;
    if (!this.path) throw new VigilError('VAULT_NOT_OPEN', 'No workspace is open yet. Open the demo workspace or create one.');
    throw new VigilError('VAULT_LOCKED', 'The workspace is locked. Unlock it to continue.');
  }

  facets(): QueueFacets {
    const f = this.reg().facets();
    const sevOrder = [...SEVERITIES].reverse();
    const byValue = (rows: { value: string; count: number }[], order: readonly string[]) =>
      order.map((v) => ({ value: v, label: v, count: rows.find((r) => r.value === v)?.count ?? 0 }));
    return {
      total: f.total,
      status: byValue(f.status, FINDING_STATUSES),
      severity: byValue(f.severity, sevOrder),
      priority: byValue(f.priority, PRIORITIES),
      assignee: f.assignee.map((r) => ({ value: r.value, label: r.value === '' ? 'Unassigned' : r.value, count: r.count })),
      tactic: tacticFacets(this.catalog, f.tactic),
      technique: techniqueFacets(this.catalog, f.technique),
    };
  }

  findingDetail(id: string): FindingDetail {
    const n = Number(id.slice(4));
    const rec = this.reg().finding(n);
    if (!rec) throw new VigilError('NOT_FOUND', `Finding ${id} does not exist in this workspace.`);
    const payload = rec.signal.payload as { attributes?: { message?: string; tags?: string[]; attributes?: Record<string, unknown>; custom?: Record<string, unknown> } };
    const custom = payload.attributes?.attributes ?? payload.attributes?.custom ?? {};
    const entities = Array.isArray(custom['entities']) ? (custom['entities'] as unknown[]).filter((e): e is string => typeof e === 'string') : [];
    const samples = Array.isArray(custom['samples']) ? (custom['samples'] as unknown[]) : [];
    const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));
    const reg = this.reg();
    const ctx = reg.contextRequest(n);
    const dcase = reg.findingCase(n);
    const latest = reg.latestDraft(n);
    const supersededBy = reg.supersededBy(n);
    const briefParsed = latest?.output ? FindingBrief.safeParse(JSON.parse(latest.output)) : null;
    return {
      brief: briefParsed?.success ? briefParsed.data : null,
      drafts: reg.drafts({ findingId: n }).map(draftView),
      evidence: reg.evidence(n).map((e) => {
        const meta = e.meta ? (JSON.parse(e.meta) as Record<string, unknown>) : null;
        let table: { fields: string[]; rows: Record<string, unknown>[] } | null = null;
        if (e.kind === 'splunk_results') {
          const t = JSON.parse(e.content) as { fields?: string[]; rows?: Record<string, unknown>[] };
          table = { fields: t.fields ?? [], rows: (t.rows ?? []).slice(0, 500) };
        }
        return {
          id: e.id,
          kind: e.kind,
          title: e.title,
          sha256: e.sha256,
          created_by: e.created_by,
          created_at: new Date(e.created_at).toISOString(),
          meta,
          table,
          text: e.kind === 'note' ? e.content : null,
        };
      }),
      context: {
        state: (ctx?.state ?? 'none') as 'none' | 'pending' | 'running' | 'done' | 'failed',
        error: ctx?.last_error_code ? { code: ctx.last_error_code, message: ctx.last_error ?? '' } : null,
        attempts: ctx?.attempts ?? 0,
      },
      datadogCase: dcase ? { id: dcase.case_id, key: dcase.case_key } : null,
      finding: {
        ...rec.row,
        tactic_name: rec.row.mitre_tactic ? (this.catalog.tactic(rec.row.mitre_tactic)?.name ?? null) : null,
        technique_name: rec.row.mitre_technique ? (this.catalog.technique(rec.row.mitre_technique)?.name ?? null) : null,
        risk_factors: rec.risk_factors,
        mitigation_plan: rec.mitigation_plan,
        supersedes: rec.supersedes === null ? null : `FND-${rec.supersedes}`,
        superseded_by: supersededBy === null ? null : `FND-${supersededBy}`,
        decision_revision: rec.decision_revision,
        secondary_techniques: rec.secondary_techniques,
        awaiting: rec.awaiting,
      },
      signal_deltas: reg.signalDeltas(n).map((d) => ({
        from_revision: d.from_revision,
        to_revision: d.to_revision,
        baseline_revision: d.baseline_revision,
        at: new Date(d.created_at).toISOString(),
        fields: d.delta.fields,
        tags: d.delta.tags,
        entities: d.delta.entities,
        techniques: d.delta.techniques,
        material: d.material ?? [],
        superseded_by: d.superseded_by === null ? null : `FND-${d.superseded_by}`,
      })),
      // The roster is parsed and re-verified only for findings that carry a sign-off.
      signoffs: (reg.signoffRows(n).length > 0 ? reg.verifyFindingSignoffs(n, this.trustedRoster()) : []).map((c) => ({
        analyst: c.analyst,
        key_id: c.key_id,
        signed_at: new Date(c.signed_at).toISOString(),
        revision: c.revision,
        signature_sha256: c.signature_sha256,
        valid: c.valid,
        reason: c.reason,
        stale: c.stale,
      })),
      signal: {
        dd_signal_id: rec.signal.dd_signal_id,
        timestamp: new Date(rec.signal.ts).toISOString(),
        rule_name: rec.signal.rule_name,
        rule_type: rec.signal.rule_type,
        source: rec.signal.source,
        message: payload.attributes?.message ?? '',
        tags: [...new Set(payload.attributes?.tags ?? [])],
        entities,
        samples,
        triage_state: rec.signal.triage_state,
        revision: rec.signal.revision,
        revisions: rec.signal.revisions.map((r) => ({ ...r, fetched_at: new Date(r.fetched_at).toISOString() })),
        payload: rec.signal.payload,
      },
      history: rec.history.map((h) => ({
        seq: h.seq,
        at: h.at,
        actor: h.actor,
        action: h.action,
        field: h.field,
        old: parseJson(h.old_value),
        new: parseJson(h.new_value),
        reason: h.reason,
      })),
    };
  }

  handlers(): Handlers {
    return {
      'app.info': () => {
        const o = this.src ? this.src.outboxStatus() : null;
        return {
        version: this.opts.version,
        connectivity: this.src ? this.src.getConnectivity() : ('not-configured' as const),
        outbox: { pending: o?.pending ?? 0, failed: o?.failed ?? 0, lastError: o?.lastError ?? null },
        attack: { version: this.catalog.attackVersion },
        };
      },
      'vault.status': () => this.status(),
      'vault.unlock': (i) => this.unlock(i.passphrase),
      'vault.lock': () => this.lock('user'),
      'vault.setIdleLock': (i) => this.setIdleLock(i.minutes),
      'workspace.openDemo': (i) => this.openDemo(i.passphrase),
      'workspace.create': (i) => this.createWorkspace(i.name, i.passphrase),
      'workspace.open': (i) => this.openWorkspace(i.recent !== undefined ? { recent: i.recent } : { pick: true }),
      'workspace.close': () => this.closeWorkspace(),
      'session.touch': () => this.touch(),
      'queue.page': (q) => {
        this.touch();
        return this.reg().queuePage(q);
      },
      'queue.facets': () => this.facets(),
      'finding.update': (i) => this.updateFinding(i),
      'finding.comment': (i) => this.commentFinding(i.id, i.text),
      'finding.fetchContext': async (i) => {
        const n = Number(i.id.slice(4));
        if (!this.reg().finding(n)) throw new VigilError('NOT_FOUND', `Finding ${i.id} does not exist in this workspace.`);
        try {
          await this.sources().fetchContext(n, this.opts.actor);
        } catch (e) {
          // The failure is recorded on the finding (context.error) and shown there; a missing
          // configuration is the caller's to fix, so that one crosses as an error.
          if (e instanceof VigilError && e.code === 'SOURCE_NOT_CONFIGURED') throw e;
        }
        return this.findingDetail(i.id);
      },
      'settings.get': () => this.settings(),
      'settings.saveDatadog': (i) => {
        requireRole(this.reg(), CONNECTION_ROLES, 'change the Datadog connection');
        this.sources().saveDatadog(i, this.opts.actor);
        return this.settings();
      },
      'settings.saveSplunk': (i) => {
        requireRole(this.reg(), CONNECTION_ROLES, 'change the Splunk connection');
        this.sources().saveSplunk(i, this.opts.actor);
        return this.settings();
      },
      'settings.saveLlm': (i) => {
        requireRole(this.reg(), CONNECTION_ROLES, 'change the LLM endpoint (where finding data is sent)');
        this.drafts().save(i, this.opts.actor);
        return this.settings();
      },
      'drafts.run': (i) => this.drafts().start(this.drafts().resolve(i.scope, i.ids, i.filter), i.force ?? false),
      'drafts.cancel': () => this.drafts().cancel(),
      'drafts.status': () => this.drafts().status(),
      'drafts.list': (i) => ({ drafts: this.reg().drafts({ limit: i.limit, offset: i.offset }).map(draftView), totals: this.reg().draftTotals() }),
      'attack.import': async () => {
        if (!this.opts.pickFile || !this.opts.catalogDir) throw new VigilError('VALIDATION_FAILED', 'Importing an ATT&CK bundle needs the desktop app.');
        const path = await this.opts.pickFile('Choose an ATT&CK Enterprise STIX 2.1 bundle', ['json']);
        if (!path) return { imported: false, version: this.catalog.attackVersion };
        mkdirSync(this.opts.catalogDir, { recursive: true });
        this.catalog = importAttackBundle(readFileSync(path), (p, d) => writeFileAtomic(p, d), this.opts.catalogDir);
        this.offlineDrafter = null;
        this.reg().appendAudit({ actor: this.opts.actor, action: 'attack.imported', entity: 'catalog', entityId: 'enterprise-attack', new: { version: this.catalog.attackVersion, sha256: this.catalog.sourceSha256 } });
        return { imported: true, version: this.catalog.attackVersion };
      },
      'attack.search': (i) =>
        this.catalog.search(i.query, i.limit).map((t) => ({ id: t.id, name: t.name, tactics: [...t.tactics], is_subtechnique: t.is_subtechnique })),
      'connection.test': (i) => this.sources().testConnection(i.source),
      'sync.start': () => this.sources().startSync(),
      'sync.recheck': (i) => this.sources().startRecheck(i.days),
      'sync.cancel': () => this.sources().cancelSync(),
      'sync.status': () => this.sources().syncStatus(),
      'outbox.status': () => this.sources().outboxStatus(),
      'outbox.retry': () => this.sources().retryFailed(this.opts.actor),
      'custody.status': () => this.custodyStatus(),
      'custody.createKey': (i) => this.createKey(i.handle, i.name),
      'custody.importRoster': (i) => this.importRoster(i.text, i.pinKeyId),
      'custody.exportRoster': () => this.exportRoster(),
      'finding.signOff': (i) => this.signOff(i.id),
      'evidence.export': (i) => this.evidence.export(i),
      'evidence.verify': (i) => this.evidence.verify(i),
      'evidence.cosign': (i) => this.evidence.cosign(i),
      ...containmentHandlers(() => this.containment(), this.opts.actor),
      'finding.revisionDiff': (i) => this.reg().revisionDiff(Number(i.id.slice(4)), i.revision),
      'assignment.get': () => assignmentStatus(this.reg()),
      'assignment.save': (i) => saveAssignment(this.reg(), i.config, this.opts.actor),
      'assignment.apply': () => {
        const r = applyAssignmentNow(this.reg());
        if (r.assigned.length > 0) this.emit({ type: 'findings', changed: r.assigned.map((a) => a.id), reason: 'assignment' });
        return r;
      },
      'attack.matrix': () => attackMatrix(this.catalog),
      'attack.tagging': (i) => taggingView(this.catalog, this.reg(), i.id),
      'finding.setTechnique': (i) => {
        const view = setTechnique(this.catalog, this.reg(), this.opts.actor, i);
        this.emit({ type: 'findings', changed: [i.id], reason: 'technique' });
        return view;
      },
      'attack.navigatorLayer': (i) => navigatorLayer(this.catalog, this.reg(), this.opts.actor, i),
      'finding.get': (i) => {
        this.touch();
        return this.findingDetail(i.id);
      },
    };
  }

  dispose(): void {
    this.lock('system');
    this.listeners.clear();
  }
}
