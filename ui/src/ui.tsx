// Shared widgets: the problem box, state badges, confirmation dialog, field errors.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, type DomainState, type Problem } from './api';

export function problemOf(e: unknown): Problem {
  if (e instanceof ApiError) return e.problem;
  return { type: 'about:blank', title: 'Error', status: 0, detail: String(e) };
}

/** An API error as the API put it: its title and detail. */
export function ProblemBox({ error }: { error: unknown }) {
  if (!error) return null;
  const p = problemOf(error);
  return (
    <div class="problem" role="alert">
      <strong>{p.title}</strong>
      {p.detail ? <span> — {p.detail}</span> : null}
      {p.status ? <span class="muted"> (HTTP {p.status})</span> : null}
    </div>
  );
}

export function StateBadge({ state }: { state: DomainState }) {
  return <span class={`badge st-${state}`}>{state.replace('_', ' ')}</span>;
}

/** The error the API named for one field (problem.field is a JSON pointer or a name). */
export function fieldError(error: unknown, ...fields: string[]): string | null {
  if (!(error instanceof ApiError) || !error.problem.field) return null;
  const f = error.problem.field;
  for (const want of fields) {
    if (f === want || f.startsWith(`${want}/`)) {
      const p = error.problem;
      return p.detail ? `${p.title}: ${p.detail}` : p.title;
    }
  }
  return null;
}

export function Field(props: { id: string; label: string; error?: string | null; children: ComponentChildren }) {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <span class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}

/** A modal <dialog> asking to confirm a destructive action. */
export function Confirm(props: { text: string; onYes: () => void; onNo: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-text" onCancel={props.onNo}>
      <p id="confirm-text">{props.text}</p>
      <div class="row">
        <button type="button" class="danger" onClick={props.onYes}>
          Confirm
        </button>
        <button type="button" onClick={props.onNo}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** A table's header row: one column header per entry (null entries are left out). */
export function TableHead({ cols }: { cols: (ComponentChildren | null)[] }) {
  return (
    <thead>
      <tr>
        {cols
          .filter((c) => c !== null)
          .map((c, i) => (
            <th key={i} scope="col">
              {c}
            </th>
          ))}
      </tr>
    </thead>
  );
}

export function fmtMib(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(mib % 1024 ? 1 : 0)} GiB` : `${mib} MiB`;
}
