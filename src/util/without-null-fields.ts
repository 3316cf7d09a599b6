// Null where JSON writers mean "absent": some put one for a field they leave out (a Go pointer
// without omitempty, Python's None). Fields whose type has no null read it as absent.

/**
 * `value` without those of `fields` that are null. Returns the value itself when there is
 * nothing to remove (or it is no plain object), so the common case costs no copy.
 */
export function withoutNullFields(value: unknown, fields: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (!fields.some((field) => record[field] === null)) return value;
  const copy = { ...record };
  for (const field of fields) if (copy[field] === null) delete copy[field];
  return copy;
}
