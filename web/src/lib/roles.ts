// What each role in a shared list may do, as the web app shows it (the API enforces it: a
// viewer's write is 403, a member's owner-only operation too).
import type { List, Member } from "@todo-api/client";

/** Role is a member's role in a list. */
export type Role = Member["role"];

/** ROLE_DOES says what a role lets its member do, completing "As an editor you …". */
export const ROLE_DOES: Record<Role, string> = {
  owner: "can manage the list, its members and its tasks",
  editor: "can add, change and complete its tasks",
  viewer: "can see its tasks but not change them",
};

/** ROLE_NAMES are the roles as labels. */
export const ROLE_NAMES: Record<Role, string> = { owner: "Owner", editor: "Editor", viewer: "Viewer" };

/** canWrite says whether the user may change the tasks of list l (an unknown list: let the API decide). */
export const canWrite = (l: List | undefined) => l?.role !== "viewer";

/** isShared says whether list l has members besides its owner. */
export const isShared = (l: List) => l.member_count > 1;
