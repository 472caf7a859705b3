/** Polls until `fn` holds; the milliseconds it took, or null after `ms`. */
export async function within(fn: () => Promise<boolean>, ms: number, step = 5): Promise<number | null> {
  const start = performance.now();
  while (performance.now() - start < ms) {
    if (await fn()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, step));
  }
  return null;
}
