// The tasks a view shows, by section, and the pure changes made to them when a task is
// created, changed, deleted or restored before (or after) the API answers.
import type { Task } from "@todo-api/client";
import type { SectionId } from "./views";

export interface SectionState {
  tasks: Task[];
  /** The next page's cursor (the API's `Link: rel="next"`); none on the last page. */
  cursor?: string;
  status: "idle" | "loading" | "ready" | "error";
}

export type Sections = Record<SectionId, SectionState>;

export const SECTION_IDS: readonly SectionId[] = ["open", "done"];

export const IDLE: SectionState = { tasks: [], status: "idle" };

/** Where a task was: its section and its index there, to put it back after an undo or a refusal. */
export interface Spot {
  task: Task;
  section: SectionId;
  index: number;
}

/** find is the spot of the task with this id, if it is shown. */
export function find(s: Sections, id: string): Spot | undefined {
  for (const section of SECTION_IDS) {
    const index = s[section].tasks.findIndex((t) => t.id === id);
    const task = s[section].tasks[index];
    if (task) return { task, section, index };
  }
  return undefined;
}

/** without is s without the task with this id. */
export function without(s: Sections, id: string): Sections {
  const at = find(s, id);
  if (!at) return s;
  return { ...s, [at.section]: { ...s[at.section], tasks: s[at.section].tasks.filter((t) => t.id !== id) } };
}

/** insert puts task into section at index (clamped); a copy already shown elsewhere goes. */
export function insert(s: Sections, task: Task, section: SectionId, index = 0): Sections {
  const n = without(s, task.id);
  const tasks = [...n[section].tasks];
  tasks.splice(Math.max(0, Math.min(index, tasks.length)), 0, task);
  return { ...n, [section]: { ...n[section], tasks } };
}

/**
 * place shows task where it now belongs (target; undefined: not in this view): in its place
 * when it stays in its section, else at the top of the other one.
 */
export function place(s: Sections, task: Task, target: SectionId | undefined): Sections {
  const at = find(s, task.id);
  if (at && at.section === target) {
    return { ...s, [target]: { ...s[target], tasks: s[target].tasks.map((t) => (t.id === task.id ? task : t)) } };
  }
  const n = without(s, task.id);
  return target ? insert(n, task, target, 0) : n;
}

/** swap replaces the task shown under oldId (a temporary id) with task, keeping one copy. */
export function swap(s: Sections, oldId: string, task: Task): Sections {
  const at = find(s, oldId);
  if (!at) return s;
  return insert(without(without(s, task.id), oldId), task, at.section, at.index);
}
