// Images in dom0 (kernels, initrds, disks): list, upload with progress and SHA-256, delete.
import { useEffect, useState } from 'preact/hooks';
import { request, type Image } from '../api';
import { Confirm, ProblemBox, TableHead } from '../ui';
import { sha256Hex, uploadImage, type Progress } from '../upload';

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export async function listImages(): Promise<Image[]> {
  return (await request<{ items: Image[] }>('GET', '/v1/images')).data.items;
}

/** A file picker, a name and a progress bar; reports the server's Image when it is kept. */
export function Upload({ idPrefix, onUploaded }: { idPrefix: string; onUploaded: (img: Image) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<Progress | null>(null);
  const [done, setDone] = useState<{ img: Image; local: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = progress !== null && !done && !error;

  async function send(e: Event) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setDone(null);
    setProgress({ sent: 0, total: file.size });
    try {
      // Hashing here runs while the bytes go out; the two are compared when both are known.
      const local = sha256Hex(file).catch(() => null);
      const img = await uploadImage(name.trim() || file.name, file, setProgress);
      setDone({ img, local: await local });
      onUploaded(img);
    } catch (err) {
      setError(err);
    }
  }

  const pct = progress && progress.total ? Math.round((progress.sent * 100) / progress.total) : 0;
  return (
    <form class="upload" onSubmit={send} aria-label="Upload an image">
      <div class="row">
        <label>
          File{' '}
          <input
            id={`${idPrefix}-file`}
            type="file"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0] ?? null;
              setFile(f);
              if (f && !name) setName(f.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, ''));
            }}
          />
        </label>
        <label>
          Save as <input id={`${idPrefix}-name`} value={name} size={24} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!file || busy}>
          Upload
        </button>
      </div>
      {progress ? (
        <p class="row">
          <progress id={`${idPrefix}-progress`} max={progress.total || 1} value={progress.sent} aria-label="Upload progress" />{' '}
          <span data-testid={`${idPrefix}-pct`}>
            {pct}% ({progress.sent} of {progress.total} bytes)
          </span>
        </p>
      ) : null}
      <ProblemBox error={error} />
      {done ? (
        <p role="status">
          Uploaded <strong>{done.img.name}</strong>, {fmtBytes(done.img.size)}, SHA-256{' '}
          <code data-testid={`${idPrefix}-sha256`}>{done.img.sha256}</code>
          {done.local === null
            ? ' (not checked here)'
            : done.local === done.img.sha256
              ? ' — matches the file here'
              : ` — DIFFERS from the file here (${done.local})`}
        </p>
      ) : null}
    </form>
  );
}

/** Every token sees the list; uploading and deleting are offered to admin tokens only. */
export function ImagesPage({ admin }: { admin: boolean }) {
  const [images, setImages] = useState<Image[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const reload = () =>
    listImages()
      .then((l) => {
        setImages(l);
      })
      .catch(setError);
  useEffect(() => void reload(), []);

  async function remove(name: string) {
    setAsking(null);
    try {
      await request('DELETE', `/v1/images/${encodeURIComponent(name)}`);
      setError(null);
      await reload();
    } catch (err) {
      setError(err); // 409 while a domain uses it: its title and detail
    }
  }

  return (
    <section aria-labelledby="img-h">
      <h1 id="img-h">Images</h1>
      <p class="muted">Kernels, initrds and disk images kept in dom0; domains name them in their boot and disks.</p>
      {admin ? <Upload idPrefix="img-up" onUploaded={() => void reload()} /> : null}
      <ProblemBox error={error} />
      {images === null ? (
        <p>Loading…</p>
      ) : images.length === 0 ? (
        <p class="muted">No images yet.</p>
      ) : (
        <table class="list" data-testid="images">
          <TableHead cols={['Name', 'Size', 'SHA-256', 'Uploaded', admin ? 'Actions' : null]} />
          <tbody>
            {images.map((i) => (
              <tr key={i.name}>
                <td>{i.name}</td>
                <td>{fmtBytes(i.size)}</td>
                <td>
                  <code class="hash">{i.sha256}</code>
                </td>
                <td>{i.created_at}</td>
                {admin ? (
                  <td>
                    <button type="button" class="danger" onClick={() => setAsking(i.name)}>
                      Delete {i.name}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {asking ? <Confirm text={`Delete the image ${asking}?`} onYes={() => void remove(asking)} onNo={() => setAsking(null)} /> : null}
    </section>
  );
}
