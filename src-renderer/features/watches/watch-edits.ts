/** Adding, changing and removing watches: they are settings, saved whole with settings.set {watches}. */
import { useCallback } from 'react';
import type { Watch } from '../../../src-shared/model/settings.js';
import { useServices } from '../../components/api-context.js';
import { appStore } from '../../store/index.js';

export function newWatchId(): string {
  return `w${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The list with this watch in place of the one with its id, or added at the end. */
export function withWatch(list: readonly Watch[], watch: Watch): Watch[] {
  return list.some((w) => w.id === watch.id) ? list.map((w) => (w.id === watch.id ? watch : w)) : [...list, watch];
}

export function withoutWatch(list: readonly Watch[], id: string): Watch[] {
  return list.filter((w) => w.id !== id);
}

/** "settings.set: watches[2].filter: Unknown operator ~q" → "Filter: Unknown operator ~q". */
export function saveErrorText(message: string): string {
  return message
    .replace(/^settings\.set:\s*/, '')
    .replace(/^watches\[\d+\]\.(\w+)/, (_, field: string) => ({ filter: 'Filter', name: 'Name', id: 'Id' })[field] ?? field);
}

/** Saves the whole list; resolves with what went wrong, said for a person, or null. */
export function useSaveWatches(): (watches: Watch[]) => Promise<string | null> {
  const { api } = useServices();
  return useCallback(async (watches) => {
    try {
      const result = await api['settings.set']({ settings: { watches } });
      const view = appStore.getState().settings ?? (await api['settings.get']({}));
      appStore.getState().settingsLoaded({ ...view, settings: result.settings });
      return null;
    } catch (error) {
      return saveErrorText(error instanceof Error ? error.message : String(error));
    }
  }, [api]);
}
