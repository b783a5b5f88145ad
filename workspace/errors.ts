import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { describeIssues } from '../lib/protocol';

/** An error a client can act on, sent as `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: Array<{ path: string; message: string }>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  static badInput(error: z.ZodError, message = 'The request is not valid.'): ApiError {
    const issues = error.issues.slice(0, 100).map((issue) => ({
      path: issue.path.map(String).join('.').slice(0, 200),
      message: issue.message.slice(0, 200),
    }));
    return new ApiError(
      422,
      'bad_input',
      `${message} ${describeIssues(error).slice(0, 3).join('; ')}`.trim(),
      issues,
    );
  }

  envelope() {
    return {
      error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) },
    };
  }
}

export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'The workspace does not know this token: link the extension again.');
export const forbidden = () =>
  new ApiError(403, 'forbidden', 'Your role in this workspace does not allow this.');
export const notFound = (what = 'That') =>
  new ApiError(404, 'not_found', `${what} does not exist in this workspace.`);
