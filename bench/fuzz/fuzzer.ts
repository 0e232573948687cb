/**
 * The fuzzing clients of bench/fuzz, in a process of their own (as a hostile client is not on the
 * healthy agent's machine): sends the generated inputs, prints one JSON line with what it sent.
 *
 *   npx tsx bench/fuzz/fuzzer.ts <ws url> <http url> <inputs> <seed> <ws connections> <http workers> <max message bytes>
 */
import { fuzzHttp, fuzzWebSocket, httpFuzzInput, sampleInputs, wsFuzzInput } from '@roost/gateway/testing';

/** The share of inputs sent over plain HTTP (the fuzz suite's). */
export const HTTP_SHARE = 0.12;

async function main(): Promise<void> {
  const [url, httpUrl, inputs, seed, wsConnections, httpWorkers, maxMessageBytes] = process.argv.slice(2);
  const total = Number(inputs);
  const httpCount = Math.round(total * HTTP_SHARE);
  const wsInputs = sampleInputs(wsFuzzInput(Number(maxMessageBytes), true), total - httpCount, Number(seed));
  const httpInputs = sampleInputs(httpFuzzInput(Number(maxMessageBytes)), httpCount, Number(seed) + 1);
  process.stdout.write(`${JSON.stringify({ generated: total })}\n`);
  const started = Date.now();
  const [ws, http] = await Promise.all([fuzzWebSocket(String(url), wsInputs, Number(wsConnections)), fuzzHttp(String(httpUrl), httpInputs, Number(httpWorkers))]);
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ seconds, ws: ws.sent, http: http.sent, mismatches: ws.mismatchCount + http.mismatchCount, examples: [...ws.mismatches, ...http.mismatches].slice(0, 5) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
