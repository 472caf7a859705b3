import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { LineWriter } from '@/lib/observe/line-writer';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempFile(): { file: string; fd: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-writer-'));
  dirs.push(dir);
  const file = path.join(dir, 'decisions.log');
  return { file, fd: fs.openSync(file, 'a') };
}

const line = (i: number) => `{"n":${i},"msg":"authorize check","path":"/ü/${'x'.repeat(i % 50)}"}\n`;

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LineWriter', () => {
  it('writes every line, in order, once: batches as they fill, the rest on close', async () => {
    const { file, fd } = tempFile();
    const w = new LineWriter(fd, { batchBytes: 4096 });
    const expected: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      expected.push(line(i));
      w.write(line(i));
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r)); // let batches go out meanwhile
    }
    await until(() => fs.statSync(file).size > 0);
    await w.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(expected.join(''));
    expect(w.dropped).toBe(0);
    fs.closeSync(fd);
  });

  it('holds lines below the batch size until the flush interval', async () => {
    const { file, fd } = tempFile();
    const w = new LineWriter(fd, { flushMs: 100 });
    w.write(line(1));
    w.write(line(2));
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    await until(() => fs.readFileSync(file, 'utf8') === line(1) + line(2), 2000);
    await w.close();
    fs.closeSync(fd);
  });

  it('delivers everything through a pipe whose reader is slower than the writer (partial writes, EAGAIN)', async () => {
    const { file, fd } = tempFile();
    const cat = spawn('cat', [], { stdio: ['pipe', fd, 'ignore'] });
    children.push(cat);
    const pipeFd = (cat.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const w = new LineWriter(pipeFd, { batchBytes: 256 * 1024 });
    const expected: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      expected.push(line(i));
      w.write(line(i));
    }
    w.flush();
    await until(() => fs.statSync(file).size >= Buffer.byteLength(expected.join('')) / 2, 10_000);
    await w.close();
    cat.stdin!.end();
    await once(cat, 'exit');
    expect(fs.readFileSync(file, 'utf8')).toBe(expected.join(''));
    expect(w.dropped).toBe(0);
    fs.closeSync(fd);
  });

  it('bounds what waits for a stalled destination: lines beyond the bound are dropped and reported, never thrown', async () => {
    // A pipe nobody reads: the first batch fills it and then waits on EAGAIN for ever.
    const sleeper = spawn('sleep', ['30'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(sleeper);
    const pipeFd = (sleeper.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const reports: { dropped: number; error?: string }[] = [];
    const w = new LineWriter(pipeFd, {
      batchBytes: 128 * 1024,
      maxBufferedBytes: 256 * 1024,
      onTrouble: (t) => reports.push(t),
    });
    for (let i = 0; i < 50_000; i++) w.write(line(i)); // ~3.5 MB
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 10_000; i++) w.write(line(i));
    expect(w.dropped).toBeGreaterThan(40_000);
    expect(reports.length).toBe(1); // reported once, not once per line
    expect(reports[0]!.dropped).toBeGreaterThan(0);
    expect(reports[0]!.error).toBeUndefined();
  });

  it('counts lines a broken destination refused, and carries on', async () => {
    const { fd } = tempFile();
    fs.closeSync(fd); // the descriptor is gone: every write fails with EBADF
    const reports: { dropped: number; error?: string }[] = [];
    const w = new LineWriter(fd, { batchBytes: 64, onTrouble: (t) => reports.push(t) });
    for (let i = 0; i < 10; i++) w.write(line(i));
    await until(() => w.dropped >= 10);
    expect(reports[0]?.error).toMatch(/EBADF/);
    await expect(w.close()).resolves.toBeUndefined();
  });
});
