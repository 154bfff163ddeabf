// A small zip writer and a strict zip reader on node:zlib, so an evidence bundle needs no archive
// dependency and an auditor's verifier trusts no code it did not read. The writer makes plain
// PKZIP 2.0 archives (deflate or stored, UTF-8 names, no zip64) that every unzip tool opens. The
// reader is the attack surface: it reads only through the central directory, checks each local
// header against it, and refuses what an unpacker could be tricked by — names that climb out of
// the folder, duplicate names, lying sizes, CRC mismatches, truncation, and decompression bombs —
// each with a stable code, and never inflates more than the limits allow.
import { promisify } from 'node:util';
import { crc32, deflateRaw, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';

export const ZIP_FAILURES = [
  'zip_not_zip', // no end-of-central-directory record: not a zip at all
  'zip_truncated', // a record points past the end of the file
  'zip_corrupt', // records disagree with each other, or deflate data is broken
  'zip_unsupported', // encryption, zip64, multi-disk, an unknown compression method
  'zip_crc_mismatch', // the entry's bytes are not the bytes that were archived
  'zip_duplicate_name', // two entries with one name: which one would an unpacker keep?
  'zip_unsafe_name', // absolute, "..", backslashes, drive letters, control characters
  'zip_too_large', // more entries or bytes than the reader accepts
  'zip_bomb', // an entry that inflates far beyond its compressed size
] as const;
export type ZipFailure = (typeof ZIP_FAILURES)[number];

export class ZipError extends Error {
  constructor(
    readonly code: ZipFailure,
    message: string,
    readonly file: string | null = null,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipLimits {
  maxEntries: number;
  /** the largest single entry, uncompressed */
  maxEntryBytes: number;
  /** all entries together, uncompressed */
  maxTotalBytes: number;
  /** uncompressed / compressed, checked for entries larger than 1 MiB */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 65_535,
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

/** In the async reader and writer, entries this large are (de)compressed on libuv's thread pool while the small ones are done here. */
const ASYNC_ENTRY_BYTES = 256 * 1024;

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const UTF8_FLAG = 0x0800;
const MAX_COMMENT = 0xffff;

// ---------------------------------------------------------------------------------------------
// Writer

export interface ZipInput {
  name: string;
  data: Buffer;
}

/** DOS date/time of a moment (UTC), as zip stores it; 1980 is the earliest it can say. */
function dosTime(ms: number): { time: number; date: number } {
  const d = new Date(Math.max(ms, Date.UTC(1980, 0, 1)));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * Builds an archive in memory. Entries are written in the order given; small entries that deflate
 * to no gain are stored, so a tiny JSON file never grows.
 */
function checkNames(entries: readonly ZipInput[]): void {
  if (entries.length > DEFAULT_ZIP_LIMITS.maxEntries) {
    throw new ZipError('zip_too_large', `A bundle holds at most ${DEFAULT_ZIP_LIMITS.maxEntries} files; this one would hold ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const problem = unsafeName(e.name);
    if (problem) throw new ZipError('zip_unsafe_name', `Refusing to archive "${e.name}": ${problem}.`, e.name);
    if (seen.has(e.name)) throw new ZipError('zip_duplicate_name', `"${e.name}" is listed twice.`, e.name);
    seen.add(e.name);
  }
}

// Level 1 by default: bundles are mostly JSON, which deflates well even at the fastest level.
// Small entries are stored: under half a KiB, deflate saves a few bytes and costs a call each.
const deflateOptions = (data: Buffer, level: number | undefined) => ({ level: level ?? 1, chunkSize: Math.min(data.length + 64, 64 * 1024 * 1024) });
const worthDeflating = (data: Buffer) => data.length >= 512;

/** Lays out the archive from each entry's data and its deflated form (null: store it). */
function assemble(entries: readonly ZipInput[], deflated: readonly (Buffer | null)[], mtime: number): Buffer {
  const { time, date } = dosTime(mtime);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const d = deflated[i] ?? null;
    const stored = !d || d.length >= e.data.length;
    const body = stored ? e.data : d;
    if (offset + 30 + name.length + body.length > 0xfffffffe) throw new ZipError('zip_too_large', 'The bundle would exceed 4 GiB.');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_FLAG, 6);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, body);

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(CENTRAL_SIG, 0);
    cd.writeUInt16LE(0x0314, 4); // made by: UNIX, spec 2.0
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(UTF8_FLAG, 8);
    cd.writeUInt16LE(stored ? 0 : 8, 10);
    cd.writeUInt16LE(time, 12);
    cd.writeUInt16LE(date, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  });
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(EOCD_SIG, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}

/**
 * Builds an archive in memory. Entries are written in the order given; small entries, and those
 * deflate does not shrink, are stored.
 */
export function writeZip(entries: readonly ZipInput[], opts: { mtime?: number; level?: number } = {}): Buffer {
  checkNames(entries);
  return assemble(entries, entries.map((e) => (worthDeflating(e.data) ? deflateRawSync(e.data, deflateOptions(e.data, opts.level)) : null)), opts.mtime ?? Date.now());
}

const deflateRawAsync = promisify(deflateRaw);

/** writeZip with the large entries deflated on libuv's thread pool while the small ones deflate here: the same bytes. */
export async function writeZipAsync(entries: readonly ZipInput[], opts: { mtime?: number; level?: number } = {}): Promise<Buffer> {
  checkNames(entries);
  const big = entries.map((e) => (e.data.length >= ASYNC_ENTRY_BYTES ? deflateRawAsync(e.data, deflateOptions(e.data, opts.level)) : null));
  const deflated: (Buffer | null)[] = entries.map((e, i) => (big[i] ? null : worthDeflating(e.data) ? deflateRawSync(e.data, deflateOptions(e.data, opts.level)) : null));
  for (let i = 0; i < big.length; i++) if (big[i]) deflated[i] = await big[i]!;
  return assemble(entries, deflated, opts.mtime ?? Date.now());
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Why a name cannot be unpacked safely, or null when it can. */
export function unsafeName(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 512) return 'the name is longer than 512 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the name contains a control character';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (name.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  if (name.endsWith('/')) return 'directories are not expected in a bundle';
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return `the path has an empty, "." or ".." segment`;
  }
  return null;
}

export interface ZipEntryProblem {
  code: ZipFailure;
  file: string;
  message: string;
}

export interface ReadZip {
  /** every entry that read cleanly, by name, in archive order */
  files: Map<string, Buffer>;
  /** entries that could not be trusted (CRC, inflate, bomb, name): reported, not returned */
  problems: ZipEntryProblem[];
}

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  localOffset: number;
}

/** Everything but inflating: the directory, the names, the limits, each local header. */
function scanZip(buf: Buffer, limits: ZipLimits): { entries: { e: CentralEntry; raw: Buffer }[]; problems: ZipEntryProblem[] } {
  const eocdAt = findEocd(buf);
  const disk = buf.readUInt16LE(eocdAt + 4);
  const cdDisk = buf.readUInt16LE(eocdAt + 6);
  const onDisk = buf.readUInt16LE(eocdAt + 8);
  const count = buf.readUInt16LE(eocdAt + 10);
  const cdSize = buf.readUInt32LE(eocdAt + 12);
  const cdOffset = buf.readUInt32LE(eocdAt + 16);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw new ZipError('zip_unsupported', 'Multi-disk archives are not supported.');
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError('zip_unsupported', 'Zip64 archives are not supported.');
  if (eocdAt >= 20 && buf.readUInt32LE(eocdAt - 20) === ZIP64_LOCATOR_SIG) throw new ZipError('zip_unsupported', 'Zip64 archives are not supported.');
  if (count > limits.maxEntries) throw new ZipError('zip_too_large', `The archive lists ${count} entries; at most ${limits.maxEntries} are accepted.`);
  if (cdOffset + cdSize > eocdAt) throw new ZipError('zip_truncated', 'The central directory reaches past the end of the archive: it was cut short.');

  const central: CentralEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize) throw new ZipError('zip_truncated', `The central directory ends after ${i} of ${count} entries.`);
    if (buf.readUInt32LE(p) !== CENTRAL_SIG) throw new ZipError('zip_corrupt', `Central directory entry ${i + 1} has no valid signature.`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) throw new ZipError('zip_truncated', `Central directory entry ${i + 1} runs past the directory's end.`);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (flags & 0x0001) throw new ZipError('zip_unsupported', `"${name}" is encrypted; bundles are never encrypted.`, name);
    if (compressed === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new ZipError('zip_unsupported', 'Zip64 entries are not supported.', name);
    central.push({ name, method, flags, crc, compressed, size, localOffset });
    p = end;
  }

  const entries: { e: CentralEntry; raw: Buffer }[] = [];
  const problems: ZipEntryProblem[] = [];
  const names = new Set<string>();
  let total = 0;
  for (const e of central) {
    const problem = unsafeName(e.name);
    if (problem) {
      problems.push({ code: 'zip_unsafe_name', file: e.name, message: `The archive holds an entry that must not be unpacked: ${problem}.` });
      continue;
    }
    if (names.has(e.name)) {
      // Both copies go (collect drops the first): a reader picking either one could be shown a file the signer never saw.
      problems.push({ code: 'zip_duplicate_name', file: e.name, message: `The archive holds "${e.name}" more than once.` });
      continue;
    }
    names.add(e.name);
    if (e.method !== 0 && e.method !== 8) {
      problems.push({ code: 'zip_unsupported', file: e.name, message: `Compression method ${e.method} is not supported (only stored and deflate).` });
      continue;
    }
    if (e.size > limits.maxEntryBytes) {
      problems.push({ code: 'zip_too_large', file: e.name, message: `The entry claims ${e.size} bytes; at most ${limits.maxEntryBytes} are accepted per file.` });
      continue;
    }
    if (e.size > 1024 * 1024 && e.size > e.compressed * limits.maxRatio) {
      problems.push({ code: 'zip_bomb', file: e.name, message: `The entry would inflate ${Math.round(e.size / Math.max(1, e.compressed))}-fold; at most ${limits.maxRatio}-fold is accepted.` });
      continue;
    }
    total += e.size;
    if (total > limits.maxTotalBytes) throw new ZipError('zip_too_large', `The archive's entries add up to more than ${limits.maxTotalBytes} bytes.`);

    const lh = e.localOffset;
    if (lh + 30 > buf.length) throw new ZipError('zip_truncated', `The local header of "${e.name}" lies past the end of the archive.`, e.name);
    if (buf.readUInt32LE(lh) !== LOCAL_SIG) {
      problems.push({ code: 'zip_corrupt', file: e.name, message: 'The local header is missing where the central directory says it is.' });
      continue;
    }
    const lNameLen = buf.readUInt16LE(lh + 26);
    const lExtraLen = buf.readUInt16LE(lh + 28);
    const lName = buf.toString('utf8', lh + 30, lh + 30 + lNameLen);
    const lMethod = buf.readUInt16LE(lh + 8);
    if (lName !== e.name || lMethod !== e.method) {
      problems.push({ code: 'zip_corrupt', file: e.name, message: `The local header names "${lName}" (method ${lMethod}); the central directory says "${e.name}" (method ${e.method}).` });
      continue;
    }
    const dataStart = lh + 30 + lNameLen + lExtraLen;
    const dataEnd = dataStart + e.compressed;
    if (dataEnd > cdOffset) {
      if (dataEnd > buf.length) throw new ZipError('zip_truncated', `The data of "${e.name}" runs past the end of the archive.`, e.name);
      problems.push({ code: 'zip_corrupt', file: e.name, message: 'The entry overlaps the central directory.' });
      continue;
    }
    entries.push({ e, raw: buf.subarray(dataStart, dataEnd) });
  }
  return { entries, problems };
}

/** The data of one entry, inflated (unless given already inflated) and checked against its sizes and CRC. */
function finishEntry(e: CentralEntry, raw: Buffer, inflated?: Buffer | Error): { data: Buffer } | ZipEntryProblem {
  let data: Buffer;
  if (e.method === 0) {
    if (e.compressed !== e.size) return { code: 'zip_corrupt', file: e.name, message: 'A stored entry whose compressed and uncompressed sizes differ.' };
    data = raw; // a view into the archive: nothing here writes to it
  } else {
    try {
      if (inflated instanceof Error) throw inflated;
      // One output chunk of the declared size (+1): no piecewise growth and re-copying; one byte
      // over the declared size is enough to prove the declaration false.
      data = inflated ?? inflateRawSync(raw, inflateOptions(e));
    } catch (err) {
      const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return tooBig
        ? { code: 'zip_bomb', file: e.name, message: `The entry inflates beyond the ${e.size} bytes it declares.` }
        : { code: 'zip_corrupt', file: e.name, message: 'The compressed data is damaged and does not inflate.' };
    }
  }
  if (data.length !== e.size) return { code: data.length > e.size ? 'zip_bomb' : 'zip_corrupt', file: e.name, message: `The entry holds ${data.length} bytes; it declares ${e.size}.` };
  if (crc32(data) !== e.crc) return { code: 'zip_crc_mismatch', file: e.name, message: 'The entry does not match its CRC-32: its bytes changed after it was archived.' };
  return { data };
}

function inflateOptions(e: CentralEntry) {
  return { maxOutputLength: Math.max(1, e.size + 1), chunkSize: Math.max(64, Math.min(e.size + 1, 64 * 1024 * 1024)) };
}

function collect(scan: ReturnType<typeof scanZip>, done: ({ data: Buffer } | ZipEntryProblem)[]): ReadZip {
  const files = new Map<string, Buffer>();
  const problems = [...scan.problems];
  scan.entries.forEach(({ e }, i) => {
    const r = done[i]!;
    if ('data' in r) files.set(e.name, r.data);
    else problems.push(r);
  });
  // A name listed twice is dropped whole, wherever its copies were.
  for (const p of scan.problems) if (p.code === 'zip_duplicate_name') files.delete(p.file);
  return { files, problems };
}

/**
 * Reads an archive strictly. Throws ZipError when the archive as a whole cannot be read (not a
 * zip, truncated, unsupported, too many entries); an entry that is wrong on its own (bad CRC,
 * unsafe or duplicate name, a bomb) is left out and reported in `problems`, so a verifier can name
 * every bad file at once.
 */
export function readZip(buf: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ReadZip {
  const scan = scanZip(buf, limits);
  return collect(scan, scan.entries.map(({ e, raw }) => finishEntry(e, raw)));
}

const inflateRawAsync = promisify(inflateRaw);

/** readZip with the large entries inflated off the main thread, in parallel: same result. */
export async function readZipAsync(buf: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ReadZip> {
  const scan = scanZip(buf, limits);
  const big = scan.entries.map(({ e, raw }) =>
    e.method === 8 && raw.length >= ASYNC_ENTRY_BYTES ? inflateRawAsync(raw, inflateOptions(e)).catch((err: Error) => err) : null,
  );
  const done: ({ data: Buffer } | ZipEntryProblem | null)[] = scan.entries.map(({ e, raw }, i) => (big[i] ? null : finishEntry(e, raw)));
  for (let i = 0; i < big.length; i++) {
    const pending = big[i];
    if (pending) done[i] = finishEntry(scan.entries[i]!.e, scan.entries[i]!.raw, await pending);
  }
  return collect(scan, done as ({ data: Buffer } | ZipEntryProblem)[]);
}

function findEocd(buf: Buffer): number {
  if (buf.length < 22) throw new ZipError(buf.length === 0 ? 'zip_not_zip' : 'zip_truncated', `The file is ${buf.length} bytes: too short to be a zip archive.`);
  const floor = Math.max(0, buf.length - 22 - MAX_COMMENT);
  for (let i = buf.length - 22; i >= floor; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG && i + 22 + buf.readUInt16LE(i + 20) === buf.length) return i;
  }
  const looksLikeZip = buf.readUInt32LE(0) === LOCAL_SIG;
  throw new ZipError(
    looksLikeZip ? 'zip_truncated' : 'zip_not_zip',
    looksLikeZip ? 'The archive has no end-of-central-directory record: it was cut short.' : 'This is not a zip archive.',
  );
}
