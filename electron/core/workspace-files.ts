// Where team workspaces live and how the app remembers them: a file per workspace in the app's
// workspaces folder (named from the workspace name), and a short list of recently opened files so
// the Welcome view can offer them. Paths only; never a key or a passphrase.
import { join } from 'node:path';
import { VigilError } from '../../shared/errors';

export const MAX_RECENT = 8;

/** "Blue team (EU)" → "blue-team-eu.vigil"; refuses names that leave nothing to name a file by. */
export function workspaceFileName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  if (!slug) throw new VigilError('VALIDATION_FAILED', 'A workspace name needs at least one letter or digit.');
  return `${slug}.vigil`;
}

export function workspacePathFor(dir: string, name: string): string {
  return join(dir, workspaceFileName(name));
}

/** The recent list with `path` first, without duplicates, at most MAX_RECENT long. */
export function withRecent(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, MAX_RECENT);
}
