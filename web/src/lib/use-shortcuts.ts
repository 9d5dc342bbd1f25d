// The dashboard's keyboard shortcuts (the help dialog lists them): on the page, never while
// typing in a field or with a dialog open. The task a shortcut acts on is the one whose row
// has the focus; j/k (and the arrows) move it.
import { useEffect, useRef } from "react";
import { moveFocus } from "./focus";

/** ShortcutActions are what the shortcuts do; those that return false did nothing (the key goes on). */
export interface ShortcutActions {
  quickAdd: () => void;
  search: () => void;
  complete: (taskId: string) => void;
  edit: (taskId: string) => void;
  remove: (taskId: string) => void;
  select: (taskId: string) => void;
  undo: () => boolean;
  help: () => void;
  clearSelection: () => boolean;
}

/** useShortcuts listens for the shortcuts on the document while the component is mounted. */
export function useShortcuts(actions: ShortcutActions) {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      if (el?.closest("input:not([type=checkbox]), textarea, select, [contenteditable=true]")) {
        // Escape leaves quick add and search, so the shortcuts work again.
        if (e.key === "Escape" && (el.id === "search" || el.hasAttribute("data-quick-add"))) el.blur();
        return;
      }
      if (document.querySelector("dialog[open]")) return;
      const a = latest.current;
      const row = el?.closest<HTMLElement>("[data-testid=task]");
      const id = row?.dataset.taskId;
      const onTask = (f: (id: string) => void) => {
        if (!id) return false;
        f(id);
        return true;
      };
      const handled = (() => {
        switch (e.key) {
          case "n":
          case "q":
            a.quickAdd();
            return true;
          case "/":
            a.search();
            return true;
          case "j":
          case "ArrowDown":
            moveFocus(row, 1);
            return true;
          case "k":
          case "ArrowUp":
            moveFocus(row, -1);
            return true;
          case "c":
            return onTask(a.complete);
          case "e":
            return onTask(a.edit);
          case "Delete":
          case "Backspace":
          case "#":
            return onTask(a.remove);
          case "x":
            return onTask(a.select);
          case "z":
            return a.undo();
          case "?":
            a.help();
            return true;
          case "Escape":
            return a.clearSelection();
          default:
            return false;
        }
      })();
      if (handled) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
