import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeModel {
  baseUrl: string;
  requests: Array<{ model: string; messages: Array<{ role: string; content: string }> }>;
  close(): Promise<void>;
}

/** An OpenAI-compatible chat-completions endpoint on 127.0.0.1 answering with `answer` (or an HTTP error). */
export async function startFakeModel(answer: { status: number; content: string }): Promise<FakeModel> {
  const requests: FakeModel['requests'] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(body) as FakeModel['requests'][number]);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      if (answer.status !== 200) {
        response.end(JSON.stringify({ error: { message: answer.content, type: 'invalid_request_error' } }));
        return;
      }
      response.end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: 'fake-model',
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer.content } },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
