import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The sync benchmark runs its parts in processes of their own (seeding, the fake vendor, the
 * engine), so the engine's peak RSS is the engine's alone. Parent and child talk over Node's IPC
 * channel: the child is started with its arguments as JSON, answers `{ id, result | error }` to
 * `{ id, command, args }` requests, and may send events (`{ event, … }`) such as `ready`.
 */
export interface RoleProcess {
  /** Resolves with the first event of this name. */
  event<T = Record<string, unknown>>(name: string): Promise<T>;
  request<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** Resolves when the process has exited with 0; rejects otherwise. */
  exited: Promise<void>;
  kill(): void;
}

type Message = { event?: string; id?: number; result?: unknown; error?: string; [key: string]: unknown };

/** Starts `test/bench/<file>` under tsx with `args` (passed as JSON in argv[2]). */
export function startRole(file: string, args: unknown, env: Record<string, string> = {}): RoleProcess {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path, JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const events = new Map<string, Message>();
  const eventWaiters = new Map<string, Array<(message: Message) => void>>();
  let nextId = 1;
  child.on('message', (raw) => {
    const message = raw as Message;
    if (message.event) {
      events.set(message.event, message);
      for (const waiter of eventWaiters.get(message.event) ?? []) waiter(message);
      eventWaiters.delete(message.event);
      return;
    }
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.error) pending.reject(new Error(message.error));
    else pending.resolve(message.result);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('exit', (code, signal) => {
      const failure = new Error(`${file} exited with ${code ?? signal}`);
      for (const pending of waiting.values()) pending.reject(failure);
      for (const name of eventWaiters.keys()) eventWaiters.delete(name);
      if (code === 0) resolve();
      else reject(failure);
    });
  });
  exited.catch(() => undefined);
  return {
    event<T>(name: string) {
      const seen = events.get(name);
      if (seen) return Promise.resolve(seen as T);
      return Promise.race([
        new Promise<T>((resolve) => {
          eventWaiters.set(name, [...(eventWaiters.get(name) ?? []), (message) => resolve(message as T)]);
        }),
        exited.then(() => {
          throw new Error(`${file} exited before '${name}'`);
        }),
      ]);
    },
    request<T>(command: string, args?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** Child side: the JSON arguments this process was started with. */
export function roleArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** Child side: sends an event to the parent; resolves once it is handed over. */
export function emit(event: string, fields: Record<string, unknown> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return resolve();
    process.send({ event, ...fields }, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

/** Child side: answers the parent's requests with `handlers`; `close` ends the process. */
export function serve(handlers: Record<string, (args: unknown) => unknown>): void {
  process.on('message', async (raw) => {
    const { id, command, args } = raw as { id: number; command: string; args: unknown };
    try {
      const handler = handlers[command];
      if (!handler) throw new Error(`unknown command ${command}`);
      process.send?.({ id, result: await handler(args) });
    } catch (error) {
      process.send?.({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/** The process's peak resident memory so far, in MB (maxRSS only grows). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
