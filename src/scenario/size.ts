// Memory sizes as users write them: bytes, or a number with K, M or G (binary units).

export function parseSize(v: string | number): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : null;
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B?)?$/i.exec(v.trim());
  if (!m) return null;
  const unit = m[2]?.[0]?.toUpperCase();
  return Math.floor(Number(m[1]) * (unit === 'G' ? 2 ** 30 : unit === 'M' ? 2 ** 20 : unit === 'K' ? 1024 : 1));
}

/** The bounds of the visited table's memory: 1 MiB to 16 GiB. */
export const MIN_MEMORY = 2 ** 20;
export const MAX_MEMORY = 16 * 2 ** 30;
