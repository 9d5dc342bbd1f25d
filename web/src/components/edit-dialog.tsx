"use client";

import type { Task } from "@todo-api/client";
import { useEffect, useRef, type ComponentProps } from "react";
import { TaskForm } from "./task-form";

/** EditDialog is a modal <dialog>: focus moves into it, Escape closes it. */
export function EditDialog({
  task,
  onSave,
  onClose,
}: {
  task: Task;
  onSave: ComponentProps<typeof TaskForm>["onSubmit"];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby="edit-heading"
      onClose={onClose}
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-xl bg-white p-0 shadow-xl"
    >
      <div className="p-5">
        <h2 id="edit-heading" className="mb-4 text-lg font-semibold">
          Edit task
        </h2>
        <TaskForm
          task={task}
          submitLabel="Save"
          onCancel={() => ref.current?.close()}
          onSubmit={async (body) => {
            const errors = await onSave(body);
            if (!errors) ref.current?.close();
            return errors;
          }}
        />
      </div>
    </dialog>
  );
}
