// The bundle's zip writer and strict reader: a round trip that standard tools would also read, and
// every kind of hostile archive refused with its stable code (whole-archive problems thrown,
// per-entry problems listed with the entry left out).
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readZip, readZipAsync, unsafeName, writeZip, writeZipAsync, ZipError, type ZipInput } from '../../electron/core/evidence/zip';

const files: ZipInput[] = [
  { name: 'manifest.dsse.json', data: Buffer.from('{"a":1}') },
  { name: 'findings/FND-1.json', data: Buffer.from(JSON.stringify({ text: 'x'.repeat(5000) })) },
  { name: 'evidence/FND-1/E1.txt', data: Buffer.from('Spoke with the owner; not expected. ✓') },
  { name: 'empty.txt', data: Buffer.alloc(0) },
];

function thrown(fn: () => unknown): ZipError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ZipError) return e;
    throw e;
  }
  throw new Error('expected a ZipError');
}

/** A hand-built archive: one entry per spec, each with whatever (lying) header values it says. */
function rawZip(entries: { name: string; data: Buffer; method?: 0 | 8; crc?: number; size?: number; flags?: number }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 0;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(e.flags ?? 0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}

describe('zip round trip', () => {
  it('reads back exactly what it wrote, deflated where it pays', () => {
    const zip = writeZip(files, { mtime: Date.UTC(2026, 10, 1) });
    const { files: got, problems } = readZip(zip);
    expect(problems).toEqual([]);
    expect([...got.keys()]).toEqual(files.map((f) => f.name));
    for (const f of files) expect(got.get(f.name)!.equals(f.data)).toBe(true);
    // The 5 KB repetitive file is stored deflated: the archive is much smaller than its content.
    expect(zip.length).toBeLessThan(2000);
    // Deterministic: same input, same bytes.
    expect(writeZip(files, { mtime: Date.UTC(2026, 10, 1) }).equals(zip)).toBe(true);
  });

  it('refuses to write unsafe or duplicate names', () => {
    expect(thrown(() => writeZip([{ name: '../x', data: Buffer.alloc(1) }])).code).toBe('zip_unsafe_name');
    expect(thrown(() => writeZip([files[0]!, files[0]!])).code).toBe('zip_duplicate_name');
  });
});

describe('zip reader refuses hostile archives', () => {
  it('not a zip, empty, truncated', () => {
    expect(thrown(() => readZip(Buffer.from('just some text that is long enough to look'))).code).toBe('zip_not_zip');
    expect(thrown(() => readZip(Buffer.alloc(0))).code).toBe('zip_not_zip');
    const zip = writeZip(files);
    expect(thrown(() => readZip(zip.subarray(0, zip.length - 30))).code).toBe('zip_truncated');
    expect(thrown(() => readZip(zip.subarray(0, 100))).code).toBe('zip_truncated');
  });

  it('a changed byte inside an entry fails its CRC (or its deflate stream); the others still read', () => {
    const zip = Buffer.from(writeZip(files));
    const at = zip.indexOf(Buffer.from('Spoke'));
    zip[at] = zip[at]! ^ 0x01;
    const { files: got, problems } = readZip(zip);
    expect(problems).toEqual([{ code: 'zip_crc_mismatch', file: 'evidence/FND-1/E1.txt', message: expect.stringMatching(/CRC-32/) }]);
    expect(got.has('evidence/FND-1/E1.txt')).toBe(false);
    expect(got.has('manifest.dsse.json')).toBe(true);
  });

  it('duplicate names: both copies are dropped and reported', () => {
    const zip = rawZip([
      { name: 'a.json', data: Buffer.from('1') },
      { name: 'a.json', data: Buffer.from('2') },
    ]);
    const { files: got, problems } = readZip(zip);
    expect(problems.map((p) => p.code)).toEqual(['zip_duplicate_name']);
    expect(got.has('a.json')).toBe(false);
  });

  it('path traversal and other unsafe names', () => {
    for (const name of ['../etc/passwd', '/abs', 'a/../../b', 'C:/x', 'a\\b', 'a//b', 'dir/', 'nul\u0000byte']) {
      expect(unsafeName(name), name).not.toBeNull();
      const { files: got, problems } = readZip(rawZip([{ name, data: Buffer.from('x') }]));
      expect(problems.map((p) => p.code), name).toEqual(['zip_unsafe_name']);
      expect(got.size).toBe(0);
    }
    expect(unsafeName('evidence/FND-1/E1.json')).toBeNull();
  });

  it('zip bombs: a huge ratio, and an entry inflating past its declared size', () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 0x41);
    const ratio = readZip(rawZip([{ name: 'bomb.bin', data: big, method: 8 }]));
    expect(ratio.problems.map((p) => p.code)).toEqual(['zip_bomb']);
    // Declares 1 KiB, inflates to 64 KiB: stopped at 1 KiB + 1 byte, never fully inflated.
    const liar = readZip(rawZip([{ name: 'liar.bin', data: Buffer.alloc(65536, 0x42), method: 8, size: 1024 }]));
    expect(liar.problems.map((p) => p.code)).toEqual(['zip_bomb']);
    // Size limits apply per entry and in total.
    const small = readZip(rawZip([{ name: 'a.bin', data: Buffer.alloc(2048) }]), { maxEntries: 10, maxEntryBytes: 1024, maxTotalBytes: 1 << 20, maxRatio: 200 });
    expect(small.problems.map((p) => p.code)).toEqual(['zip_too_large']);
    const many = rawZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
    expect(thrown(() => readZip(many, { maxEntries: 10, maxEntryBytes: 1024, maxTotalBytes: 1 << 20, maxRatio: 200 })).code).toBe('zip_too_large');
  });

  it('encrypted entries and unknown methods are unsupported', () => {
    expect(thrown(() => readZip(rawZip([{ name: 'a', data: Buffer.from('x'), flags: 0x0801 }]))).code).toBe('zip_unsupported');
    const zip = rawZip([{ name: 'a', data: Buffer.from('x') }]);
    // method 12 (bzip2) in both headers
    zip.writeUInt16LE(12, 8);
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt16LE(12, cd + 10);
    expect(readZip(zip).problems.map((p) => p.code)).toEqual(['zip_unsupported']);
  });

  it('a local header that disagrees with the central directory is corrupt', () => {
    const zip = rawZip([{ name: 'abc', data: Buffer.from('x') }]);
    zip.write('abd', 30); // rename in the local header only
    expect(readZip(zip).problems.map((p) => p.code)).toEqual(['zip_corrupt']);
  });
});

describe('readZipAsync (large entries inflated on the thread pool)', () => {
  it('gives exactly what readZip gives, for good, damaged and hostile archives', async () => {
    const big = Buffer.from(JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ({ i, s: `row ${i}` }))));
    const good = writeZip([...files, { name: 'audit/slice.jsonl', data: big }]);
    const damaged = Buffer.from(good);
    const at = damaged.length - 2000; // inside the big entry's deflate stream, before the directory
    damaged.writeUInt8(damaged.readUInt8(at - 40_000) ^ 0xff, at - 40_000);
    const liar = rawZip([{ name: 'liar.bin', data: Buffer.alloc(600_000, 0x42), method: 8, size: 300_000 }]);
    const bomb = rawZip([{ name: 'bomb.bin', data: Buffer.alloc(8 * 1024 * 1024, 0x41), method: 8 }]);
    for (const z of [good, damaged, liar, bomb]) {
      const a = await readZipAsync(z);
      const b = readZip(z);
      expect(a.problems).toEqual(b.problems);
      expect([...a.files.keys()]).toEqual([...b.files.keys()]);
      for (const [k, v] of a.files) expect(v.equals(b.files.get(k)!)).toBe(true);
    }
    expect((await readZipAsync(good)).files.get('audit/slice.jsonl')!.equals(big)).toBe(true);
    expect((await readZipAsync(damaged)).problems.length).toBe(1);
  });
});

describe('writeZipAsync (large entries deflated on the thread pool)', () => {
  it('writes the very bytes writeZip writes', async () => {
    const big = Buffer.from(JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ({ i }))));
    const input = [...files, { name: 'report.html', data: big }, { name: 'z/random.bin', data: Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251)) }];
    const a = await writeZipAsync(input, { mtime: Date.UTC(2026, 0, 1) });
    expect(a.equals(writeZip(input, { mtime: Date.UTC(2026, 0, 1) }))).toBe(true);
    expect(readZip(a).files.get('report.html')!.equals(big)).toBe(true);
  });
});
