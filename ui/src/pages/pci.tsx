// The host's PCI devices, who owns each, and (admin) assigning and unassigning them.
import { useEffect, useState } from 'preact/hooks';
import { allows, idempotencyKey, request, type PciDevice, type Scope } from '../api';
import { useLive } from '../hooks';
import { live } from '../live';
import { ProblemBox, TableHead } from '../ui';

export function PciPage({ scope }: { scope: Scope }) {
  useLive();
  const [devices, setDevices] = useState<PciDevice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [target, setTarget] = useState<Record<string, string>>({});
  const admin = allows(scope, 'admin');

  const load = () =>
    request<{ items: PciDevice[] }>('GET', '/v1/host/pci')
      .then((r) => setDevices(r.data.items))
      .catch(setError);
  useEffect(() => void load(), []);

  async function run(method: string, path: string, body?: unknown) {
    setError(null);
    try {
      await request(method, path, { body, headers: method === 'POST' ? { 'Idempotency-Key': idempotencyKey() } : {} });
    } catch (e) {
      setError(e);
    }
    await load();
  }

  const owner = (id: string | null) => (id ? (live.domains.get(id)?.name ?? id) : null);
  const domains = [...live.domains.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-labelledby="p-h">
      <h1 id="p-h">PCI devices</h1>
      <ProblemBox error={error} />
      {devices ? (
        <table class="pci">
          <TableHead cols={['Address', 'Vendor:device', 'Class', 'dom0 driver', 'Assigned to', admin ? 'Change' : null]} />
          <tbody>
            {devices.map((p) => (
              <tr key={p.bdf} data-bdf={p.bdf}>
                <td>
                  <code>{p.bdf}</code>
                </td>
                <td>
                  {p.vendor}:{p.device}
                </td>
                <td>{p.class}</td>
                <td>{p.driver ?? '–'}</td>
                <td data-testid="owner">
                  {p.assigned_to ? <a href={`#/domains/${p.assigned_to}`}>{owner(p.assigned_to)}</a> : 'free'}
                </td>
                {admin ? (
                  <td>
                    {p.assigned_to ? (
                      <button type="button" onClick={() => void run('DELETE', `/v1/domains/${p.assigned_to}/pci/${p.bdf}`)}>
                        Unassign
                      </button>
                    ) : (
                      <span class="row">
                        <select
                          aria-label={`Domain for ${p.bdf}`}
                          value={target[p.bdf] ?? ''}
                          onChange={(e) => setTarget({ ...target, [p.bdf]: e.currentTarget.value })}
                        >
                          <option value="">choose a domain</option>
                          {domains.map((d) => (
                            <option key={d.id} value={d.id}>
                              {d.name}
                            </option>
                          ))}
                        </select>
                        <button
                          type="button"
                          disabled={!target[p.bdf]}
                          onClick={() => void run('POST', `/v1/domains/${target[p.bdf]}/pci`, { bdf: p.bdf })}
                        >
                          Assign
                        </button>
                      </span>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Loading…</p>
      )}
    </section>
  );
}
