// Dates as the user sees them: "today" is the date on this browser's clock in this browser's
// zone (never UTC), the zone is sent to the API as `tz`, and due dates read Today, Tomorrow or
// a weekday when they are close.
import type { Task } from "@todo-api/client";

/** TZ_COOKIE is where the browser leaves its IANA zone for the server's first screen. */
export const TZ_COOKIE = "tz";

/** timeZone is the browser's IANA zone (`America/New_York`), what the API takes as `tz`. */
export function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** localDate is YYYY-MM-DD of d in the browser's zone. */
export function localDate(d: Date = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** localTime is HH:MM:SS of d in the browser's zone. */
export function localTime(d: Date = new Date()): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** addDays moves a YYYY-MM-DD date by n days (calendar arithmetic, no zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const t = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + n));
  return t.toISOString().slice(0, 10);
}

/** Now is the moment the list is drawn for: the local date and time, refreshed every minute. */
export interface Now {
  date: string;
  time: string;
}

export function nowLocal(d: Date = new Date()): Now {
  return { date: localDate(d), time: localTime(d) };
}

/**
 * isOverdue says what the API's `overdue` says, on the user's wall clock: a task with a due
 * time once that time has passed, one without once its day is over.
 */
export function isOverdue(t: Pick<Task, "completed" | "due_date" | "due_time">, now: Now): boolean {
  if (t.completed || !t.due_date) return false;
  if (t.due_date !== now.date) return t.due_date < now.date;
  return t.due_time !== null && `${t.due_time}:00` < now.time;
}

const utcDay = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
};

/** dayLabel is Today, Tomorrow, Yesterday, a weekday within the coming week, else "Dec 7" (and the year when it is another). */
export function dayLabel(date: string, today: string): string {
  // Today unknown (rendered on a server that does not know the user's zone): the date itself.
  if (!today) return utcDay(date).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  if (date === today) return "Today";
  if (date === addDays(today, 1)) return "Tomorrow";
  if (date === addDays(today, -1)) return "Yesterday";
  if (date > today && date <= addDays(today, 6)) return utcDay(date).toLocaleDateString(undefined, { weekday: "long", timeZone: "UTC" });
  return utcDay(date).toLocaleDateString(undefined, {
    month: "short",
    day: "numeric",
    year: date.slice(0, 4) === today.slice(0, 4) ? undefined : "numeric",
    timeZone: "UTC",
  });
}

/** timeLabel is "17:00" as the user's locale writes a time ("5:00 PM"). */
export function timeLabel(time: string): string {
  const [h, m] = time.split(":").map(Number);
  return new Date(Date.UTC(1970, 0, 1, h ?? 0, m ?? 0)).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
}

/** dueLabel is a due date (and time) as shown on a task: "Today", "Tomorrow 5:00 PM", "Friday". */
export function dueLabel(date: string, time: string | null, today: string): string {
  return time ? `${dayLabel(date, today)} ${timeLabel(time)}` : dayLabel(date, today);
}
