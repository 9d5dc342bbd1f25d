// Lists as the sidebar shows them (the client's sortLists: the inbox first, then the user's own
// order); the colours a list may take; moving one; finding one by the name typed after `~`.
import { sortLists, type List } from "@todo-api/client";
import { stepTarget } from "./reorder";

/** LIST_COLORS are the colours offered for a list (the API takes any `#rrggbb`). */
export const LIST_COLORS: { value: string; name: string }[] = [
  { value: "#d32f2f", name: "Red" },
  { value: "#ef6c00", name: "Orange" },
  { value: "#f9a825", name: "Yellow" },
  { value: "#2e7d32", name: "Green" },
  { value: "#00838f", name: "Teal" },
  { value: "#1565c0", name: "Blue" },
  { value: "#6a1b9a", name: "Purple" },
  { value: "#ad1457", name: "Pink" },
  { value: "#6d4c41", name: "Brown" },
];

/** colorName is how a colour is read out ("Green"), or its code when it is not one of ours. */
export const colorName = (c: string | null) => (c ? (LIST_COLORS.find((x) => x.value === c)?.name ?? c) : "No colour");

/**
 * moveTarget is the `after_id` that moves list `id` by `delta` places (−1 up, +1 down) among
 * the user's lists (the inbox stays first): null = first after the inbox; undefined = it
 * cannot move that way.
 */
export function moveTarget(lists: readonly List[], id: string, delta: -1 | 1): string | null | undefined {
  return stepTarget(
    sortLists(lists)
      .filter((l) => !l.inbox)
      .map((l) => l.id),
    id,
    delta,
  );
}

/** placeAfter is lists with `id` put right after `afterId` (null: first after the inbox), positions untouched. */
export function placeAfter(lists: readonly List[], id: string, afterId: string | null): List[] {
  const all = sortLists(lists);
  const moving = all.find((l) => l.id === id);
  if (!moving) return all;
  const rest = all.filter((l) => l.id !== id);
  const at = afterId === null ? rest.findIndex((l) => !l.inbox) : rest.findIndex((l) => l.id === afterId) + 1;
  rest.splice(at < 0 ? rest.length : at, 0, moving);
  return rest;
}

/**
 * listAt finds the list whose name is typed at text[start…] (case-insensitive, the longest
 * that ends at a space or the end): "~weekly shop milk" → "Weekly shop".
 */
export function listAt(lists: readonly List[], text: string, start: number): List | undefined {
  let best: List | undefined;
  const lower = text.toLowerCase();
  for (const l of lists) {
    const name = l.name.toLowerCase();
    if (!lower.startsWith(name, start)) continue;
    const after = text[start + name.length];
    if (after !== undefined && !/\s/.test(after)) continue;
    if (!best || l.name.length > best.name.length) best = l;
  }
  return best;
}
