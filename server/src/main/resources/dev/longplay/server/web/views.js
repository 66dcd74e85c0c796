// Thumbnails drawn from the decoded audio: a min/max waveform and a log-magnitude spectrogram (small radix-2 FFT).

const FFT_SIZE = 256;

export function drawWaveform(canvas, buffer) {
  const g = canvas.getContext('2d');
  const { width, height } = canvas;
  g.fillStyle = '#101820';
  g.fillRect(0, 0, width, height);
  const data = mixDown(buffer);
  const per = Math.max(1, Math.floor(data.length / width));
  g.fillStyle = '#f2a541';
  for (let x = 0; x < width; x++) {
    let lo = 1, hi = -1;
    const start = Math.floor(x * data.length / width);
    for (let i = start; i < Math.min(data.length, start + per); i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
    if (hi < lo) continue;
    const y0 = (1 - hi) / 2 * height;
    const y1 = (1 - lo) / 2 * height;
    g.fillRect(x, y0, 1, Math.max(1, y1 - y0));
  }
}

export function drawSpectrogram(canvas, buffer) {
  const g = canvas.getContext('2d');
  const { width, height } = canvas;
  const data = mixDown(buffer);
  const image = g.createImageData(width, height);
  const bins = FFT_SIZE / 2;
  const re = new Float32Array(FFT_SIZE);
  const im = new Float32Array(FFT_SIZE);
  const window = hann(FFT_SIZE);
  const columns = [];
  let max = -Infinity;
  for (let x = 0; x < width; x++) {
    const start = Math.floor(x * Math.max(0, data.length - FFT_SIZE) / Math.max(1, width - 1));
    for (let i = 0; i < FFT_SIZE; i++) {
      re[i] = (data[start + i] || 0) * window[i];
      im[i] = 0;
    }
    fft(re, im);
    const col = new Float32Array(bins);
    for (let k = 0; k < bins; k++) {
      col[k] = 10 * Math.log10(re[k] * re[k] + im[k] * im[k] + 1e-12);
      if (col[k] > max) max = col[k];
    }
    columns.push(col);
  }
  const floor = max - 80; // 80 dB of range
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      // low frequencies at the bottom, log-spaced so the musical range gets the room
      const k = Math.min(bins - 1, Math.floor(Math.pow(bins, 1 - y / height)));
      const v = Math.max(0, Math.min(1, (columns[x][k] - floor) / (max - floor || 1)));
      const p = (y * width + x) * 4;
      image.data[p] = Math.round(255 * Math.min(1, v * 1.6));
      image.data[p + 1] = Math.round(255 * Math.max(0, v * 1.4 - 0.4));
      image.data[p + 2] = Math.round(90 + 120 * Math.sin(Math.PI * v));
      image.data[p + 3] = 255;
    }
  }
  g.putImageData(image, 0, 0);
}

function mixDown(buffer) {
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0);
  const a = buffer.getChannelData(0), b = buffer.getChannelData(1);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] + b[i]) / 2;
  return out;
}

function hann(n) {
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
  return w;
}

/** In-place iterative radix-2 FFT (length a power of two). */
export function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = -2 * Math.PI / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const ar = re[i + k + len / 2] * cr - im[i + k + len / 2] * ci;
        const ai = re[i + k + len / 2] * ci + im[i + k + len / 2] * cr;
        re[i + k + len / 2] = re[i + k] - ar;
        im[i + k + len / 2] = im[i + k] - ai;
        re[i + k] += ar;
        im[i + k] += ai;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}
