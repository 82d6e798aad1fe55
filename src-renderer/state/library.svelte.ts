import type { LibraryItem, LibraryKind } from '../../src-main/api/contract.js';
import { filesFromDrop, getApi } from '../api/index.js';
import { messageOf } from './errors.js';

/** The library as the renderer sees it: items, what is being added, and the last failure. */
export class LibraryState {
  #items = $state.raw<LibraryItem[]>([]);
  #adding = $state(false);
  #error = $state<string | undefined>(undefined);

  get items(): LibraryItem[] {
    return this.#items;
  }

  get adding(): boolean {
    return this.#adding;
  }

  get error(): string | undefined {
    return this.#error;
  }

  ofKind(kind: LibraryKind): LibraryItem[] {
    return this.#items.filter((item) => item.kind === kind && !item.error);
  }

  async refresh(): Promise<void> {
    try {
      this.#items = await getApi().invoke('library.list', {});
    } catch (error) {
      this.#error = messageOf(error);
    }
  }

  async addPaths(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    this.#adding = true;
    this.#error = undefined;
    try {
      await getApi().invoke('library.add', { paths });
      await this.refresh();
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#adding = false;
    }
  }

  async addDrop(dataTransfer: DataTransfer): Promise<void> {
    this.#adding = true;
    try {
      const files = await filesFromDrop(dataTransfer);
      await this.addPaths(await getApi().pathsForDrop(files));
    } catch (error) {
      this.#error = messageOf(error);
    } finally {
      this.#adding = false;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await getApi().invoke('library.remove', { id });
      await this.refresh();
    } catch (error) {
      this.#error = messageOf(error);
    }
  }
}
