// What a command runs with: the process's streams and environment (replaceable in tests) and
// the API client, made on first use from the environment or the config file.
import { ApiClient, type Fetch } from './client';
import { configFile, readConfig, resolveCredentials, type Env } from './config';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** All of stdin, as text; on a terminal with `secretPrompt`, one line typed without echo. */
  readStdin: (secretPrompt?: string) => Promise<string>;
  env: Env;
  home: string;
  now: () => Date;
  fetch: Fetch;
}

export class Context {
  private client: ApiClient | null = null;

  constructor(readonly io: Io) {}

  get configFile(): string {
    return configFile(this.io.env, this.io.home);
  }

  /** A line for stderr: what happened, for people; never a result. */
  note(text: string): void {
    this.io.stderr(`${text}\n`);
  }

  api(): ApiClient {
    if (this.client) return this.client;
    const { config, warnings } = readConfig(this.configFile);
    for (const w of warnings) this.note(`postern: warning: ${w}`);
    const { url, apiKey } = resolveCredentials(this.io.env, config);
    this.client = new ApiClient(url, apiKey, this.io.fetch);
    return this.client;
  }
}
