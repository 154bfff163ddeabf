// Non-secret app state kept beside the user's data: which workspace was open last and the idle
// lock setting. No key, passphrase or finding content ever goes here.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from './register/atomic-file';

const AppStateSchema = z.object({
  workspacePath: z.string().nullable().default(null),
  idleLockMinutes: z.number().int().min(1).max(1440).default(15),
  /** workspace files opened lately, newest first (paths only) */
  recent: z.array(z.string()).max(20).default([]),
});
export type AppState = z.infer<typeof AppStateSchema>;

export class AppStateFile {
  private state: AppState;

  constructor(private readonly path: string) {
    this.state = AppStateSchema.parse({});
    if (existsSync(path)) {
      try {
        const parsed = AppStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
        // A damaged state file only costs the user their last-opened workspace; start fresh.
        if (parsed.success) this.state = parsed.data;
      } catch {
        // same as above
      }
    }
  }

  get(): Readonly<AppState> {
    return this.state;
  }

  update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    writeFileAtomic(this.path, JSON.stringify(this.state, null, 2) + '\n', { mode: 0o600 });
  }
}
