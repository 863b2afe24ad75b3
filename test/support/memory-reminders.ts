// The reminder rule every in-memory store shares: cancelling by key or key prefix touches pending
// reminders only and says how many it cancelled, as the Prisma repository does.
export function cancelPendingReminders(reminders: Iterable<{ key: string; status: string }>, which: string | { prefix: string }): number {
  let count = 0;
  for (const reminder of reminders) {
    const matches = typeof which === 'string' ? reminder.key === which : reminder.key.startsWith(which.prefix);
    if (matches && reminder.status === 'pending') {
      reminder.status = 'cancelled';
      count += 1;
    }
  }
  return count;
}
