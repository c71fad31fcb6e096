// The pinning field's text form: one comma-separated CPU list per vCPU, ";" between vCPUs,
// an empty list for "any CPU" ("0,1; 2" pins vCPU 0 to CPUs 0 and 1, vCPU 1 to CPU 2).

export function formatPinning(p: number[][]): string {
  return p.map((cpus) => cpus.join(',')).join('; ');
}

/** null when the text is not of that form (ranges are checked by the API). */
export function parsePinning(text: string): number[][] | null {
  const t = text.trim();
  if (!t) return [];
  const out: number[][] = [];
  for (const part of t.split(';')) {
    const s = part.trim();
    if (!s) {
      out.push([]);
      continue;
    }
    const cpus: number[] = [];
    for (const c of s.split(',')) {
      if (!/^\s*[0-9]{1,4}\s*$/.test(c)) return null;
      cpus.push(Number(c));
    }
    out.push(cpus);
  }
  return out;
}
