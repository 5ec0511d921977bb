/**
 * Which rows are selected in the flow list, as in a file manager: a click selects one row,
 * Ctrl/Cmd+click toggles one, Shift+click selects the rows between the anchor (the last row clicked
 * without Shift) and the clicked one, in the order the list shows them. Pure functions, so the
 * rules are tested without a DOM. The focused row (shown in the detail pane) is kept apart, in
 * AppState.selectedId.
 */
export interface Selection {
  /** Selected flow ids, in the order they were selected (each once). */
  ids: number[];
  /** Where the next Shift+click range starts. */
  anchorId: number | null;
}

export const emptySelection: Selection = { ids: [], anchorId: null };

export function selectedOnly(id: number): Selection {
  return { ids: [id], anchorId: id };
}

export function selectionToggled(selection: Selection, id: number): Selection {
  const ids = selection.ids.includes(id) ? selection.ids.filter((other) => other !== id) : [...selection.ids, id];
  return { ids, anchorId: id };
}

/**
 * The rows from the anchor to `id` as `orderedIds` shows them. `additive` (Ctrl/Cmd+Shift) adds
 * them to the selection instead of replacing it. Without an anchor that is still listed, the range
 * is the one row.
 */
export function selectionRange(selection: Selection, orderedIds: readonly number[], id: number, additive = false): Selection {
  const to = orderedIds.indexOf(id);
  const from = selection.anchorId === null ? -1 : orderedIds.indexOf(selection.anchorId);
  if (to < 0) return selection;
  if (from < 0) return selectedOnly(id);
  const range = orderedIds.slice(Math.min(from, to), Math.max(from, to) + 1);
  if (!additive) return { ids: range, anchorId: selection.anchorId };
  const ids = [...selection.ids];
  for (const rangeId of range) if (!ids.includes(rangeId)) ids.push(rangeId);
  return { ids, anchorId: selection.anchorId };
}

export function selectionOfAll(orderedIds: readonly number[]): Selection {
  return { ids: [...orderedIds], anchorId: orderedIds[0] ?? null };
}

/** Only the ids `keep` accepts (rows deleted, or no longer in the list's window). Unchanged: the same object. */
export function selectionFiltered(selection: Selection, keep: (id: number) => boolean): Selection {
  if (selection.ids.every(keep) && (selection.anchorId === null || keep(selection.anchorId))) return selection;
  const ids = selection.ids.filter(keep);
  return { ids, anchorId: selection.anchorId !== null && keep(selection.anchorId) ? selection.anchorId : null };
}

/** The ids to act on for a row the user right-clicked: the selection when the row is in it, else the row alone. */
export function actionTargets(selection: Selection, clickedId: number): number[] {
  return selection.ids.includes(clickedId) ? [...selection.ids].sort((a, b) => a - b) : [clickedId];
}
