import { describe, expect, it } from 'vitest';
import { Limiter } from '../src/limiter.js';

describe('Limiter', () => {
  it('runs at most `limit` tasks at once, in arrival order', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    const releases = new Map<number, () => void>();
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const tasks = [0, 1, 2, 3].map((index) =>
      limiter.run(
        () =>
          new Promise<number>((resolve) => {
            started.push(index);
            releases.set(index, () => resolve(index));
          }),
      ),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    releases.get(0)?.();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    releases.get(1)?.();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    releases.get(2)?.();
    releases.get(3)?.();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
  });

  it('lets an aborted waiter leave the queue without taking a slot', async () => {
    const limiter = new Limiter(1);
    let release = (): void => undefined;
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const waiting = limiter.run(async () => 'never', controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release();
    await first;
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
  });
});
