/**
 * Errors the Port client raises. They carry what an operator needs to find the failing call in
 * Port's logs (status, Port's code and message, the route template, the trace id) and never a
 * credential: the message is built from the route template, not the URL, and scrubbed of secrets.
 */

/** Init for {@link PortApiError}. */
export interface PortApiErrorInit {
  status: number;
  /** Port's machine code (`error` in the envelope), e.g. `invalid_request`. */
  code?: string;
  /** Port's human text (`message` in the envelope). */
  portMessage?: string;
  method: string;
  /** The path template, e.g. `/v1/blueprints/{blueprint}/entities/bulk`. */
  route: string;
  /** `x-trace-id` of the response, when Port sent one. */
  traceId?: string;
}

/**
 * A non-2xx answer from Port (docs/port-api.md §2) after the client's retries and token refresh.
 *
 * @example
 * try { await port.createBlueprint(bp); } catch (e) { if (e instanceof PortApiError && e.status === 409) … }
 */
export class PortApiError extends Error {
  override readonly name = 'PortApiError';
  readonly status: number;
  /** Port's `error` code, or `unknown` when the body was not Port's envelope. */
  readonly code: string;
  /** Port's `message`, as sent (scrubbed of credentials). */
  readonly portMessage: string;
  readonly method: string;
  readonly route: string;
  readonly traceId: string | undefined;

  constructor(init: PortApiErrorInit) {
    const code = init.code ?? 'unknown';
    const portMessage = init.portMessage ?? '';
    const trace = init.traceId ? ` (trace id ${init.traceId})` : '';
    super(`[tide] Port ${init.method} ${init.route} answered ${init.status} ${code}${portMessage ? `: ${portMessage}` : ''}${trace}`);
    this.status = init.status;
    this.code = code;
    this.portMessage = portMessage;
    this.method = init.method;
    this.route = init.route;
    this.traceId = init.traceId;
  }
}

/** Thrown by `kafkaCredentials()` when the organisation has none (docs/port-api.md §7): fatal for the KAFKA listener. */
export class KafkaCredentialsNotFoundError extends Error {
  override readonly name = 'KafkaCredentialsNotFoundError';
  constructor(detail: string) {
    super(`[tide] Kafka credentials not found: ${detail}. Ask Port to enable Kafka for this organisation, or use another event listener.`);
  }
}

/** Port's error envelope, read leniently: any field may be missing on a proxy's error page. */
export interface PortErrorBody {
  code?: string;
  message?: string;
}

/** Parse Port's `{ok:false, error, message}` from a body text; a non-JSON body gives its first 200 characters as the message. */
export function parseErrorBody(text: string): PortErrorBody {
  const trimmed = text.trim();
  if (!trimmed) return {};
  try {
    const body = JSON.parse(trimmed) as { error?: unknown; message?: unknown };
    return {
      code: typeof body.error === 'string' ? body.error : undefined,
      message: typeof body.message === 'string' ? body.message : undefined,
    };
  } catch {
    return { message: trimmed.slice(0, 200) };
  }
}

/** Replace every occurrence of the given secrets in `text` with `***`. Empty secrets are ignored. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
