// A small SVG line chart of the last minutes of samples.
export interface Series {
  label: string;
  values: number[];
  cls: string; // stroke colour class
}

export function Chart(props: { title: string; series: Series[]; max: number; unit: string }) {
  const w = 320;
  const h = 90;
  const n = Math.max(2, ...props.series.map((s) => s.values.length));
  // A tenth of headroom: a line at the maximum stays visible below the top edge.
  const max = Math.max(1, props.max) * 1.1;
  const pts = (vals: number[]) =>
    vals.map((v, i) => `${((i + n - vals.length) * w) / (n - 1)},${h - (Math.min(v, max) * h) / max}`).join(' ');
  const last = props.series.map((s) => `${s.label} ${s.values.at(-1) ?? '–'} ${props.unit}`).join(', ');
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${props.title}: ${last}`} data-max={max}>
        <rect x="0" y="0" width={w} height={h} class="chart-bg" />
        {props.series.map((s) => (
          <polyline key={s.label} points={pts(s.values)} class={`line ${s.cls}`} />
        ))}
      </svg>
      <p class="legend">
        {props.series.map((s) => (
          <span key={s.label} class={`key ${s.cls}`}>
            {s.label}: {s.values.at(-1) ?? '–'} {props.unit}
          </span>
        ))}
      </p>
    </figure>
  );
}
