// After `vite build`: writes a .gz beside every compressible asset (controld serves it to
// clients that accept gzip) and prints the total gzip size of what a browser downloads.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const out = process.argv[2] ?? process.env.KEEL_UI_OUT ?? '../build/ui/dist';
const compressible = /\.(html|js|css|svg|json|txt)$/;
let raw = 0;
let gz = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (compressible.test(name)) {
      const data = readFileSync(path);
      const packed = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
      writeFileSync(`${path}.gz`, packed);
      raw += data.length;
      gz += packed.length;
    }
  }
}

walk(out);
console.log(`ui assets: ${raw} bytes, ${gz} bytes gzip (${(gz / 1024).toFixed(1)} KiB)`);
