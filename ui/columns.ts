/** Grid column widths by type, wide enough for a typical value of each. */
export function columnWidth(type: string): number {
  if (/^u?int(8|16)$/.test(type)) return 90;
  // Room for 2^63 with digit groups: 9,223,372,036,854,775,807.
  if (/^u?int64$/.test(type)) return 190;
  if (/^u?int/.test(type)) return 120;
  if (type.startsWith("float") || type.startsWith("decimal")) return 120;
  if (type.startsWith("timestamp")) return 200;
  if (type === "date" || type === "time") return 110;
  if (type === "bool") return 80;
  if (/^(list|struct|map)</.test(type)) return 220;
  return 180;
}
