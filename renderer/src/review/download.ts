/** Saves text as a file through a Blob and a temporary `<a download>`: Chromium's own download, in Electron and in a browser. */

export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  // Attached while clicked: some engines ignore a click on a detached link.
  document.body.append(link);
  link.click();
  link.remove();
  // The download reads the blob after the click returns; revoke once it has had time to start.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
