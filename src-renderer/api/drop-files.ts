/** Paths inside a dropped folder, for the files that came from one (File objects cannot carry them). */
const relativePaths = new WeakMap<File, string>();

export function relativePathOf(file: File): string {
  return relativePaths.get(file) || file.webkitRelativePath || file.name;
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function filesUnder(entry: FileSystemEntry, prefix: string): Promise<File[]> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    relativePaths.set(file, path);
    return [file];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const files: File[] = [];
  // readEntries hands out a folder's entries in batches until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) files.push(...(await filesUnder(child, path)));
  }
  return files;
}

/** Every file of a browser drop, folders walked with their relative paths kept. */
export async function walkDrop(dataTransfer: DataTransfer): Promise<File[]> {
  const entries = [...dataTransfer.items].map((item) => item.webkitGetAsEntry()).filter((entry) => entry !== null);
  if (entries.length === 0) return [...dataTransfer.files];
  const files: File[] = [];
  for (const entry of entries) files.push(...(await filesUnder(entry, '')));
  return files;
}
