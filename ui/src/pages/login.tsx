// Sign-in with a bearer token; the token stays in this tab's sessionStorage only.
import { useState } from 'preact/hooks';
import { probeScope, session, type Scope } from '../api';
import { Field, ProblemBox } from '../ui';

export function Login({ onSignedIn, notice }: { onSignedIn: (s: Scope) => void; notice: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const scope = await probeScope(token.trim());
      session.token = token.trim();
      onSignedIn(scope);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <h1>Keel</h1>
      {notice ? (
        <p class="problem" role="alert">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} autocomplete="off">
        <Field id="token" label="API token">
          <input
            id="token"
            type="password"
            value={token}
            required
            placeholder="keel_…"
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </Field>
        <p class="muted">Make one with <code>keel token create NAME -s read|operate|admin</code>. It is kept for this tab only.</p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <ProblemBox error={error} />
      </form>
    </main>
  );
}
