import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The workspace as a server process of its own, as a team runs it, on one data folder and one port:
 * the chaos suite kills it with SIGKILL and starts it again on the same folder.
 */
export class WorkspaceProcess {
  private child: ChildProcess | null = null;
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly publicUrl: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'workspace', 'cli.ts'),
        'serve',
        '--port',
        String(this.port),
        '--data',
        this.dataDir,
        '--public-url',
        this.publicUrl,
        '--backup-every',
        '0',
      ],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (/Sameroom workspace at /.test(output)) resolve();
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code) => reject(new Error(`the workspace exited (${code}): ${output}`)));
    });
  }

  /** SIGKILL: no goodbye, no flush. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  /** A CLI command through the running server's control socket: its output lines. */
  command(...args: string[]): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'workspace', 'cli.ts'), ...args, '--data', this.dataDir],
        {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on('exit', (code) =>
        code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`${args[0]}: ${err || out}`)),
      );
    });
  }

  /** Whether the server answers its health check. */
  healthy(): Promise<boolean> {
    return new Promise((resolve) => {
      const call = request(`${this.url}/healthz`, { timeout: 1_000 }, (answer) => {
        answer.resume();
        resolve(answer.statusCode === 200);
      });
      call.on('error', () => resolve(false));
      call.on('timeout', () => {
        call.destroy();
        resolve(false);
      });
      call.end();
    });
  }
}
