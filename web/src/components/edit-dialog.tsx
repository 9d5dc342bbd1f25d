"use client";

import type { List, Task } from "@todo-api/client";
import type { ComponentProps } from "react";
import { Modal } from "./modal";
import { TaskForm } from "./task-form";

/** EditDialog is the edit form in a modal dialog; it closes once the API took the change. */
export function EditDialog({
  task,
  lists,
  onSave,
  onClose,
}: {
  task: Task;
  /** The user's lists: the task can move to another one from here. */
  lists: readonly List[];
  onSave: ComponentProps<typeof TaskForm>["onSubmit"];
  onClose: () => void;
}) {
  return (
    <Modal title="Edit task" onClose={onClose}>
      {(close) => (
        <TaskForm
          task={task}
          lists={lists}
          submitLabel="Save"
          onCancel={close}
          onSubmit={async (body) => {
            const errors = await onSave(body);
            if (!errors) close();
            return errors;
          }}
        />
      )}
    </Modal>
  );
}
