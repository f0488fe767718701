import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../jobs/site/png.ts';

describe('encodePng', () => {
  it('gives a PNG that decodes to exactly the pixels drawn', async () => {
    const width = 301;
    const height = 157;
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#1f4e8c';
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (let x = 0; x < 30; x++) ctx.lineTo(x * 10, 20 + ((x * 37) % 120));
    ctx.stroke();
    ctx.fillStyle = '#a33a00';
    ctx.font = '20px sans-serif';
    ctx.fillText('Tỷ lệ trực tuyến 9,51%', 10, 140);
    const drawn = Buffer.from(canvas.data());

    const png = encodePng(canvas.data(), width, height);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(png.readUInt32BE(16)).toBe(width);
    expect(png.readUInt32BE(20)).toBe(height);

    const image = await loadImage(png);
    const back = createCanvas(width, height);
    back.getContext('2d').drawImage(image, 0, 0);
    const decoded = Buffer.from(back.data());
    expect(decoded.length).toBe(drawn.length);
    let differing = 0;
    for (let i = 0; i < drawn.length; i++) if (drawn[i] !== decoded[i]) differing++;
    expect(differing).toBe(0);
    // Not blank: the line and the text are there.
    expect(new Set(Array.from({ length: width * height }, (_, p) => drawn.readUInt32BE(p * 4))).size).toBeGreaterThan(10);
  });
});
