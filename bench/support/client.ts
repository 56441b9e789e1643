/** A minimal HTTP client with a bearer API token, as a script or an integration would call the API. */
export interface BenchResponse<T = any> {
  status: number;
  body: T;
  /** Wall-clock milliseconds from sending the request to reading the whole answer. */
  ms: number;
}

export class BenchClient {
  constructor(
    readonly baseUrl: string,
    private readonly bearer: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown): Promise<BenchResponse<T>> {
    const started = performance.now();
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, ms: performance.now() - started };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }
  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }
}
