import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import Long from 'long';
import WebSocket from 'ws';
import { ServerErrorResponseType, decodeServerToAgent, decodeWsFrame, encodeAgentToServer, instanceUidToBytes, type AgentToServerInit } from '@roost/opamp';
import type { HttpFuzzInput, WsFuzzInput, WsVerdict } from './opamp-fuzz-inputs';
import { TEST_CAPABILITIES, WsTestAgent, testDescription } from './opamp-test-agent';

/**
 * Sends generated inputs to a gateway over real sockets and checks each answer against the
 * input's verdict. Inputs that get no answer (dropped frames) are tallied by the decode-error
 * reason the gateway must count them under, for the caller to compare with its metrics.
 */
export interface FuzzReport {
  readonly sent: number;
  /** Inputs sent per class. */
  readonly byKind: Record<string, number>;
  /** `transport/reason` → how many the gateway must have counted in roost_gateway_decode_errors_total. */
  readonly decodeErrors: Record<string, number>;
  /** Answers that were not the input's verdict (the first 20, with the input's index and class). */
  readonly mismatches: string[];
  mismatchCount: number;
}

function newReport(): FuzzReport {
  return { sent: 0, byKind: {}, decodeErrors: {}, mismatches: [], mismatchCount: 0 };
}

function mergeReports(reports: FuzzReport[]): FuzzReport {
  const merged = newReport();
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
  };
  for (const report of reports) {
    (merged as { sent: number }).sent += report.sent;
    add(merged.byKind, report.byKind);
    add(merged.decodeErrors, report.decodeErrors);
    merged.mismatches.push(...report.mismatches.slice(0, 20 - merged.mismatches.length));
    merged.mismatchCount += report.mismatchCount;
  }
  return merged;
}

function note(report: FuzzReport, kind: string, decodeError: string | null): void {
  (report as { sent: number }).sent += 1;
  report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
  if (decodeError !== null) report.decodeErrors[decodeError] = (report.decodeErrors[decodeError] ?? 0) + 1;
}

function mismatch(report: FuzzReport, what: string): void {
  report.mismatchCount += 1;
  if (report.mismatches.length < 20) report.mismatches.push(what);
}

const WS_DECODE_ERRORS: Record<WsVerdict, string | null> = {
  reply: null,
  bad_request: 'websocket/bad_instance_uid',
  'dropped:bad_header': 'websocket/bad_header',
  'dropped:bad_protobuf': 'websocket/bad_protobuf',
  'dropped:non_binary_frame': 'websocket/non_binary_frame',
  'close:1009': 'websocket/too_large',
};

/** One fuzzing socket: an agent of its own whose replies are matched, in order, with what it sent. */
class FuzzSocket {
  private socket!: WebSocket;
  private readonly agentId = randomUUID();
  private readonly uid = instanceUidToBytes(this.agentId);
  private sequence = 0;
  /** Verdicts of the frames sent that must be answered, oldest first, with their input index; `own`: sent as this socket's agent. */
  private readonly awaiting: { verdict: 'reply' | 'bad_request'; index: number; own: boolean }[] = [];
  private drained: (() => void) | null = null;
  private closedWith: ((code: number) => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly report: FuzzReport,
  ) {}

  async open(): Promise<void> {
    this.socket = new WebSocket(this.url, { perMessageDeflate: false });
    this.socket.on('message', (data: Buffer) => this.answered(data));
    this.socket.on('close', (code) => this.closedWith?.(code));
    this.socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
  }

  /** Sends every input, reopening after each one that must close the socket. */
  async run(inputs: readonly { input: WsFuzzInput; index: number }[]): Promise<void> {
    await this.open();
    for (const { input, index } of inputs) {
      note(this.report, input.kind, WS_DECODE_ERRORS[input.verdict]);
      if (input.verdict === 'close:1009') {
        await this.closeWith1009(input, index);
        continue;
      }
      const frame = this.frameOf(input);
      this.socket.send(frame, { binary: typeof frame !== 'string' });
      if (input.verdict === 'reply' || input.verdict === 'bad_request') this.awaiting.push({ verdict: input.verdict, index, own: !('frame' in input) });
      if (this.socket.bufferedAmount > 1024 * 1024) await this.allAnswered();
    }
    await this.allAnswered();
    this.socket.close(1000);
  }

  private frameOf(input: WsFuzzInput): Uint8Array | string {
    if ('frame' in input) return input.frame;
    const message: AgentToServerInit = { capabilities: TEST_CAPABILITIES, ...input.message, instanceUid: this.uid, sequenceNum: Long.fromNumber(this.sequence++, true) };
    return Uint8Array.of(0x00, ...encodeAgentToServer(message));
  }

  /** Everything before it is answered first: a socket closing with 1009 drops what it has not answered. */
  private async closeWith1009(input: WsFuzzInput, index: number): Promise<void> {
    await this.allAnswered();
    const code = new Promise<number>((resolve) => (this.closedWith = resolve));
    this.socket.send(this.frameOf(input));
    let timer: NodeJS.Timeout | undefined;
    const got = await Promise.race([code, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no close within 10 s'), 10_000)))]);
    clearTimeout(timer);
    this.closedWith = null;
    if (got !== 1009) mismatch(this.report, `#${index} ${input.kind}: closed with ${got}, expected 1009`);
    await this.open();
  }

  private answered(data: Buffer): void {
    const expected = this.awaiting.shift();
    if (expected === undefined) {
      mismatch(this.report, `an unexpected message after every frame of ${this.agentId} was answered`);
      return;
    }
    const message = decodeServerToAgent(decodeWsFrame(data).data);
    const error = message.errorResponse;
    // A corrupted frame that still decodes speaks for whatever uid it carries.
    const wrongAgent = expected.own && Buffer.compare(Buffer.from(message.instanceUid), Buffer.from(this.uid)) !== 0;
    if (expected.verdict === 'reply' && (error != null || wrongAgent)) {
      mismatch(this.report, `#${expected.index}: expected a reply to ${this.agentId}, got ${JSON.stringify(error ?? message.instanceUid)}`);
    }
    if (expected.verdict === 'bad_request' && error?.type !== ServerErrorResponseType.ServerErrorResponseType_BadRequest) {
      mismatch(this.report, `#${expected.index}: expected BadRequest, got ${JSON.stringify(error)}`);
    }
    if (this.awaiting.length === 0) this.drained?.();
  }

  private allAnswered(): Promise<void> {
    if (this.awaiting.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        mismatch(this.report, `${this.awaiting.length} frames of ${this.agentId} unanswered after 30 s (first #${this.awaiting[0]?.index})`);
        this.awaiting.length = 0;
        resolve();
      }, 30_000);
      this.drained = () => {
        clearTimeout(timer);
        this.drained = null;
        resolve();
      };
    });
  }
}

/** Sends `inputs` over `connections` sockets at once (input i on socket i mod connections). */
export async function fuzzWebSocket(url: string, inputs: readonly WsFuzzInput[], connections: number): Promise<FuzzReport> {
  const reports = Array.from({ length: connections }, newReport);
  await Promise.all(
    reports.map((report, socket) => {
      const mine = inputs.map((input, index) => ({ input, index })).filter(({ index }) => index % connections === socket);
      return new FuzzSocket(url, report).run(mine);
    }),
  );
  return mergeReports(reports);
}

const HTTP_DECODE_ERRORS: Record<HttpFuzzInput['kind'], string | null> = {
  poll: null,
  gzip_poll: null,
  bad_uid: 'http/bad_instance_uid',
  bad_protobuf: 'http/bad_protobuf',
  mutated: null,
  bad_content_type: 'http/bad_content_type',
  bad_gzip: 'http/bad_gzip',
  unknown_encoding: null,
  too_large: 'http/too_large',
  wrong_method: null,
};

function httpDecodeError(input: HttpFuzzInput): string | null {
  if (input.kind !== 'mutated') return HTTP_DECODE_ERRORS[input.kind];
  if (input.status === 400) return 'http/bad_protobuf';
  return input.badRequest === true ? 'http/bad_instance_uid' : null;
}

/** One request; resolves with the status and the decoded reply's error_response type, if any. */
function send(url: string, agent: Agent, input: HttpFuzzInput, body: Uint8Array): Promise<{ status: number; errorType: number | null }> {
  return new Promise((resolve, reject) => {
    const headers = { ...input.headers, 'Content-Length': String(body.length) };
    const req = request(url, { method: input.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const reply = status === 200 ? decodeServerToAgent(Buffer.concat(chunks)) : null;
        resolve({ status, errorType: reply?.errorResponse?.type ?? null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(input.method === 'GET' ? undefined : body);
  });
}

/** Sends `inputs` from `workers` plain-HTTP agents at once, one request at a time each. */
export async function fuzzHttp(url: string, inputs: readonly HttpFuzzInput[], workers: number): Promise<FuzzReport> {
  const reports = Array.from({ length: workers }, newReport);
  await Promise.all(
    reports.map(async (report, worker) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const uid = instanceUidToBytes(randomUUID());
      let sequence = 0;
      for (let index = worker; index < inputs.length; index += workers) {
        const input = inputs[index] as HttpFuzzInput;
        note(report, input.kind, httpDecodeError(input));
        const encoded = input.message ? encodeAgentToServer({ capabilities: TEST_CAPABILITIES, ...input.message, instanceUid: uid, sequenceNum: Long.fromNumber(sequence++, true) }) : null;
        const body = encoded ? (input.gzip ? gzipSync(encoded) : encoded) : (input.body ?? new Uint8Array(0));
        const answer = await send(url, agent, input, body).catch((error: Error) => ({ status: -1, errorType: null, error: error.message }));
        const badRequest = answer.errorType === ServerErrorResponseType.ServerErrorResponseType_BadRequest;
        if (answer.status !== input.status || (input.status === 200 && badRequest !== (input.badRequest === true))) {
          mismatch(report, `#${index} ${input.kind}: expected ${input.status}${input.badRequest ? ' + BadRequest' : ''}, got ${JSON.stringify(answer)}`);
        }
      }
      agent.destroy();
    }),
  );
  return mergeReports(reports);
}

/** A healthy WebSocket agent exchanging heartbeats one after another until `done()`; its round trips in ms. */
export async function healthyRoundTrips(url: string, done: () => boolean, atLeast = 1): Promise<number[]> {
  const agent = await WsTestAgent.connect(url, randomUUID());
  const fullState = { agentDescription: testDescription('healthy'), remoteConfigStatus: { lastRemoteConfigHash: new Uint8Array(0), status: 0 } };
  await agent.exchange(fullState, 10_000);
  const roundTrips: number[] = [];
  while (!done() || roundTrips.length < atLeast) {
    const started = performance.now();
    const reply = await agent.exchange({}, 10_000);
    roundTrips.push(performance.now() - started);
    if (reply.errorResponse != null) throw new Error(`the healthy agent got an error response: ${JSON.stringify(reply.errorResponse)}`);
  }
  await agent.close();
  return roundTrips;
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
