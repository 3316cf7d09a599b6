// A time of day as a watch update shows it.

/** `now` in local time as HH:MM:SS, as tsc's watch mode prints it (`09:05:03`). */
export function clock(now: Date): string {
  return [now.getHours(), now.getMinutes(), now.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}
