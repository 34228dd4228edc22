/**
 * A `fetch` for one streaming attempt whose event-stream body never errors: a read that fails
 * (connection reset, our own abort, a body cut short) ends the body cleanly, and the error is kept
 * in `bodyError` for the engine to classify.
 *
 * Why: `@openrouter/ai-sdk-provider` 3.1 wraps the body in a stream whose `cancel()` calls
 * `reader.cancel()` without handling the result. Once the body below it has errored, that cancel
 * rejects with nobody listening, and Node's default `unhandledRejection` behaviour ends the whole
 * process. A body that only ever closes cannot put the streams above it into the errored state, so
 * every cancel above it resolves. The attempt loses nothing: the engine reads `bodyError` (and the
 * missing finish reason) and treats the stream as broken.
 */
export class StreamBodyGuard {
  /** The error the response body failed with, when it did. */
  bodyError: unknown;

  constructor(private readonly base: typeof globalThis.fetch = globalThis.fetch) {}

  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await this.base(input, init);
    const type = response.headers.get('content-type') ?? '';
    if (!response.body || !type.includes('text/event-stream')) return response;
    return new Response(this.guard(response.body), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  private guard(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          this.bodyError ??= error;
          controller.close();
        }
      },
      cancel: (reason) => reader.cancel(reason).catch(() => {}),
    });
  }
}
