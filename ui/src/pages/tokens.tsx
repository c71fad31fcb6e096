// API tokens (admin): list, create (the secret is shown once, here) and revoke.
import { useEffect, useState } from 'preact/hooks';
import { idempotencyKey, request, type Scope, type Token } from '../api';
import { Confirm, Field, fieldError, ProblemBox, TableHead } from '../ui';

export function TokensPage() {
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  const load = () =>
    request<{ items: Token[] }>('GET', '/v1/tokens')
      .then((r) => setTokens(r.data.items))
      .catch(setError);
  useEffect(() => void load(), []);

  async function create(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const r = await request<Token & { token: string }>('POST', '/v1/tokens', {
        body: { name: name.trim(), scope },
        headers: { 'Idempotency-Key': idempotencyKey() },
      });
      setSecret({ name: r.data.name, token: r.data.token });
      setName('');
    } catch (err) {
      setError(err);
    }
    await load();
  }

  async function revoke(t: Token) {
    setError(null);
    try {
      await request('DELETE', `/v1/tokens/${t.id}`);
    } catch (err) {
      setError(err);
    }
    await load();
  }

  return (
    <section aria-labelledby="t-h">
      <h1 id="t-h">API tokens</h1>
      <form onSubmit={create} class="row">
        <Field id="t-name" label="Name" error={fieldError(error, '/name')}>
          <input id="t-name" value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field id="t-scope" label="Scope" error={fieldError(error, '/scope')}>
          <select id="t-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)}>
            <option value="read">read</option>
            <option value="operate">operate</option>
            <option value="admin">admin</option>
          </select>
        </Field>
        <button type="submit">Create token</button>
      </form>
      <ProblemBox error={fieldError(error, '/name', '/scope') ? null : error} />
      {secret ? (
        <div class="secret" role="status">
          <p>
            Token <strong>{secret.name}</strong> — copy it now, it is not shown again:
          </p>
          <code data-testid="secret">{secret.token}</code>
          <button type="button" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      ) : null}
      <table class="tokens">
        <TableHead cols={['Name', 'Id', 'Scope', 'Created', <span class="sr-only">Revoke</span>]} />
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-name={t.name}>
              <td>{t.name}</td>
              <td>
                <code>{t.id}</code>
              </td>
              <td>{t.scope}</td>
              <td>{t.created_at.replace('T', ' ').slice(0, 19)}</td>
              <td>
                <button type="button" class="danger" onClick={() => setRevoking(t)}>
                  Revoke {t.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {revoking ? (
        <Confirm
          text={`Revoke token ${revoking.name}? Clients using it are refused from now on.`}
          onYes={() => {
            void revoke(revoking);
            setRevoking(null);
          }}
          onNo={() => setRevoking(null)}
        />
      ) : null}
    </section>
  );
}
