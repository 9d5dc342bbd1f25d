"use client";

import { Modal } from "./modal";

/** SHORTCUTS are the keyboard shortcuts of the dashboard, as the help dialog lists them. */
export const SHORTCUTS: [keys: string[], what: string][] = [
  [["n"], "Add a task (quick add)"],
  [["/"], "Search"],
  [["j", "↓"], "Next task"],
  [["k", "↑"], "Previous task"],
  [["c"], "Complete or reopen the task"],
  [["e"], "Edit the task"],
  [["Delete", "#"], "Delete the task"],
  [["x"], "Select the task"],
  [["z"], "Undo the last delete"],
  [["Alt+↑", "Alt+↓"], "Move the task up or down (a list in manual order)"],
  [["Esc"], "Clear the selection, close a dialog"],
  [["?"], "These shortcuts"],
];

/** HelpDialog lists the keyboard shortcuts. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      {() => (
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={what} className="contents">
              <dt className="flex gap-1">
                {keys.map((k) => (
                  <kbd key={k} className="rounded border border-line bg-sunken px-1.5 py-0.5 font-mono text-xs">
                    {k}
                  </kbd>
                ))}
              </dt>
              <dd className="text-muted">{what}</dd>
            </div>
          ))}
        </dl>
      )}
    </Modal>
  );
}
