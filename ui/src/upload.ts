// Uploading an image (PUT /v1/images/{name}) with progress. XMLHttpRequest, because its
// upload.onprogress reports bytes sent in every Chromium; fetch with a streamed request body
// needs HTTP/2 (Chromium refuses it over HTTP/1.1, which controld speaks), so it cannot.
import { ApiError, asProblem, session, setReachable, type Image, type Problem } from './api';

export interface Progress {
  sent: number;
  total: number;
}

function problemFrom(xhr: XMLHttpRequest): Problem {
  try {
    return asProblem(xhr.status, JSON.parse(xhr.responseText));
  } catch {
    return asProblem(xhr.status, null); // not JSON
  }
}

/** Sends the file's bytes as application/octet-stream; resolves the server's Image. */
export function uploadImage(name: string, file: Blob, onProgress: (p: Progress) => void): Promise<Image> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/v1/images/${encodeURIComponent(name)}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    const token = session.token;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onerror = () => {
      setReachable(false);
      reject(new ApiError({ type: 'about:blank', title: 'controld unreachable', status: 0, detail: 'the upload got no answer' }, true));
    };
    xhr.onload = () => {
      setReachable(true);
      if (xhr.status !== 201) return reject(new ApiError(problemFrom(xhr)));
      try {
        resolve(JSON.parse(xhr.responseText) as Image);
      } catch {
        reject(new ApiError({ type: 'about:blank', title: 'Bad answer', status: xhr.status, detail: 'the upload answer was not JSON' }));
      }
    };
    xhr.send(file);
  });
}

const HASH_MAX = 256 * 1024 * 1024;

/** The file's SHA-256 computed here (SubtleCrypto), to compare with the server's; null where
 * SubtleCrypto is missing or the file is too large to hold in memory (plain HTTP to a host other than localhost is not a secure context). */
export async function sha256Hex(file: Blob): Promise<string | null> {
  // SubtleCrypto hashes a whole buffer at once: not for images larger than this.
  if (!globalThis.crypto?.subtle || file.size > HASH_MAX) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
