/** Media paths: traversal is refused by parsing alone, and names a user can type survive the round trip. */

import { describe, expect, it } from 'vitest';
import type { ContentHash, RootId } from '../ids';
import { displayPath, originalPath, parseMediaPath, thumbnailPath, tilePath } from './media';

const root = 'a1b2c3d4e5f6a1b2c3d4e5f6' as RootId;
const hash = 'ab'.repeat(32) as ContentHash;

describe('parseMediaPath refuses traversal by reading the path only', () => {
  it.each([
    ['plain ..', 'files/r/../outside/secret.jpg'],
    ['plain .', 'files/r/./cat.jpg'],
    ['.. as the root id', 'files/../outside/secret.jpg'],
    ['lower-case %2e%2e', 'files/r/%2e%2e/outside/secret.jpg'],
    ['upper-case %2E%2E', 'files/r/%2E%2E/outside/secret.jpg'],
    ['encoded ../ in one segment', 'files/r/%2E%2E%2Foutside%2Fsecret.jpg'],
    ['..%2f', 'files/r/..%2foutside%2fsecret.jpg'],
    ['an empty segment (absolute path after the root)', 'files/r//etc/passwd'],
    ['an encoded absolute path', 'files/r/%2Fetc%2Fpasswd'],
    ['a trailing slash', 'files/r/sub/'],
    ['backslashes', 'files/r/..\\outside\\secret.jpg'],
    ['encoded backslashes', 'files/r/..%5coutside%5csecret.jpg'],
    ['a drive letter', 'files/r/C:%5cWindows%5cwin.ini'],
    ['an encoded drive-letter path', 'files/r/c%3A%2Fsecret.jpg'],
    ['a NUL byte', 'files/r/cat.jpg%00.png'],
    ['.. in a display path', 'display/r/../outside/secret.tiff'],
    ['.. in a thumbnail path', 'cache/thumbs/../../roots.json'],
    ['encoded .. in a thumbnail path', 'cache/thumbs/%2e%2e%2f%2e%2e%2froots.json'],
  ])('refuses %s with 403', (_name, path) => {
    const parsed = parseMediaPath(path);
    expect(parsed).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses malformed percent-encoding with 400', () => {
    expect(parseMediaPath('files/r/%E0%A4%A.jpg')).toMatchObject({ ok: false, status: 400 });
    expect(parseMediaPath('files/r/%zz.jpg')).toMatchObject({ ok: false, status: 400 });
  });

  it('decodes only once, so a double-encoded %252e%252e is a literal file name, not a parent folder', () => {
    expect(parseMediaPath('files/r/%252e%252e/secret.jpg')).toEqual({
      ok: true,
      request: { kind: 'original', rootId: 'r', segments: ['%2e%2e', 'secret.jpg'] },
    });
  });

  it.each([
    ['an unknown prefix', 'etc/passwd/x'],
    ['a root without a file', 'files/r'],
    ['an upper-case hash', `cache/thumbs/${'AB'.repeat(32)}.webp`],
    ['a short hash', `cache/thumbs/${'a'.repeat(63)}.webp`],
    ['a non-webp thumbnail', `cache/thumbs/${hash}.png`],
    ['a thumbnail in a sub-folder', `cache/thumbs/ab/${hash}.webp`],
    ['other cache folders', `cache/display/${hash}.png`],
  ])('answers 404 for %s', (_name, path) => {
    expect(parseMediaPath(path)).toMatchObject({ ok: false, status: 404 });
  });
});

describe('parseMediaPath reads good paths', () => {
  it('splits an original into root id and decoded segments, with or without a leading slash', () => {
    const expected = {
      ok: true,
      request: { kind: 'original', rootId: root, segments: ['nested', 'summer 2024', 'cat.jpg'] },
    };
    expect(parseMediaPath(`files/${root}/nested/summer%202024/cat.jpg`)).toEqual(expected);
    expect(parseMediaPath(`/files/${root}/nested/summer%202024/cat.jpg`)).toEqual(expected);
  });

  it('reads a display path as a display request', () => {
    expect(parseMediaPath(`display/${root}/scans/page1.tiff`)).toEqual({
      ok: true,
      request: { kind: 'display', rootId: root, segments: ['scans', 'page1.tiff'] },
    });
  });

  it('reads a thumbnail path as its content hash', () => {
    expect(parseMediaPath(`cache/thumbs/${hash}.webp`)).toEqual({
      ok: true,
      request: { kind: 'thumbnail', hash },
    });
  });
});

describe('media paths round-trip through parseMediaPath', () => {
  const names = [
    'holiday photo.jpg',
    'fotos/über straße/猫.png',
    'shots/#1 best.jpg',
    'why?.jpg',
    '100% crop.png',
    '%2e%2e.jpg',
    'a+b&c=d;e.jpg',
    '...three dots.jpg',
    'emoji 📷/x.webp',
  ];

  it.each(names)('originalPath keeps "%s" exactly', (relPath) => {
    const parsed = parseMediaPath(originalPath(root, relPath));
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'original', rootId: root, segments: relPath.split('/') },
    });
  });

  it.each(names)('displayPath keeps "%s" exactly', (relPath) => {
    const parsed = parseMediaPath(displayPath(root, relPath));
    expect(parsed).toEqual({
      ok: true,
      request: { kind: 'display', rootId: root, segments: relPath.split('/') },
    });
  });

  it('encodes characters that would otherwise end the path (# ? %) so the URL stays one path', () => {
    expect(originalPath(root, 'shots/#1 why?/100%.jpg')).toBe(`files/${root}/shots/%231%20why%3F/100%25.jpg`);
  });

  it('thumbnailPath round-trips a content hash', () => {
    expect(parseMediaPath(thumbnailPath(hash))).toEqual({ ok: true, request: { kind: 'thumbnail', hash } });
  });

  it('still refuses a relPath that climbs out, even when built by originalPath', () => {
    expect(parseMediaPath(originalPath(root, '../outside/secret.jpg'))).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});

describe('tile paths', () => {
  const tile = { level: 3, column: 12, row: 7 };

  it('round-trip level, column, row, format and the file path, whatever the file is called', () => {
    for (const relPath of ['scan.tif', 'nested/summer 2024/#1 why?.jpg', 'emoji 📷/x.webp'])
      for (const format of ['jpeg', 'webp'] as const)
        expect(parseMediaPath(tilePath(root, relPath, tile, format))).toEqual({
          ok: true,
          request: { kind: 'tile', rootId: root, segments: relPath.split('/'), ...tile, format },
        });
  });

  it('name the tile before the file, with the JPEG extension for JPEG tiles', () => {
    expect(tilePath(root, 'a/b.png', { level: 0, column: 0, row: 10 }, 'jpeg')).toBe(
      `cache/tiles/${root}/0/0_10.jpg/a/b.png`,
    );
  });

  it.each([
    ['plain ..', `cache/tiles/${root}/0/0_0.jpg/../secret.jpg`],
    ['encoded ..', `cache/tiles/${root}/0/0_0.jpg/%2e%2e/secret.jpg`],
    ['an encoded separator', `cache/tiles/${root}/0/0_0.jpg/..%2fsecret.jpg`],
    ['.. as the root id', 'cache/tiles/../0/0_0.jpg/secret.jpg'],
    ['an empty segment', `cache/tiles/${root}/0/0_0.jpg//etc/passwd`],
    ['backslashes', `cache/tiles/${root}/0/0_0.jpg/..\\secret.jpg`],
    ['a drive letter', `cache/tiles/${root}/0/0_0.jpg/C:%5cwin.ini`],
    ['a NUL byte', `cache/tiles/${root}/0/0_0.jpg/cat.jpg%00.png`],
    ['an encoded separator in the tile name', `cache/tiles/${root}/0/0_0.jpg%2f..%2f/cat.jpg`],
  ])('refuse %s with 403', (_name, path) => {
    expect(parseMediaPath(path)).toMatchObject({ ok: false, status: 403 });
  });

  it.each([
    ['no file path', `cache/tiles/${root}/0/0_0.jpg`],
    ['a negative level', `cache/tiles/${root}/-1/0_0.jpg/a.jpg`],
    ['a level with a leading zero', `cache/tiles/${root}/01/0_0.jpg/a.jpg`],
    ['a three-digit level', `cache/tiles/${root}/100/0_0.jpg/a.jpg`],
    ['a column with a leading zero', `cache/tiles/${root}/0/01_0.jpg/a.jpg`],
    ['a fractional row', `cache/tiles/${root}/0/0_1.5.jpg/a.jpg`],
    ['a missing row', `cache/tiles/${root}/0/3.jpg/a.jpg`],
    ['another extension', `cache/tiles/${root}/0/0_0.png/a.jpg`],
    ['an upper-case extension', `cache/tiles/${root}/0/0_0.JPG/a.jpg`],
    ['an exponent', `cache/tiles/${root}/1e2/0_0.jpg/a.jpg`],
  ])('answer 404 for %s', (_name, path) => {
    expect(parseMediaPath(path)).toMatchObject({ ok: false, status: 404 });
  });
});
