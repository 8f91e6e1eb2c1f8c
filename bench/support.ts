import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Start the emulator in its own process, as `npm run port-local` runs it, with Port's rate limits
 * off, and resolve with its base URL once it listens.
 */
export async function startEmulatorProcess(db: string, nodeArgs: string[] = []): Promise<{ baseUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--db', db, '--rate-limits', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { baseUrl, child };
}
