/**
 * The Port error envelope `{ ok: false, error, message }` and the exception that carries it
 * through the emulator's handlers to the response.
 */
export class PortError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PortError';
  }

  toBody(): { ok: false; error: string; message: string } {
    return { ok: false, error: this.code, message: this.message };
  }
}

export const badRequest = (message: string) => new PortError(400, 'bad_request', message);
export const unauthorized = (message = 'Unauthorized: a valid access token is required') =>
  new PortError(401, 'unauthorized', message);
export const notFound = (message: string) => new PortError(404, 'not_found', message);
export const conflict = (message: string) => new PortError(409, 'identifier_taken', message);
export const invalidRequest = (message: string) => new PortError(422, 'invalid_request', message);
export const schemaMismatch = (message: string) => new PortError(422, 'blueprint_schema_mismatch', message);
export const tooLarge = (limit: number) =>
  new PortError(413, 'request_too_large', `Request body exceeds the limit of ${limit} bytes`);
export const alreadyAcknowledged = (message: string) => new PortError(409, 'run_already_acknowledged', message);
export const alreadyEnded = (message: string) => new PortError(409, 'run_already_ended', message);
