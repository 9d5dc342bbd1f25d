// Reordering by hand, as the API's POST …/move takes it: the item goes right after a sibling
// (`after_id`), or first (null). The same rules for lists, tasks and subtasks, from the keyboard
// (one place up or down) and by dragging (onto another item's place).

/**
 * stepTarget is the `after_id` that moves id by delta places (−1 up, +1 down) among ids, in
 * their order: null = first; undefined = it cannot move that way.
 */
export function stepTarget(ids: readonly string[], id: string, delta: -1 | 1): string | null | undefined {
  const i = ids.indexOf(id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= ids.length) return undefined;
  const rest = ids.filter((x) => x !== id);
  return j === 0 ? null : (rest[j - 1] ?? null);
}

/**
 * dropTarget is the `after_id` that puts moving in target's place among ids: dropped on one
 * below, right after it; on one above, before it. undefined when nothing moves.
 */
export function dropTarget(ids: readonly string[], moving: string, target: string): string | null | undefined {
  const from = ids.indexOf(moving);
  const to = ids.indexOf(target);
  if (from < 0 || to < 0 || from === to) return undefined;
  const rest = ids.filter((x) => x !== moving);
  return from < to ? target : to === 0 ? null : (rest[to - 1] ?? null);
}
