// The browser tests' environment: the real keel-xenstored and keel-controld-test (controld
// with the hypervisor test double) serving the built dashboard, plus API calls over the
// root-only Unix socket (admin) to set things up and to change state behind the page's back.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, existsSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PCI_DEVICES = [
  ['0000:03:00.0', '0x8086', '0x10d3', '0x020000', 'pciback'],
  ['0000:04:00.0', '0x10de', '0x1eb8', '0x030200', null],
];

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest: ctest -L ui)`);
  return v;
}

async function waitFor(what, fn, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export class KeelEnv {
  constructor() {
    this.daemon = need('KEEL_CONTROLD_TEST');
    this.xenstored = need('KEEL_XENSTORED');
    this.uiDir = need('KEEL_UI_DIR');
    this.work = mkdtempSync(join(tmpdir(), 'keel-ui-test.'));
    this.sock = join(this.work, 'controld.sock');
    this.port = 0;
    // Whatever ends this process (a failed assertion, ctest's timeout), the daemons go too.
    process.on('exit', () => {
      for (const p of [this.controld, this.xs]) if (p && p.exitCode === null) p.kill('SIGKILL');
    });
  }

  async start() {
    const sysfs = join(this.work, 'sys', 'devices');
    for (const [bdf, vendor, device, cls, driver] of PCI_DEVICES) {
      const d = join(sysfs, bdf);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'vendor'), `${vendor}\n`);
      writeFileSync(join(d, 'device'), `${device}\n`);
      writeFileSync(join(d, 'class'), `${cls}\n`);
      if (driver) {
        mkdirSync(join(this.work, 'sys', 'drivers', driver), { recursive: true });
        symlinkSync(join('..', '..', 'drivers', driver), join(d, 'driver'));
      }
    }
    this.sysfs = sysfs;
    this.images = join(this.work, 'images');
    mkdirSync(this.images);
    const xsSock = join(this.work, 'xs.sock');
    this.xs = spawn(this.xenstored, ['--db', join(this.work, 'xs.db'), '--socket', xsSock], {
      stdio: ['ignore', 'ignore', openSync(join(this.work, 'xs.log'), 'a')],
    });
    await waitFor('keel-xenstored', () => existsSync(xsSock));
    this.env = { ...process.env, XENSTORED_PATH: xsSock, KEEL_TEST_HV_STATE: join(this.work, 'hv.json') };
    await this.startControld();
  }

  /** Starts controld (again); TCP keeps the port it had, so open pages can reconnect. */
  async startControld() {
    const ready = join(this.work, 'ready');
    rmSync(ready, { force: true });
    this.controld = spawn(
      this.daemon,
      [
        '--unix', this.sock,
        '--listen', `127.0.0.1:${this.port}`,
        '--ready-file', ready,
        '--set', `ui_dir=${this.uiDir}`,
        '--set', `pci_sysfs=${this.sysfs}`,
        '--set', `images_dir=${this.images}`,
        '--set', 'shutdown_timeout=2',
        '--set', 'request_log=off',
      ],
      { env: this.env, stdio: ['ignore', 'ignore', openSync(join(this.work, 'controld.log'), 'a')] },
    );
    await waitFor('controld', () => existsSync(ready) && readFileSync(ready, 'utf8').includes('}'));
    this.port = JSON.parse(readFileSync(ready, 'utf8')).tcp_port;
    this.base = `http://127.0.0.1:${this.port}`;
  }

  async stopControld() {
    const p = this.controld;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await gone;
  }

  async stop() {
    await this.stopControld();
    if (this.xs && this.xs.exitCode === null) {
      const gone = new Promise((r) => this.xs.once('exit', r));
      this.xs.kill('SIGTERM');
      await gone;
    }
    if (!process.env.KEEL_UI_KEEP) rmSync(this.work, { recursive: true, force: true });
  }

  /** One API call as root over the Unix socket; resolves {status, body}. */
  api(method, path, body) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: this.sock,
          method,
          path,
          headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            let parsed = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* text */
            }
            resolve({ status: res.statusCode, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  async token(name, scope) {
    const r = await this.api('POST', '/v1/tokens', { name, scope });
    if (r.status !== 201) throw new Error(`token ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  async domain(name, extra = {}) {
    const r = await this.api('POST', '/v1/domains', {
      name,
      vcpus: 1,
      max_vcpus: 2,
      memory_mib: 256,
      boot: { type: 'pvh', kernel: '/var/lib/keel/vmlinuz', cmdline: 'console=hvc0' },
      ...extra,
    });
    if (r.status !== 201) throw new Error(`domain ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}
