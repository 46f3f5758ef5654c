/** Paths inside a dataset: resolved against the dataset root, never leaving it. */

/**
 * Resolves a path a dataset file states (`imagePath`, `<filename>`, `name=`) against the folder it is
 * relative to, both relative to the dataset root, with forward slashes. Refused with a reason: absolute
 * paths, drive letters, URLs, and `..` that leaves the dataset root (`../../etc/passwd`), so neither an
 * importer nor an exporter can be pointed outside the dataset.
 */
export function resolveDatasetPath(
  base: string,
  path: string,
): { readonly path: string } | { readonly reason: string } {
  const shown = JSON.stringify(path.length > 80 ? `${path.slice(0, 77)}…` : path);
  const slashed = path.replace(/\\/g, '/');
  if (slashed.trim() === '') return { reason: 'the image path is empty' };
  if (slashed.includes('\0')) return { reason: `the image path ${shown} contains a NUL character` };
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || /^[A-Za-z][\w+.-]*:\/\//.test(slashed)) {
    return { reason: `the image path ${shown} is absolute; a dataset names its images relative to itself` };
  }
  const parts: string[] = [];
  for (const part of [...base.replace(/\\/g, '/').split('/'), ...slashed.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { reason: `the image path ${shown} leads outside the dataset folder` };
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0) return { reason: `the image path ${shown} names no file` };
  return { path: parts.join('/') };
}

/** The folder part of a relative path (`a/b/c.json` → `a/b`, `c.json` → ``). */
export const folderOf = (path: string): string => {
  const slash = path.replace(/\\/g, '/').lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
};

/** A path without its extension (`a/b.c.jpg` → `a/b.c`). */
export const withoutExtension = (path: string): string => {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') + 1 ? path.slice(0, dot) : path;
};
