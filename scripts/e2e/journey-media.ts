// Real media files for the journey's file scene: a PNG drawn and a WebM recorded by Chromium itself, a WAV tone made here, and an SVG carrying script.
import type { Browser } from 'playwright-core';

/** What `setInputFiles` takes for one file. */
export interface MediaFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

export const IMAGE_SIZE = { width: 480, height: 300 } as const;
export const VIDEO_SIZE = { width: 320, height: 180 } as const;
const TONE_SECONDS = 1.5;

/** An SVG that would run script and show a dialog if it were ever rendered as a document. */
const HOSTILE_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" onload="alert('svg rendered')">
  <script>alert('svg script ran')</script>
  <circle cx="100" cy="100" r="80" fill="#7b4bb7"/>
</svg>
`;

/** A short sine tone as 16-bit mono PCM WAV. */
export function sineWav(name: string, hz = 440, seconds = TONE_SECONDS, sampleRate = 22_050): MediaFile {
  const samples = Math.round(seconds * sampleRate);
  const data = samples * 2;
  const wav = Buffer.alloc(44 + data);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + data, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(data, 40);
  for (let i = 0; i < samples; i += 1) {
    // Faded in and out, so the tone does not click.
    const envelope = Math.min(1, i / 800, (samples - i) / 800);
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 0.4 * envelope * 32_767), 44 + i * 2);
  }
  return { name, mimeType: 'audio/wav', buffer: wav };
}

export function hostileSvg(name: string): MediaFile {
  return { name, mimeType: 'image/svg+xml', buffer: Buffer.from(HOSTILE_SVG, 'utf8') };
}

/** A PNG and a VP8 WebM made in a scratch page of the journey's Chromium (canvas and MediaRecorder), so both are what a browser writes. */
export async function drawnMedia(browser: Browser, imageName: string, videoName: string): Promise<{ image: MediaFile; video: MediaFile }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // Strings, not functions: scripts are type-checked without the DOM library.
    const png = await page.evaluate<string>(`(() => {
      const canvas = document.createElement('canvas');
      canvas.width = ${String(IMAGE_SIZE.width)};
      canvas.height = ${String(IMAGE_SIZE.height)};
      const ctx = canvas.getContext('2d');
      const sky = ctx.createLinearGradient(0, 0, 0, canvas.height);
      sky.addColorStop(0, '#9fd3f5');
      sky.addColorStop(1, '#fdf1d6');
      ctx.fillStyle = sky;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#f6c343';
      ctx.beginPath();
      ctx.arc(380, 80, 42, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#4f8a3c';
      ctx.fillRect(0, 220, canvas.width, 80);
      for (const [x, h] of [[70, 90], [150, 120], [240, 100], [320, 130]]) {
        ctx.fillStyle = '#3c6b2c';
        ctx.fillRect(x - 3, 220 - h, 6, h);
        ctx.fillStyle = '#9b6fd6';
        ctx.beginPath();
        ctx.arc(x, 220 - h, 22, 0, Math.PI * 2);
        ctx.fill();
      }
      ctx.fillStyle = '#24323f';
      ctx.font = 'bold 28px sans-serif';
      ctx.fillText('Allium garden', 24, 48);
      return canvas.toDataURL('image/png').split(',')[1];
    })()`);
    const webm = await page.evaluate<string>(`(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = ${String(VIDEO_SIZE.width)};
      canvas.height = ${String(VIDEO_SIZE.height)};
      document.body.append(canvas);
      const ctx = canvas.getContext('2d');
      let frame = 0;
      const draw = () => {
        ctx.fillStyle = '#1d2b3a';
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.fillStyle = '#9b6fd6';
        ctx.beginPath();
        ctx.arc(40 + (frame * 6) % 240, 90, 28, 0, Math.PI * 2);
        ctx.fill();
        ctx.fillStyle = '#ffffff';
        ctx.font = 'bold 20px sans-serif';
        ctx.fillText('Allium video · frame ' + frame, 16, 30);
        frame += 1;
      };
      draw();
      const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 300000 });
      const chunks = [];
      recorder.ondataavailable = (event) => chunks.push(event.data);
      const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
      recorder.start();
      const timer = setInterval(draw, 40);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      recorder.stop();
      clearInterval(timer);
      await stopped;
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    })()`);
    return {
      image: { name: imageName, mimeType: 'image/png', buffer: Buffer.from(png, 'base64') },
      video: { name: videoName, mimeType: 'video/webm', buffer: Buffer.from(webm, 'base64') },
    };
  } finally {
    await context.close();
  }
}
