// The subtasks the screen shows, kept beside the components that draw them: the dashboard
// ticks them when it completes their parent (before the API answers), and a parent's row drawn
// again (it moved to another section) shows the ones read before at once. Apart from
// components/subtask-list.tsx so that the dashboard needs this, not the component, on load.
import type { Task } from "@todo-api/client";

/** The subtasks read so far, by parent: drawn at once when a parent's row is drawn again (it moved to another section). */
export const loaded = new Map<string, Task[]>();
/** Subtasks shown completed with their parent before the API confirmed it. */
export const completing = new Set<string>();

/**
 * completeOnScreen ticks every subtask read so far under parentId, as the API is about to do
 * for the whole subtree, and returns their ids for settle.
 */
export function completeOnScreen(parentId: string): string[] {
  const ids: string[] = [];
  const at = new Date().toISOString();
  const walk = (pid: string) => {
    const kids = loaded.get(pid);
    if (!kids) return;
    loaded.set(
      pid,
      kids.map((t) => {
        if (t.completed) return t;
        ids.push(t.id);
        return { ...t, completed: true, completed_at: at };
      }),
    );
    for (const k of kids) walk(k.id);
  };
  walk(parentId);
  for (const id of ids) completing.add(id);
  return ids;
}

/** settle ends completeOnScreen: the API answered; refused, the subtrees are read again (forget). */
export function settle(ids: readonly string[], forget?: string) {
  for (const id of ids) completing.delete(id);
  if (forget) loaded.delete(forget);
}
