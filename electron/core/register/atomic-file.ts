// Write a file so that a crash leaves either the old content or the new, never half of it.
import { closeSync, fsyncSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `beforeRename` runs once the new content is safely on disk, just before it takes the file's place:
 * a record of the write (an audit entry) that fails leaves the old file as it was and no temp file.
 */
export function writeFileAtomic(path: string, data: string | Buffer, opts: { mode?: number; beforeRename?: () => void } = {}): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    opts.beforeRename?.();
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  }
}
