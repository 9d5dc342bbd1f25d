"use client";

import type { Task } from "@todo-api/client";
import type { ComponentProps } from "react";
import { Modal } from "./modal";
import { TaskForm } from "./task-form";

/** EditDialog is the edit form in a modal dialog; it closes once the API took the change. */
export function EditDialog({
  task,
  onSave,
  onClose,
}: {
  task: Task;
  onSave: ComponentProps<typeof TaskForm>["onSubmit"];
  onClose: () => void;
}) {
  return (
    <Modal title="Edit task" onClose={onClose}>
      {(close) => (
        <TaskForm
          task={task}
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
