// Define a domain: sizes, PVH kernel, disks, NICs and host PCI devices (POST /v1/domains).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, idempotencyKey, request, type Domain, type DomainCreate, type Image, type PciDevice } from '../api';
import { Field, fieldError, ProblemBox } from '../ui';
import { listImages, Upload } from './images';

interface DiskRow {
  id: string;
  path: string;
  format: 'raw' | 'qcow2';
  readonly: boolean;
}
interface NicRow {
  id: string;
  bridge: string;
  mac: string;
}

export function CreateDomain() {
  const [name, setName] = useState('');
  const [vcpus, setVcpus] = useState('1');
  const [memory, setMemory] = useState('512');
  const [kernel, setKernel] = useState('/var/lib/keel/vmlinuz');
  const [cmdline, setCmdline] = useState('console=hvc0');
  const [initrd, setInitrd] = useState('');
  const [disks, setDisks] = useState<DiskRow[]>([]);
  const [nics, setNics] = useState<NicRow[]>([{ id: '0', bridge: 'xenbr0', mac: '' }]);
  const [pci, setPci] = useState<string[]>([]);
  const [hostPci, setHostPci] = useState<PciDevice[]>([]);
  const [images, setImages] = useState<Image[]>([]);
  const [error, setError] = useState<unknown>(null);
  // One Idempotency-Key per distinct request: a resubmitted identical form is replayed, an
  // edited one is a new request.
  const sent = useRef({ body: '', key: '' });

  useEffect(() => {
    request<{ items: PciDevice[] }>('GET', '/v1/host/pci')
      .then((r) => setHostPci(r.data.items.filter((p) => !p.assigned_to)))
      .catch(() => setHostPci([]));
    listImages()
      .then(setImages)
      .catch(() => setImages([]));
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    const body: DomainCreate = {
      name: name.trim(),
      vcpus: Number(vcpus),
      memory_mib: Number(memory),
      boot: { type: 'pvh', kernel: kernel.trim(), cmdline, ...(initrd.trim() ? { initrd: initrd.trim() } : {}) },
      disks: disks.map((d) => ({ id: d.id, path: d.path.trim(), format: d.format, readonly: d.readonly })),
      nics: nics.map((n) => ({ id: n.id, bridge: n.bridge.trim() || 'xenbr0', ...(n.mac.trim() ? { mac: n.mac.trim() } : {}) })),
      pci,
    };
    const text = JSON.stringify(body);
    if (sent.current.body !== text) sent.current = { body: text, key: idempotencyKey() };
    try {
      const r = await request<Domain>('POST', '/v1/domains', { body, headers: { 'Idempotency-Key': sent.current.key } });
      location.hash = `#/domains/${encodeURIComponent(r.data.name)}`;
    } catch (err) {
      setError(err);
    }
  }

  const fe = (...f: string[]) => fieldError(error, ...f);
  const named = ['/name', '/vcpus', '/memory_mib', '/boot', '/disks', '/nics', '/pci'];
  const general = error instanceof ApiError && named.every((f) => !fe(f)) ? error : null;
  const setDisk = (i: number, patch: Partial<DiskRow>) => setDisks(disks.map((d, k) => (k === i ? { ...d, ...patch } : d)));
  const setNic = (i: number, patch: Partial<NicRow>) => setNics(nics.map((n, k) => (k === i ? { ...n, ...patch } : n)));

  return (
    <section aria-labelledby="c-h">
      <h1 id="c-h">Create a domain</h1>
      <details class="upload-here">
        <summary>Upload a kernel or initrd first</summary>
        <Upload idPrefix="c-up" onUploaded={(img) => setImages([...images.filter((i) => i.name !== img.name), img])} />
      </details>
      <form onSubmit={submit} class="create">
        <ProblemBox error={general} />
        <Field id="c-name" label="Name" error={fe('/name')}>
          <input id="c-name" value={name} required onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field id="c-vcpus" label="vCPUs" error={fe('/vcpus')}>
          <input id="c-vcpus" inputMode="numeric" value={vcpus} onInput={(e) => setVcpus(e.currentTarget.value)} />
        </Field>
        <Field id="c-mem" label="Memory, MiB" error={fe('/memory_mib')}>
          <input id="c-mem" inputMode="numeric" value={memory} onInput={(e) => setMemory(e.currentTarget.value)} />
        </Field>
        <fieldset>
          <legend>Boot (PVH kernel: an uploaded image or a path in dom0)</legend>
          <ImagePick id="c-kernel-image" label="Kernel image" images={images} value={kernel} onPick={setKernel} />
          <Field id="c-kernel" label="Kernel" error={fe('/boot/kernel', '/boot/type')}>
            <input id="c-kernel" value={kernel} onInput={(e) => setKernel(e.currentTarget.value)} />
          </Field>
          <Field id="c-cmdline" label="Command line" error={fe('/boot/cmdline')}>
            <input id="c-cmdline" value={cmdline} onInput={(e) => setCmdline(e.currentTarget.value)} />
          </Field>
          <ImagePick id="c-initrd-image" label="Initrd image" images={images} value={initrd} onPick={setInitrd} />
          <Field id="c-initrd" label="Initrd (optional)" error={fe('/boot/initrd')}>
            <input id="c-initrd" value={initrd} onInput={(e) => setInitrd(e.currentTarget.value)} />
          </Field>
        </fieldset>
        <fieldset>
          <legend>Disks</legend>
          {fe('/disks') ? <p class="field-error" role="alert">{fe('/disks')}</p> : null}
          {disks.map((d, i) => (
            <div class="row" key={i}>
              <label>
                Device <input value={d.id} size={5} onInput={(e) => setDisk(i, { id: e.currentTarget.value })} />
              </label>
              <label>
                Image path <input value={d.path} onInput={(e) => setDisk(i, { path: e.currentTarget.value })} />
              </label>
              <label>
                Format{' '}
                <select value={d.format} onChange={(e) => setDisk(i, { format: e.currentTarget.value as DiskRow['format'] })}>
                  <option value="raw">raw</option>
                  <option value="qcow2">qcow2</option>
                </select>
              </label>
              <label>
                <input type="checkbox" checked={d.readonly} onChange={(e) => setDisk(i, { readonly: e.currentTarget.checked })} /> read-only
              </label>
              <button type="button" onClick={() => setDisks(disks.filter((_, k) => k !== i))}>
                Remove disk {d.id}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setDisks([...disks, { id: `xvd${String.fromCharCode(97 + disks.length)}`, path: '', format: 'raw', readonly: false }])}>
            Add disk
          </button>
        </fieldset>
        <fieldset>
          <legend>Network interfaces</legend>
          {fe('/nics') ? <p class="field-error" role="alert">{fe('/nics')}</p> : null}
          {nics.map((n, i) => (
            <div class="row" key={i}>
              <label>
                Index <input value={n.id} size={2} onInput={(e) => setNic(i, { id: e.currentTarget.value })} />
              </label>
              <label>
                Bridge <input value={n.bridge} size={10} onInput={(e) => setNic(i, { bridge: e.currentTarget.value })} />
              </label>
              <label>
                MAC (optional) <input value={n.mac} size={17} onInput={(e) => setNic(i, { mac: e.currentTarget.value })} />
              </label>
              <button type="button" onClick={() => setNics(nics.filter((_, k) => k !== i))}>
                Remove NIC {n.id}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setNics([...nics, { id: String(nics.length), bridge: 'xenbr0', mac: '' }])}>
            Add NIC
          </button>
        </fieldset>
        <fieldset>
          <legend>Host PCI devices</legend>
          {fe('/pci') ? <p class="field-error" role="alert">{fe('/pci')}</p> : null}
          {hostPci.length ? (
            hostPci.map((p) => (
              <label key={p.bdf} class="block">
                <input
                  type="checkbox"
                  checked={pci.includes(p.bdf)}
                  onChange={(e) => setPci(e.currentTarget.checked ? [...pci, p.bdf] : pci.filter((b) => b !== p.bdf))}
                />{' '}
                {p.bdf} ({p.vendor}:{p.device}, driver {p.driver ?? 'none'})
              </label>
            ))
          ) : (
            <p class="muted">No unassigned devices.</p>
          )}
        </fieldset>
        <button type="submit">Create</button>
      </form>
    </section>
  );
}

/** Picks an uploaded image by name (the field beside it still takes any dom0 path). */
function ImagePick(props: { id: string; label: string; images: Image[]; value: string; onPick: (name: string) => void }) {
  const known = props.images.some((i) => i.name === props.value);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={known ? props.value : ''} onChange={(e) => props.onPick(e.currentTarget.value)}>
        <option value="">(a path, below)</option>
        {props.images.map((i) => (
          <option key={i.name} value={i.name}>
            {i.name} ({i.size} bytes)
          </option>
        ))}
      </select>
    </div>
  );
}
