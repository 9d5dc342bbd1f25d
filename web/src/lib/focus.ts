// Focus in the task list for keyboard users: which rows are on screen, moving between them,
// and where focus goes when the focused task leaves the list.

/** visibleRows is the task rows on screen, in order (a folded section's are not). */
export function visibleRows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>("[data-testid=task]")].filter((r) => r.offsetParent !== null);
}

/** moveFocus moves from row to the task delta rows away (the first one when none is focused). */
export function moveFocus(row: HTMLElement | null | undefined, delta: number) {
  const rows = visibleRows();
  const i = row ? rows.indexOf(row) : -1;
  const to = rows[i < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, i + delta))];
  const box = to ? document.getElementById(`task-${to.dataset.taskId}`) : null;
  box?.focus();
  box?.scrollIntoView({ block: "nearest" });
}

/**
 * keepFocusNear keeps a keyboard user in the list when the task with this id leaves it (deleted,
 * or completed into the folded section): if focus is on its row, it moves to the next row, or
 * the previous one, or the quick-add field.
 */
export function keepFocusNear(id: string) {
  const rows = visibleRows();
  const i = rows.findIndex((r) => r.dataset.taskId === id);
  const row = rows[i];
  if (!row || !row.contains(document.activeElement)) return;
  const neighbour = rows[i + 1] ?? rows[i - 1];
  requestAnimationFrame(() => {
    const box = document.getElementById(`task-${id}`);
    if (box && box.offsetParent !== null && box === document.activeElement) return; // still shown, still focused
    (neighbour ? document.getElementById(`task-${neighbour.dataset.taskId}`) : quickAddField())?.focus();
  });
}

/** quickAddField is the title field of quick add. */
export const quickAddField = () => document.querySelector<HTMLInputElement>("[data-quick-add]");
