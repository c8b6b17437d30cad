// The KTP photo leaves the phone small: decoded, scaled to at most 1,600 px on its longest side,
// re-encoded as JPEG under the contract's 2 MB limit, hashed with WebCrypto, and PUT straight to
// S3 with exactly the headers the presigned URL signs.

export const MAX_BYTES = 2 * 1024 * 1024;
const MIN_BYTES = 1024;
const LONGEST_SIDE = 1600;
const QUALITIES = [0.85, 0.75, 0.65, 0.5];

function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function encode(bitmap, longestSide, quality) {
  const scale = Math.min(1, longestSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff'; // a transparent PNG becomes white, not black
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  return { blob, width, height };
}

/** {blob, contentType, contentLength, checksumSha256, width, height} of the photo as it will be uploaded. */
export async function preparePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    let longestSide = LONGEST_SIDE;
    for (;;) {
      for (const quality of QUALITIES) {
        const encoded = await encode(bitmap, longestSide, quality);
        if (encoded.blob && encoded.blob.size <= MAX_BYTES && encoded.blob.size >= MIN_BYTES) {
          const bytes = new Uint8Array(await encoded.blob.arrayBuffer());
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          return {
            blob: encoded.blob, contentType: 'image/jpeg', contentLength: bytes.length,
            checksumSha256: toBase64(digest), width: encoded.width, height: encoded.height,
          };
        }
      }
      if (longestSide <= 400) throw new Error('photo cannot be made small enough');
      longestSide = Math.round(longestSide * 0.75);
    }
  } finally {
    bitmap.close();
  }
}

/**
 * PUTs the photo to the presigned URL with the signed headers (the browser sets Content-Length
 * from the body itself), reporting progress from 0 to 1. Resolves to the HTTP status.
 */
export function upload(url, headers, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== 'content-length') request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) onProgress(1);
      resolve(request.status);
    };
    request.onerror = () => reject(new Error('upload failed'));
    request.ontimeout = () => reject(new Error('upload timed out'));
    request.timeout = 120000;
    request.send(blob);
  });
}
